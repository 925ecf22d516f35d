//! The product lines of a form (an opportunity's, a contract's), one piece
//! for both: the editor's rows, the lines read back from them, the lines
//! of a stored record put into the form, the products offered, and the
//! lines as one field of a save that met a newer version (see `conflict`).

use std::collections::HashMap;

use kuijing_domain::money;
use kuijing_service::Caller;
use kuijing_service::products::{
    DecimalText, LineInput, LineItem, ProductListQuery, ProductRecord as Product,
};

use super::conflict::{Conflict, Names, Values};
use super::forms::{optional_number, optional_text};
use crate::AppState;

/// How many product lines the form offers; the script adds more.
const LINE_ROWS: usize = 3;

/// One row of the lines editor as typed.
pub struct LineRow {
    pub product: String,
    pub quantity: String,
    pub price: String,
    pub discount: String,
}

/// A form with the lines editor: its columns as posted (`line_product`,
/// `line_quantity`, `line_price`, `line_discount`, one entry a row).
pub trait ProductLines {
    /// Products, quantities, prices and discounts.
    fn columns(&self) -> [&Vec<String>; 4];
    fn columns_mut(&mut self) -> [&mut Vec<String>; 4];

    /// Product lines from the editor's columns; rows without a product are
    /// left out, so empty rows cost nothing.
    fn line_inputs(&self) -> Vec<LineInput> {
        let [products, quantities, prices, discounts] = self.columns();
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

    /// Rows with a quantity, price or discount typed but no product, as
    /// `lines` errors naming each row by its number (from 1): such a line
    /// is refused, never dropped without a word.
    fn unread_lines(&self, errors: &mut kuijing_domain::FieldErrors) {
        for row in self.half_filled() {
            errors.push(
                kuijing_domain::FieldError::new("lines", "line_without_product").with("n", row),
            );
        }
    }

    /// The numbers (from 1) of the rows typed into without a product.
    fn half_filled(&self) -> Vec<usize> {
        let [products, quantities, prices, discounts] = self.columns();
        let typed =
            |list: &[String], index: usize| list.get(index).is_some_and(|v| !v.trim().is_empty());
        let mut rows = Vec::new();
        let mut number = 0;
        for index in 0..products.len() {
            let product = typed(products, index);
            let other = [quantities, prices, discounts]
                .into_iter()
                .any(|list| typed(list, index));
            if product || other {
                number += 1;
            }
            if other && !product {
                rows.push(number);
            }
        }
        rows
    }

    /// The editor's rows: what was typed (a row with a quantity but no
    /// product too, so it can be finished), and empty rows up to a few more.
    fn line_rows(&self) -> Vec<LineRow> {
        let [products, quantities, prices, discounts] = self.columns();
        let at = |list: &[String], index: usize| list.get(index).cloned().unwrap_or_default();
        let typed =
            |list: &[String], index: usize| list.get(index).is_some_and(|v| !v.trim().is_empty());
        let mut rows: Vec<LineRow> = (0..products.len())
            .filter(|index| {
                [products, quantities, prices, discounts]
                    .into_iter()
                    .any(|list| typed(list, *index))
            })
            .map(|index| LineRow {
                product: at(products, index),
                quantity: at(quantities, index),
                price: at(prices, index),
                discount: at(discounts, index),
            })
            .collect();
        let typed = rows.len();
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

    /// The lines as one field's value (see [`lines_value`]).
    fn lines_value(&self) -> String {
        let [products, quantities, prices, discounts] = self.columns();
        lines_value(products, quantities, prices, discounts)
    }

    /// Sets the columns from one field's value (see [`lines_of`]).
    fn take_lines(&mut self, value: &str) {
        for (column, values) in self.columns_mut().into_iter().zip(lines_of(value)) {
            *column = values;
        }
    }

    /// Puts a stored record's lines into the form, prices in `currency`.
    fn push_lines(&mut self, lines: &[LineItem], currency: &str) {
        let [products, quantities, prices, discounts] = self.columns_mut();
        for line in lines {
            products.push(line.product_id.to_string());
            quantities.push(money::quantity_text(line.quantity));
            prices.push(money::amount_text_in(line.price, currency));
            discounts.push(money::discount_text(line.discount));
        }
    }
}

/// [`ProductLines`] for a form whose columns are its fields
/// `line_product`, `line_quantity`, `line_price` and `line_discount`.
#[macro_export]
macro_rules! product_lines {
    ($form:ty) => {
        impl $crate::pages::product_lines::ProductLines for $form {
            fn columns(&self) -> [&Vec<String>; 4] {
                [
                    &self.line_product,
                    &self.line_quantity,
                    &self.line_price,
                    &self.line_discount,
                ]
            }

            fn columns_mut(&mut self) -> [&mut Vec<String>; 4] {
                [
                    &mut self.line_product,
                    &mut self.line_quantity,
                    &mut self.line_price,
                    &mut self.line_discount,
                ]
            }
        }
    };
}

/// The products on sale, for the editor's choices.
pub async fn on_sale(state: &AppState, caller: &Caller) -> Vec<Product> {
    let query = ProductListQuery {
        on_sale: Some(true),
        ..ProductListQuery::default()
    };
    let page = kuijing_service::PageRequest {
        cursor: None,
        limit: Some(kuijing_service::PageRequest::MAX_LIMIT),
        anchor: None,
    };
    state
        .app
        .list_products(caller, &query, page)
        .await
        .map(|page| page.items)
        .unwrap_or_default()
}

/// Product lines as one field: each row that names a product as
/// `product|quantity|price|discount`, one row a line.
pub fn lines_value(
    products: &[String],
    quantities: &[String],
    prices: &[String],
    discounts: &[String],
) -> String {
    let at = |list: &[String], index: usize| {
        list.get(index)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    products
        .iter()
        .enumerate()
        .filter(|(_, product)| !product.trim().is_empty())
        .map(|(index, product)| {
            format!(
                "{}|{}|{}|{}",
                product.trim(),
                at(quantities, index),
                at(prices, index),
                at(discounts, index)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The rows of product lines written by [`lines_value`]: products,
/// quantities, prices and discounts, one entry a line.
pub fn lines_of(value: &str) -> [Vec<String>; 4] {
    let mut rows: [Vec<String>; 4] = Default::default();
    for line in value.lines().filter(|l| !l.trim().is_empty()) {
        let mut parts = line.splitn(4, '|');
        for list in rows.iter_mut() {
            list.push(parts.next().unwrap_or("").trim().to_string());
        }
    }
    rows
}

/// Shows the product lines of `values` (as [`lines_value`] writes them)
/// as "product × quantity @ price −discount%", products by name.
pub fn name_lines(names: &mut Names, values: &[&str], products: &HashMap<String, String>) {
    let shown: Vec<(String, String)> = values
        .iter()
        .filter(|raw| !raw.is_empty())
        .map(|raw| {
            let text = raw
                .lines()
                .map(|line| line_shown(line, products))
                .collect::<Vec<_>>()
                .join("; ");
            (raw.to_string(), text)
        })
        .collect();
    names.option("lines", shown);
}

/// One line as [`name_lines`] shows it: the discount as a percentage, as
/// the export and the change log write it, and left out when there is none.
fn line_shown(line: &str, products: &HashMap<String, String>) -> String {
    let parts: Vec<&str> = line.split('|').collect();
    let part = |i: usize| parts.get(i).copied().unwrap_or("").trim();
    let name = products
        .get(part(0))
        .cloned()
        .unwrap_or_else(|| part(0).to_string());
    let mut text = format!("{name} × {}", part(1));
    if !part(2).is_empty() {
        text.push_str(&format!(" @ {}", part(2)));
    }
    let discount = part(3).trim_end_matches('%').trim();
    let none = discount.is_empty() || discount.parse::<f64>().is_ok_and(|d| d == 0.0);
    if !none {
        text.push_str(&format!(" −{discount}%"));
    }
    text
}

/// The names of products on sale, with those of `lines` (a record's own,
/// perhaps no longer on sale), by id.
pub async fn product_names(
    state: &AppState,
    caller: &Caller,
    lines: &[LineItem],
) -> HashMap<String, String> {
    let mut names: HashMap<String, String> = lines
        .iter()
        .map(|l| (l.product_id.to_string(), l.product_name.clone()))
        .collect();
    for product in on_sale(state, caller).await {
        names.entry(product.id.to_string()).or_insert(product.name);
    }
    names
}

/// The box of a record with product lines (an opportunity, a contract):
/// its lines shown by product name (the record's own products, and those on
/// sale), then the fields the other person changed.
pub async fn with_lines(
    (state, caller): (&AppState, &Caller),
    names: &mut Names,
    (read, theirs, yours): (&str, &Values, &Values),
    stored_lines: &[LineItem],
    reload: String,
) -> Conflict {
    let lines = |values: &Values| {
        values
            .iter()
            .find(|(k, _)| k == "lines")
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let products = product_names(state, caller, stored_lines).await;
    name_lines(names, &[&lines(theirs), &lines(yours)], &products);
    Conflict::new(read, theirs, yours, names, reload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_back_as_written() {
        let products = vec!["7".to_string(), String::new(), "8".to_string()];
        let quantities = vec!["2".to_string(), "9".to_string(), "1.5".to_string()];
        let prices = vec!["100".to_string(), String::new(), String::new()];
        let discounts = vec![String::new(), String::new(), "10".to_string()];
        let value = lines_value(&products, &quantities, &prices, &discounts);
        assert_eq!(value, "7|2|100|\n8|1.5||10");
        let [p, q, r, d] = lines_of(&value);
        assert_eq!(p, vec!["7", "8"]);
        assert_eq!(q, vec!["2", "1.5"]);
        assert_eq!(r, vec!["100", ""]);
        assert_eq!(d, vec!["", "10"]);
        assert_eq!(lines_value(&p, &q, &r, &d), value);
        assert!(lines_of("").iter().all(Vec::is_empty));
    }

    #[derive(Default)]
    struct Lines([Vec<String>; 4]);

    impl ProductLines for Lines {
        fn columns(&self) -> [&Vec<String>; 4] {
            let [a, b, c, d] = &self.0;
            [a, b, c, d]
        }
        fn columns_mut(&mut self) -> [&mut Vec<String>; 4] {
            let [a, b, c, d] = &mut self.0;
            [a, b, c, d]
        }
    }

    #[test]
    fn a_line_shows_its_discount_as_a_percentage() {
        let products = HashMap::from([("7".to_string(), "MG Special".to_string())]);
        assert_eq!(
            line_shown("7|1|55.00|10", &products),
            "MG Special × 1 @ 55.00 −10%"
        );
        assert_eq!(
            line_shown("7|1|55.00|0", &products),
            "MG Special × 1 @ 55.00"
        );
        assert_eq!(line_shown("7|2||", &products), "MG Special × 2");
        assert_eq!(line_shown("9|1|5|12.5", &products), "9 × 1 @ 5 −12.5%");
    }

    #[test]
    fn a_form_takes_lines_and_offers_rows_after_them() {
        let mut form = Lines::default();
        form.take_lines("7|2|100|\n8|1.5||10");
        assert_eq!(form.lines_value(), "7|2|100|\n8|1.5||10");
        let inputs = form.line_inputs();
        assert_eq!(inputs.len(), 2);
        assert_eq!(inputs[1].product_id, 8);
        assert!(inputs[1].price.is_none());
        let rows = form.line_rows();
        assert_eq!(rows.len(), 3, "two typed and an empty one");
        assert_eq!(rows[0].product, "7");
        assert!(rows[2].product.is_empty());
        form.take_lines("");
        assert_eq!(form.line_rows().len(), 3);
    }
}
