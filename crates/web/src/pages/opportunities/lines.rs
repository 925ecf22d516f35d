//! The product lines of a form (an opportunity's, a contract's): the rows
//! shown, and the lines read back from them.

use super::*;

/// How many product lines the form offers; the script adds more.
const LINE_ROWS: usize = 3;

/// One row of the lines editor as typed.
pub struct LineRow {
    pub product: String,
    pub quantity: String,
    pub price: String,
    pub discount: String,
}

/// Product lines from the editor's columns; rows without a product are
/// left out, so empty rows cost nothing.
pub fn line_inputs(
    products: &[String],
    quantities: &[String],
    prices: &[String],
    discounts: &[String],
) -> Vec<LineInput> {
    let text = |list: &[String], index: usize| -> Option<DecimalText> {
        list.get(index)
            .and_then(|v| optional_text(v))
            .map(DecimalText::Text)
    };
    products
        .iter()
        .enumerate()
        .filter_map(|(index, product)| {
            Some(LineInput {
                product_id: optional_number(product)?,
                quantity: text(quantities, index),
                price: text(prices, index),
                discount: text(discounts, index),
            })
        })
        .collect()
}

/// The editor's rows: what was typed, and empty rows up to a few more.
pub fn line_rows(
    products: &[String],
    quantities: &[String],
    prices: &[String],
    discounts: &[String],
) -> Vec<LineRow> {
    let at = |list: &[String], index: usize| list.get(index).cloned().unwrap_or_default();
    let typed = products.iter().filter(|p| !p.trim().is_empty()).count();
    let mut rows: Vec<LineRow> = (0..products.len())
        .filter(|index| !products[*index].trim().is_empty())
        .map(|index| LineRow {
            product: at(products, index),
            quantity: at(quantities, index),
            price: at(prices, index),
            discount: at(discounts, index),
        })
        .collect();
    for _ in typed..typed.max(LINE_ROWS).max(typed + 1) {
        rows.push(LineRow {
            product: String::new(),
            quantity: String::new(),
            price: String::new(),
            discount: String::new(),
        });
    }
    rows
}
