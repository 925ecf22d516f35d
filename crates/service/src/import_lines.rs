//! The product lines of an imported row (an opportunity's, a contract's),
//! read from one cell as an export writes them, or from a column each.

use kuijing_domain::text;

use crate::imports::Row;

/// Product lines as an export writes them (`products::lines_text`): one per
/// line or separated by `;`, each `product × quantity @ price −discount%`,
/// where everything after the product may be left out (one at the list
/// price, no discount). The product is found by its code or its name among
/// `products` (id, name key, code). Every line that reads otherwise, or names
/// no product, is refused with `lines.<index>.<field>`.
pub(crate) fn parse_lines(
    cell: &str,
    products: &[(i64, String, Option<String>)],
) -> Result<Vec<crate::products::LineInput>, Vec<(String, &'static str)>> {
    use crate::products::{DecimalText, LineInput};
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (index, piece) in cell
        .split(['\n', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        let field = |name: &str| format!("lines.{index}.{name}");
        let mut rest = piece;
        let mut discount = None;
        if let Some(body) = rest.strip_suffix('%') {
            let Some((head, value)) = body
                .rsplit_once(" −")
                .or_else(|| body.rsplit_once(" -"))
                .filter(|(_, v)| !v.trim().is_empty())
            else {
                errors.push((field("discount"), "line_unreadable"));
                continue;
            };
            discount = Some(DecimalText::Text(value.trim().to_string()));
            rest = head;
        }
        let mut price = None;
        if let Some((head, value)) = rest.rsplit_once(" @ ") {
            price = Some(DecimalText::Text(value.trim().to_string()));
            rest = head;
        }
        let mut quantity = None;
        if let Some((head, value)) = rest
            .rsplit_once(" × ")
            .or_else(|| rest.rsplit_once(" x "))
            .or_else(|| rest.rsplit_once(" * "))
        {
            quantity = Some(DecimalText::Text(value.trim().to_string()));
            rest = head;
        }
        let Some(product_id) = find_product(rest, products) else {
            errors.push((field("product_id"), "product_not_found"));
            continue;
        };
        lines.push(LineInput {
            product_id,
            price,
            quantity,
            discount,
        });
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

/// The one product line a row names in its `product_id` (a code or a name),
/// `quantity`, `price` and `discount` columns, if any, each
/// value checked as the form checks it (`money::parse_quantity`,
/// `parse_amount`, `parse_discount`) so a problem names its column. A
/// quantity, price or discount without a product is refused, naming the
/// product column.
pub(crate) fn line_columns(
    row: &Row<'_>,
    products: &[(i64, String, Option<String>)],
) -> Result<Option<crate::products::LineInput>, Vec<(&'static str, &'static str)>> {
    use crate::products::{DecimalText, LineInput};
    use kuijing_domain::money;
    let quantity = row.optional("quantity");
    let price = row.optional("price");
    let discount = row.optional("discount");
    let Some(product) = row.optional("product_id") else {
        return match quantity.or(price).or(discount) {
            Some(_) => Err(vec![("product_id", "required")]),
            None => Ok(None),
        };
    };
    let mut errors = Vec::new();
    let product_id = find_product(&product, products);
    if product_id.is_none() {
        errors.push(("product_id", "product_not_found"));
    }
    if let Some(Err(code)) = quantity.as_deref().map(money::parse_quantity) {
        errors.push(("quantity", code));
    }
    if let Some(Err(code)) = price.as_deref().map(money::parse_amount) {
        errors.push(("price", code));
    }
    if let Some(Err(code)) = discount.as_deref().map(money::parse_discount) {
        errors.push(("discount", code));
    }
    match product_id {
        Some(product_id) if errors.is_empty() => Ok(Some(LineInput {
            product_id,
            quantity: quantity.map(DecimalText::Text),
            price: price.map(DecimalText::Text),
            discount: discount.map(DecimalText::Text),
        })),
        _ => Err(errors),
    }
}

/// The product a cell names: by its code as written, else by its code in
/// any case or width (`W-1` and `w-1` may be two products: the one written
/// so wins), else by its name, among `products` (id, name key, code).
pub(crate) fn find_product(text: &str, products: &[(i64, String, Option<String>)]) -> Option<i64> {
    let name = text.trim();
    if name.is_empty() {
        return None;
    }
    let code = text::normalize(name);
    let key = kuijing_store::products::name_key(name);
    products
        .iter()
        .find(|(_, _, c)| c.as_deref().map(str::trim) == Some(name))
        .or_else(|| {
            products.iter().find(|(_, _, c)| {
                c.as_deref().map(text::normalize).as_deref() == Some(code.as_str())
            })
        })
        .or_else(|| products.iter().find(|(_, name_key, _)| *name_key == key))
        .map(|(id, ..)| *id)
}
