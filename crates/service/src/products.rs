//! Products, their categories, and the product lines of opportunities and
//! contracts.

use kuijing_domain::{Action, FieldError, FieldErrors, Kind, Permission, money, text};
use kuijing_store::Tx;
pub use kuijing_store::line_items::LineItem;
use kuijing_store::products::{self, ProductFields};
pub use kuijing_store::products::{Category, Product};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Result, ServiceError};
use crate::{App, Caller, ListPage, PageRequest};

pub use kuijing_store::products::{Category as ProductCategory, Product as ProductRecord};

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

    pub async fn product_categories(&self, caller: &Caller) -> Result<Vec<Category>> {
        caller.require(product(Action::View))?;
        let mut tx = self.db.read().await?;
        Ok(products::categories(&mut tx).await?)
    }

    pub async fn create_category(&self, caller: &Caller, input: CategoryInput) -> Result<Category> {
        caller.require(product(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let all = products::categories(&mut tx).await?;
        let name = check_category(&all, &input, None)?;
        let order = all.len() as i64;
        let id =
            products::insert_category(&mut tx, &name, input.parent_id, order, self.now()).await?;
        tx.commit().await?;
        Ok(Category {
            id,
            name,
            parent_id: input.parent_id,
            sort_order: order,
        })
    }

    pub async fn update_category(
        &self,
        caller: &Caller,
        id: i64,
        input: CategoryInput,
    ) -> Result<Category> {
        caller.require(product(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let all = products::categories(&mut tx).await?;
        let current = all
            .iter()
            .find(|c| c.id == id)
            .cloned()
            .ok_or(ServiceError::NotFound)?;
        let name = check_category(&all, &input, Some(id))?;
        products::update_category(&mut tx, id, &name, input.parent_id, self.now()).await?;
        tx.commit().await?;
        Ok(Category {
            name,
            parent_id: input.parent_id,
            ..current
        })
    }

    pub async fn delete_category(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(product(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let all = products::categories(&mut tx).await?;
        if !all.iter().any(|c| c.id == id) {
            return Err(ServiceError::NotFound);
        }
        if products::delete_category(&mut tx, id).await? == 0 {
            return Err(ServiceError::Refused {
                code: "category_in_use",
            });
        }
        tx.commit().await?;
        Ok(())
    }

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

    /// A currency given, or the company's.
    pub(crate) fn currency_of(&self, given: Option<&str>, errors: &mut FieldErrors) -> String {
        match given.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => errors
                .take("currency", money::parse_currency(code))
                .unwrap_or_default(),
            None => self.currency(),
        }
    }

    /// The money of an opportunity or a contract: its currency (the one
    /// given, else the record's, else its first product's, else the
    /// company's), its product lines priced in it, and its amount (typed by
    /// hand, or the lines' total).
    pub(crate) async fn check_money(
        &self,
        tx: &mut Tx,
        input: MoneyInput<'_>,
        errors: &mut FieldErrors,
    ) -> Result<Priced> {
        let given = input.currency.map(str::trim).filter(|c| !c.is_empty());
        let first_product = match input.lines.first() {
            Some(line) if given.is_none() && input.current_currency.is_none() => {
                products::get(tx, line.product_id)
                    .await?
                    .map(|p| p.currency)
            }
            _ => None,
        };
        let currency = match (given, input.current_currency, first_product) {
            (Some(code), _, _) => errors
                .take("currency", money::parse_currency(code))
                .unwrap_or_default(),
            (None, Some(current), _) => current.to_string(),
            (None, None, Some(product)) => product,
            (None, None, None) => self.currency(),
        };
        let lines = self
            .check_lines(tx, (input.lines, input.kept_products), &currency, errors)
            .await?;
        let by_hand = input.amount.filter(|a| !a.text().trim().is_empty());
        let amount = match by_hand {
            Some(amount) => {
                let amount = errors
                    .take("amount", money::parse_amount(&amount.text()))
                    .unwrap_or_default();
                fit_currency(errors, "amount", amount, &currency);
                amount
            }
            None => {
                let total = lines
                    .iter()
                    .try_fold(0i64, |sum, line| sum.checked_add(line.subtotal))
                    .filter(|total| *total <= money::MAX_MINOR);
                total.unwrap_or_else(|| {
                    errors.add("amount", "too_large");
                    0
                })
            }
        };
        Ok(Priced {
            currency,
            lines,
            amount,
            by_hand: by_hand.is_some(),
        })
    }

    /// Checks product lines and prices them; errors name `lines.<n>.<field>`.
    /// A product off sale is refused unless it is one of `kept` (on the
    /// record's lines when it was saved before).
    pub(crate) async fn check_lines(
        &self,
        tx: &mut Tx,
        (lines, kept): (&[LineInput], &[i64]),
        currency: &str,
        errors: &mut FieldErrors,
    ) -> Result<Vec<LineItem>> {
        let ids: Vec<i64> = lines.iter().map(|l| l.product_id).collect();
        let found = products::many(tx, &ids).await?;
        let mut out = Vec::new();
        for (index, line) in lines.iter().enumerate() {
            let field = |name: &str| format!("lines.{index}.{name}");
            let Some(product) = found.iter().find(|p| p.id == line.product_id) else {
                errors.add(field("product_id"), "invalid_choice");
                continue;
            };
            if !product.on_sale && !kept.contains(&product.id) {
                errors.add(field("product_id"), "product_off_sale");
                continue;
            }
            // A price is a number in the record's currency: a product priced
            // in another cannot be put on it.
            if product.currency != currency {
                errors.add(field("product_id"), "currency_mismatch");
                continue;
            }
            let price = match &line.price {
                Some(price) if !price.text().trim().is_empty() => {
                    match money::parse_amount(&price.text()) {
                        Ok(price) if money::fits_currency(price, currency).is_ok() => price,
                        Ok(_) => {
                            errors.push(
                                FieldError::new(field("price"), "whole_amount_only")
                                    .with("currency", currency),
                            );
                            continue;
                        }
                        Err(code) => {
                            errors.add(field("price"), code);
                            continue;
                        }
                    }
                }
                _ => product.price,
            };
            let quantity = match &line.quantity {
                Some(quantity) if !quantity.text().trim().is_empty() => {
                    match money::parse_quantity(&quantity.text()) {
                        Ok(quantity) => quantity,
                        Err(code) => {
                            errors.add(field("quantity"), code);
                            continue;
                        }
                    }
                }
                _ => money::QUANTITY_SCALE,
            };
            let discount = match &line.discount {
                Some(discount) => match money::parse_discount(&discount.text()) {
                    Ok(discount) => discount,
                    Err(code) => {
                        errors.add(field("discount"), code);
                        continue;
                    }
                },
                None => 0,
            };
            // In yen a subtotal is rounded to the yen, not the cent.
            let subtotal =
                money::round_to_currency(money::line_subtotal(price, quantity, discount), currency);
            if subtotal > money::MAX_MINOR {
                errors.add(field("quantity"), "line_total_too_large");
                continue;
            }
            out.push(LineItem {
                product_id: product.id,
                product_name: product.name.clone(),
                unit: product.unit.clone(),
                list_price: product.price,
                price,
                quantity,
                discount,
                subtotal,
            });
        }
        Ok(out)
    }
}

/// Refuses decimals in an amount of a currency that has none (yen, won),
/// naming the currency, unless the field is already refused.
pub(crate) fn fit_currency(errors: &mut FieldErrors, field: &str, minor: i64, currency: &str) {
    if errors.0.iter().any(|e| e.field == field) {
        return;
    }
    if let Err(code) = money::fits_currency(minor, currency) {
        errors.push(FieldError::new(field, code).with("currency", currency));
    }
}

fn check_category(all: &[Category], input: &CategoryInput, id: Option<i64>) -> Result<String> {
    let mut errors = FieldErrors::new();
    let name = errors
        .take("name", text::parse_name(&input.name, 50))
        .unwrap_or_default();
    if let Some(parent) = input.parent_id {
        if !all.iter().any(|c| c.id == parent) {
            errors.add("parent_id", "invalid_choice");
        } else if let Some(id) = id
            && category_and_below(all, id).contains(&parent)
        {
            errors.add("parent_id", "parent_cycle");
        }
    }
    let key = text::normalize(&name);
    if all.iter().any(|c| {
        Some(c.id) != id && c.parent_id == input.parent_id && text::normalize(&c.name) == key
    }) {
        errors.add("name", "taken");
    }
    errors.into_result()?;
    Ok(name)
}

/// A category and every category below it.
pub(crate) fn category_and_below(all: &[Category], root: i64) -> Vec<i64> {
    let mut found = vec![root];
    let mut index = 0;
    while index < found.len() {
        let parent = found[index];
        found.extend(
            all.iter()
                .filter(|c| c.parent_id == Some(parent))
                .map(|c| c.id),
        );
        index += 1;
    }
    found
}

/// What `check_money` reads.
pub(crate) struct MoneyInput<'a> {
    pub currency: Option<&'a str>,
    /// The currency of the record being edited, kept unless another is given.
    pub current_currency: Option<&'a str>,
    pub lines: &'a [LineInput],
    pub amount: Option<&'a DecimalText>,
    /// Products already on the record's saved lines: they stay allowed when
    /// taken off sale since; any other product must be on sale.
    pub kept_products: &'a [i64],
}

/// The money of a record, checked.
pub(crate) struct Priced {
    pub currency: String,
    pub lines: Vec<LineItem>,
    pub amount: i64,
    pub by_hand: bool,
}

/// Product lines as the change log and exports show them: `Router × 2 @
/// 100.00 −5%` per line, the price in the decimals of `currency` (`@ 100`
/// in yen); `None` without lines.
pub(crate) fn lines_text(
    lines: &[kuijing_store::line_items::LineItem],
    currency: &str,
) -> Option<String> {
    let text: Vec<String> = lines
        .iter()
        .map(|line| {
            let mut text = format!(
                "{} × {} @ {}",
                line.product_name,
                money::quantity_text(line.quantity),
                money::amount_text_in(line.price, currency)
            );
            if line.discount != 0 {
                text.push_str(&format!(" −{}%", money::discount_text(line.discount)));
            }
            text
        })
        .collect();
    (!text.is_empty()).then(|| text.join("; "))
}
