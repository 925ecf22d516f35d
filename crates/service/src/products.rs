//! Products, their categories, and the product lines of opportunities and
//! contracts.

use kuijing_domain::{Action, FieldErrors, Kind, Permission, money, text};
use kuijing_store::Tx;
pub use kuijing_store::line_items::LineItem;
use kuijing_store::products::{self, ProductFields};
pub use kuijing_store::products::{Category, Product};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Result, ServiceError};
use crate::{App, Caller, ListPage, PageRequest};

pub use kuijing_store::products::{Category as ProductCategory, Product as ProductRecord};

mod categories;
pub(crate) use categories::category_and_below;

mod lines;
pub(crate) use lines::{MoneyInput, fit_currency, lines_text};

/// A decimal typed as text (`"1,234.50"`) or sent as a JSON number.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(untagged)]
pub enum DecimalText {
    Text(String),
    #[schema(value_type = f64)]
    Number(serde_json::Number),
}

impl DecimalText {
    pub fn text(&self) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Number(number) => number.to_string(),
        }
    }
}

impl From<&str> for DecimalText {
    fn from(text: &str) -> Self {
        Self::Text(text.to_string())
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    pub name: String,
    pub code: Option<String>,
    pub category_id: Option<i64>,
    pub unit: Option<String>,
    pub price: Option<DecimalText>,
    pub currency: Option<String>,
    #[serde(default = "yes")]
    pub on_sale: bool,
    pub description: Option<String>,
    #[serde(default)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    /// The version read, for an edit.
    pub version: Option<i64>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    pub name: String,
    pub parent_id: Option<i64>,
}

/// A product line as typed: the product, and optionally its sale price
/// (the list price when left out), quantity (1) and discount in % (0).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    pub product_id: i64,
    pub price: Option<DecimalText>,
    pub quantity: Option<DecimalText>,
    pub discount: Option<DecimalText>,
}

#[derive(Debug, Clone, Default)]
pub struct ProductListQuery {
    pub search: Option<String>,
    pub category_id: Option<i64>,
    pub on_sale: Option<bool>,
}

/// The refusal of a code another product has, ignoring case, width and
/// surrounding spaces, naming the code and that product. A product keeping
/// its own code is not refused, even where an older near-duplicate exists.
async fn code_taken(
    tx: &mut Tx,
    code: &str,
    except: Option<i64>,
) -> Result<Option<kuijing_domain::FieldError>> {
    if let Some(id) = except
        && let Some(current) = products::get(tx, id).await?
        && current.code.as_deref() == Some(code)
    {
        return Ok(None);
    }
    Ok(products::code_clash(tx, code, except)
        .await?
        .map(|(id, name, taken)| {
            kuijing_domain::FieldError::new("code", "product_code_taken")
                .with("code", taken)
                .with("product", name)
                .with("id", id)
        }))
}

pub(crate) fn product(action: Action) -> Permission {
    Permission::new(Kind::Product, action)
}

impl App {
    /// Products in the order they were added (see
    /// [`App::list_products_sorted`] for another order).
    pub async fn list_products(
        &self,
        caller: &Caller,
        query: &ProductListQuery,
        page: PageRequest,
    ) -> Result<ListPage<Product>> {
        self.list_products_sorted(caller, query, None, page).await
    }

    pub async fn get_product(&self, caller: &Caller, id: i64) -> Result<Product> {
        caller.require(product(Action::View))?;
        let mut tx = self.db.read().await?;
        products::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    pub async fn create_product(&self, caller: &Caller, input: ProductInput) -> Result<Product> {
        caller.require(product(Action::Create))?;
        let mut tx = self.db.write().await?;
        let fields = self.check_product(&mut tx, &input, None).await?;
        let id = products::insert(&mut tx, &fields, caller.user.id, self.now()).await?;
        self.log_update(
            &mut tx,
            caller,
            Kind::Product,
            id,
            "name",
            None,
            Some(fields.name.clone()),
        )
        .await?;
        tx.commit().await?;
        self.get_product(caller, id).await
    }

    pub async fn update_product(
        &self,
        caller: &Caller,
        id: i64,
        input: ProductInput,
    ) -> Result<Product> {
        caller.require(product(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let current = products::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        crate::stale_check(input.version, current.version, &current)?;
        let fields = self.check_product(&mut tx, &input, Some(id)).await?;
        let mut diff = kuijing_domain::change::Diff::new();
        diff.field(
            "name",
            Some(current.name.clone()),
            Some(fields.name.clone()),
        );
        diff.field("code", current.code.clone(), fields.code.clone());
        diff.field(
            "currency",
            Some(current.currency.clone()),
            Some(fields.currency.clone()),
        );
        diff.field(
            "price",
            Some(money::amount_text(current.price)),
            Some(money::amount_text(fields.price)),
        );
        diff.field(
            "on_sale",
            Some(current.on_sale.to_string()),
            Some(fields.on_sale.to_string()),
        );
        diff.field("unit", current.unit.clone(), fields.unit.clone());
        diff.field("category_id", current.category_id, fields.category_id);
        diff.field(
            "description",
            current.description.clone(),
            fields.description.clone(),
        );
        diff.custom(&current.custom, &fields.custom);
        if !products::update(&mut tx, id, current.version, &fields, self.now()).await? {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        self.log_diff(&mut tx, caller, Kind::Product, id, diff)
            .await?;
        tx.commit().await?;
        self.get_product(caller, id).await
    }

    /// Deletes a product no line uses; a used one is taken off sale instead.
    pub async fn delete_product(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(product(Action::Delete))?;
        let mut tx = self.db.write().await?;
        products::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if products::in_use(&mut tx, id).await? {
            return Err(ServiceError::Refused {
                code: "product_in_use",
            });
        }
        products::delete(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }
}

impl App {
    pub(crate) async fn check_product(
        &self,
        tx: &mut Tx,
        input: &ProductInput,
        except: Option<i64>,
    ) -> Result<ProductFields> {
        let mut errors = FieldErrors::new();
        let name = errors
            .take("name", text::parse_name(&input.name, 100))
            .unwrap_or_default();
        let code = errors
            .take("code", text::parse_optional_text(input.code.as_deref(), 50))
            .flatten();
        let unit = errors
            .take("unit", text::parse_optional_text(input.unit.as_deref(), 20))
            .flatten();
        let description = errors
            .take(
                "description",
                text::parse_optional_text(input.description.as_deref(), 5000),
            )
            .flatten();
        let price = match &input.price {
            Some(price) => errors
                .take("price", money::parse_amount(&price.text()))
                .unwrap_or_default(),
            None => 0,
        };
        let currency = match (input.currency.as_deref(), except) {
            (None, Some(id)) => match products::get(tx, id).await? {
                Some(current) => current.currency,
                None => self.currency(),
            },
            (given, _) => self.currency_of(given, &mut errors),
        };
        fit_currency(&mut errors, "price", price, &currency);
        if let Some(category) = input.category_id
            && !products::categories(tx)
                .await?
                .iter()
                .any(|c| c.id == category)
        {
            errors.add("category_id", "invalid_choice");
        }
        let defs = self.field_defs_in(tx, Kind::Product).await?;
        let custom =
            kuijing_domain::fields::parse_custom_in(&defs, &input.custom, &currency, &mut errors);
        if !name.is_empty()
            && products::clash(tx, None, &products::name_key(&name), except)
                .await?
                .is_some()
        {
            errors.add("name", "taken");
        }
        if let Some(code) = &code
            && let Some(error) = code_taken(tx, code, except).await?
        {
            errors.push(error);
        }
        crate::unique_fields::check_unique_custom(
            tx,
            Kind::Product,
            &defs,
            &custom,
            except,
            &mut errors,
        )
        .await?;
        errors.into_result()?;
        Ok(ProductFields {
            category_id: input.category_id,
            code,
            name,
            unit,
            price,
            currency,
            on_sale: input.on_sale,
            description,
            custom,
        })
    }
}
