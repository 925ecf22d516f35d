//! Product pages: the catalogue with its category tree, and the form.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::fields::FieldDef;
use kuijing_domain::{Action, Kind, Permission, money};
use kuijing_service::products::{
    CategoryInput, DecimalText, ProductCategory as Category, ProductInput, ProductListQuery,
    ProductRecord as Product,
};
use kuijing_service::{Caller, ListPage, ServiceError};
use serde::Deserialize;

use super::forms::{
    CustomValues, FormErrors, after_post, answer, done, error_page, optional_number, optional_text,
};
use super::{Shell, list_notes};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

fn can(caller: &Caller, action: Action) -> bool {
    caller.can(Permission::new(Kind::Product, action))
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    category_id: String,
    #[serde(default)]
    off_sale: String,
    #[serde(default)]
    cursor: String,
    /// A column, `-` first for descending; the order added when blank.
    #[serde(default)]
    sort: String,
    done: Option<String>,
}

impl ListQuery {
    /// Whether a search or a category narrows the list.
    fn is_narrowed(&self) -> bool {
        !self.q.trim().is_empty() || !self.category_id.trim().is_empty()
    }

    fn sort(&self) -> Option<&str> {
        Some(self.sort.trim()).filter(|s| !s.is_empty())
    }

    /// The list's search, category and sale filter, for links that keep them.
    fn keep(&self) -> String {
        let mut parts = form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("q", &self.q),
            ("category_id", &self.category_id),
            ("off_sale", &self.off_sale),
        ] {
            if !value.is_empty() {
                parts.append_pair(key, value);
            }
        }
        parts.finish()
    }

    /// The list sorted by `column`: the other way round when it already
    /// is, names upwards and prices from the highest at first.
    fn sort_href(&self, column: &str) -> String {
        let sort = if self.sort == column || (self.sort.is_empty() && column == "price") {
            format!("-{column}")
        } else if self.sort == format!("-{column}") || column != "price" {
            column.to_string()
        } else {
            format!("-{column}")
        };
        let mut parts = form_urlencoded::Serializer::new(self.keep());
        parts.append_pair("sort", &sort);
        format!("/products?{}", parts.finish())
    }

    fn sorted(&self, column: &str) -> &'static str {
        if self.sort == column {
            "ascending"
        } else if self.sort == format!("-{column}") {
            "descending"
        } else {
            "none"
        }
    }
}

/// The columns of the product list, each sorting the list.
const COLUMNS: [(&str, bool); 6] = [
    ("name", false),
    ("code", false),
    ("category_id", false),
    ("unit", false),
    ("price", true),
    ("on_sale", false),
];

#[derive(Template)]
#[template(path = "products.html")]
pub(super) struct ListView {
    /// The import box, for those who may import; with what an upload found.
    import: Option<super::forms::ImportBox>,
    pub(super) shell: Shell,
    list: ListPage<Product>,
    categories: Vec<Category>,
    query: ListQuery,
    errors: FormErrors,
    can_create: bool,
    can_edit: bool,
    can_export: bool,
}

impl ListView {
    fn category(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.categories.iter().find(|c| c.id == id))
            .map(|c| c.name.clone())
            .unwrap_or_else(|| "—".into())
    }

    /// Categories in tree order with their depth, for the side list.
    fn tree(&self) -> Vec<(usize, &Category)> {
        fn walk<'a>(
            all: &'a [Category],
            parent: Option<i64>,
            depth: usize,
            out: &mut Vec<(usize, &'a Category)>,
        ) {
            for category in all.iter().filter(|c| c.parent_id == parent) {
                out.push((depth, category));
                if depth < 8 {
                    walk(all, Some(category.id), depth + 1, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.categories, None, 0, &mut out);
        out
    }

    /// The headings: each links to the list sorted by its column.
    fn headers(&self) -> Vec<super::columns::Header> {
        COLUMNS
            .iter()
            .map(|(column, numeric)| super::columns::Header {
                label: self.shell.t(&format!("fields.{column}")),
                numeric: *numeric,
                sort: Some((self.query.sort_href(column), self.query.sorted(column))),
            })
            .collect()
    }

    /// The address of the next page, keeping the filters and the sort.
    fn next_href(&self, cursor: &str) -> String {
        let mut parts = form_urlencoded::Serializer::new(self.query.keep());
        if let Some(sort) = self.query.sort() {
            parts.append_pair("sort", sort);
        }
        parts.append_pair("cursor", cursor);
        format!("/products?{}", parts.finish())
    }

    fn indent(&self, depth: &usize) -> String {
        format!("padding-left: {}rem", *depth as f32 * 1.0)
    }
}

pub(super) async fn list_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    mut query: ListQuery,
    errors: FormErrors,
) -> Result<ListView, ServiceError> {
    let service = ProductListQuery {
        search: optional_text(&query.q),
        category_id: optional_number(&query.category_id),
        on_sale: query.off_sale.is_empty().then_some(true),
    };
    // A sort the list does not offer shows the order the products were
    // added, a cursor of another sort (an old link) the first page; both
    // say so above the list.
    let asked = (&mut query.sort, &mut query.cursor);
    let (list, note) = list_notes::listed(lang, asked, false, |sort, page| {
        let service = &service;
        async move {
            state
                .app
                .list_products_sorted(caller, service, sort.as_deref(), page)
                .await
        }
    })
    .await?;
    let mut shell = Shell::new(state, caller, lang, "/products", "products.title")
        .with_notice(query.done.as_deref());
    shell.list_note = note;
    Ok(ListView {
        import: super::forms::may_import(caller, Kind::Product)
            .is_ok()
            .then(|| super::forms::ImportBox::new(crate::imports::ImportKind::Product)),
        shell,
        categories: state.app.product_categories(caller).await?,
        list,
        query,
        errors,
        can_create: can(caller, Action::Create),
        can_edit: can(caller, Action::Edit),
        can_export: can(caller, Action::Export),
    })
}

pub async fn list_products(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<ListQuery>,
) -> Response {
    answer(
        list_view(&state, &caller, lang, query, FormErrors::default()).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct CategoryForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    parent_id: String,
}

pub async fn create_category(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<CategoryForm>,
) -> Response {
    let input = CategoryInput {
        name: form.name,
        parent_id: optional_number(&form.parent_id),
    };
    let result = state.app.create_category(&caller, input).await;
    after_post(
        result,
        |_| done("/products", "saved"),
        async |errors| list_view(&state, &caller, lang, ListQuery::default(), errors).await,
        &caller,
        lang,
    )
    .await
}

pub async fn delete_category(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let result = state.app.delete_category(&caller, id).await;
    after_post(
        result,
        |_| done("/products", "deleted"),
        async |errors| list_view(&state, &caller, lang, ListQuery::default(), errors).await,
        &caller,
        lang,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct ProductForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    category_id: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    on_sale: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    version: String,
    #[serde(flatten)]
    custom: CustomValues,
}

impl ProductForm {
    fn input(&self) -> ProductInput {
        ProductInput {
            name: self.name.clone(),
            code: optional_text(&self.code),
            category_id: optional_number(&self.category_id),
            unit: optional_text(&self.unit),
            price: optional_text(&self.price).map(DecimalText::Text),
            currency: None,
            on_sale: !self.on_sale.is_empty(),
            description: optional_text(&self.description),
            custom: self.custom.input(),
            version: optional_number(&self.version),
        }
    }

    fn custom_value(&self, key: &str) -> String {
        self.custom.value(key)
    }
}

#[derive(Template)]
#[template(path = "product_form.html")]
struct FormView {
    shell: Shell,
    id: Option<i64>,
    form: ProductForm,
    errors: FormErrors,
    categories: Vec<Category>,
    can_delete: bool,
    /// The custom fields of products, in their order.
    fields: Vec<FieldDef>,
}

async fn form_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    form: ProductForm,
    errors: FormErrors,
) -> Result<FormView, ServiceError> {
    let title = if id.is_some() {
        "products.edit"
    } else {
        "products.new"
    };
    Ok(FormView {
        shell: Shell::new(state, caller, lang, "/products", title),
        id,
        form,
        errors,
        categories: state.app.product_categories(caller).await?,
        can_delete: id.is_some() && can(caller, Action::Delete),
        fields: state.app.custom_fields(Kind::Product).await?,
    })
}

pub async fn new_product(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
) -> Response {
    if !can(&caller, Action::Create) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let form = ProductForm {
        on_sale: "1".into(),
        custom: super::forms::CustomValues::defaults(
            &state
                .app
                .custom_fields(Kind::Product)
                .await
                .unwrap_or_default(),
        ),
        ..ProductForm::default()
    };
    answer(
        form_view(&state, &caller, lang, None, form, FormErrors::default()).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn create_product(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<ProductForm>,
) -> Response {
    let result = state.app.create_product(&caller, form.input()).await;
    after_post(
        result,
        |_| done("/products", "created"),
        async |errors| form_view(&state, &caller, lang, None, form, errors).await,
        &caller,
        lang,
    )
    .await
}

pub async fn edit_product(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    if !can(&caller, Action::Edit) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let product = match state.app.get_product(&caller, id).await {
        Ok(product) => product,
        Err(error) => return error_page(error, &caller, lang),
    };
    let form = ProductForm {
        name: product.name,
        code: product.code.unwrap_or_default(),
        category_id: product
            .category_id
            .map(|c| c.to_string())
            .unwrap_or_default(),
        unit: product.unit.unwrap_or_default(),
        price: money::amount_text_in(product.price, &product.currency),
        on_sale: if product.on_sale {
            "1".into()
        } else {
            String::new()
        },
        description: product.description.unwrap_or_default(),
        version: product.version.to_string(),
        custom: CustomValues::of(&product.custom),
    };
    answer(
        form_view(&state, &caller, lang, Some(id), form, FormErrors::default()).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn update_product(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<ProductForm>,
) -> Response {
    let result = state.app.update_product(&caller, id, form.input()).await;
    after_post(
        result,
        |_| done("/products", "saved"),
        async |errors| form_view(&state, &caller, lang, Some(id), form, errors).await,
        &caller,
        lang,
    )
    .await
}

pub async fn delete_product(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let result = state.app.delete_product(&caller, id).await;
    let form = ProductForm::default();
    after_post(
        result,
        |_| done("/products", "deleted"),
        async |errors| form_view(&state, &caller, lang, Some(id), form, errors).await,
        &caller,
        lang,
    )
    .await
}

/// The list with its import box as an upload left it (or opened for one).
pub(super) async fn list_with_import(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    shown: super::forms::ImportBox,
) -> Response {
    let built = list_view(
        state,
        caller,
        lang,
        ListQuery::default(),
        FormErrors::default(),
    )
    .await;
    answer(
        built.map(|mut view| {
            view.import = Some(shown);
            view
        }),
        StatusCode::OK,
        caller,
        lang,
    )
}
