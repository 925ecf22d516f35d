//! The product list in any order its columns give, and by custom fields.

use kuijing_domain::{Action, Kind, text};
use kuijing_store::lists::{Shown, Sort};
use kuijing_store::products::{self, ProductQuery};
use kuijing_store::schema::Products;

use crate::error::{Result, ServiceError};
use crate::products::{Product, ProductListQuery, category_and_below, product};
use crate::sorted_pages::{
    By, Column, Read, anchor_cursor, anchor_value, carried, last_shown, parse_sort,
};
use crate::{App, Caller, ListPage, PageRequest};

/// The columns a product list sorts by, as the API and the page's headers
/// name them; custom fields (`custom.<key>`) sort too.
const PRODUCT_SORTS: &[Column<Products>] = &[
    Column {
        name: "name",
        column: Products::Name,
        by: By::Text,
        field: "name",
        read: Read::Text,
    },
    Column {
        name: "code",
        column: Products::Code,
        by: By::Text,
        field: "code",
        read: Read::Text,
    },
    Column {
        name: "category_id",
        column: Products::CategoryId,
        by: By::Shown(Shown::Category),
        field: "category_id",
        read: Read::Int,
    },
    Column {
        name: "unit",
        column: Products::Unit,
        by: By::Text,
        field: "unit",
        read: Read::Text,
    },
    Column {
        name: "price",
        column: Products::Price,
        by: By::Plain,
        field: "price",
        read: Read::Int,
    },
    Column {
        name: "currency",
        column: Products::Currency,
        by: By::Plain,
        field: "currency",
        read: Read::Text,
    },
    Column {
        name: "on_sale",
        column: Products::OnSale,
        by: By::Plain,
        field: "on_sale",
        read: Read::Bool,
    },
    Column {
        name: "created_at",
        column: Products::CreatedAt,
        by: By::Plain,
        field: "created_at",
        read: Read::Time,
    },
    Column {
        name: "updated_at",
        column: Products::UpdatedAt,
        by: By::Plain,
        field: "updated_at",
        read: Read::Time,
    },
];

/// Whether a product list sorts by the column (custom fields sort too).
pub fn product_sorts_by(column: &str) -> bool {
    column.starts_with("custom.") || PRODUCT_SORTS.iter().any(|c| c.name == column)
}

impl App {
    /// A page of products in the order `sort` names (a column of
    /// `PRODUCT_SORTS` or `custom.<key>`, `-` first for descending; the
    /// order they were added when none). Ties break on the id, empty values
    /// last.
    pub async fn list_products_sorted(
        &self,
        caller: &Caller,
        query: &ProductListQuery,
        sort_text: Option<&str>,
        page: PageRequest,
    ) -> Result<ListPage<Product>> {
        caller.require(product(Action::View))?;
        let mut tx = self.db.read().await?;
        let categories = match query.category_id {
            Some(root) => Some(category_and_below(
                &products::categories(&mut tx).await?,
                root,
            )),
            None => None,
        };
        let store_query = ProductQuery {
            search: query
                .search
                .as_deref()
                .map(text::normalize)
                .filter(|s| !s.is_empty()),
            categories,
            on_sale: query.on_sale,
            ids: None,
        };
        let defs = self.field_defs_in(&mut tx, Kind::Product).await?;
        let oldest = Sort::by(Products::Id, false);
        let sort = parse_sort(PRODUCT_SORTS, (Products::Id, oldest), &defs, sort_text)?;
        let after = match (page.cursor, carried(&page)) {
            (Some(id), Some(value)) => Some((value, id)),
            (Some(id), None) => {
                let anchor = products::get(&mut tx, id).await?.ok_or_else(|| {
                    ServiceError::Invalid(
                        kuijing_domain::FieldError::new("cursor", "invalid_cursor").into(),
                    )
                })?;
                Some((anchor_value(PRODUCT_SORTS, &sort, sort_text, &anchor), id))
            }
            (None, _) => None,
        };
        let probe = page.probe();
        let sorted = sort.clone();
        let found = products::list_sorted(&mut tx, &store_query, sort, after, probe.limit).await?;
        let next_value = last_shown(&found, probe.limit - 1)
            .map(|row| anchor_value(PRODUCT_SORTS, &sorted, sort_text, row));
        let total = products::count(&mut tx, &store_query).await?;
        let mut list = ListPage::new(found, total, probe.limit - 1, |p| p.id);
        list.next_cursor = anchor_cursor(list.next_cursor, sort_text, next_value);
        Ok(list)
    }
}
