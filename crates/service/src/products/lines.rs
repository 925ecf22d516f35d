//! Product lines and the money of opportunities and contracts: the currency,
//! the amount and the lines, checked.

use kuijing_domain::{FieldError, FieldErrors, money};
use kuijing_store::Tx;
use kuijing_store::products;

use crate::App;
use crate::error::Result;

use super::{DecimalText, LineInput, LineItem};

impl App {
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
