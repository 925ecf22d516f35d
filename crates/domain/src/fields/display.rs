//! How custom values read: on pages, in exports, and as the key a unique
//! field compares.

use super::*;

/// How a custom value reads by its field's type, on pages (`grouped`, with
/// thousands separators) and in exports (plain, as an import reads it
/// back): a percent with its sign (`12.5%`); money in the decimals of the
/// record's currency when it has one (`1,000` yen, `12.50` dollars on a
/// page; `1000` yen, `12.5` dollars as typed in an export); any other value
/// as [`display`] writes it.
pub fn display_as(
    field_type: FieldType,
    value: &Value,
    currency: Option<&str>,
    grouped: bool,
) -> String {
    use rust_decimal::prelude::ToPrimitive;
    use std::str::FromStr;
    let text = display(value);
    match (field_type, currency) {
        (FieldType::Percent, _) if !text.is_empty() && !text.ends_with('%') => {
            format!("{text}%")
        }
        (FieldType::Money, Some(currency)) => {
            let minor = rust_decimal::Decimal::from_str(&text).ok().and_then(|d| {
                (d * rust_decimal::Decimal::from(crate::money::MINOR_PER_MAJOR)).to_i64()
            });
            match minor {
                Some(minor) if grouped => crate::money::format_in(minor, currency),
                // An export keeps the value as typed, whole in yen.
                Some(minor) if crate::money::decimals(currency) == 0 => {
                    crate::money::amount_text_in(minor, currency)
                }
                _ => text,
            }
        }
        _ => text,
    }
}

/// How a unique field's value is compared: as people read it (its text,
/// a list's items joined), full-width and half-width alike, in any case,
/// spaces left out wherever they are ("RS 42" is "rs42"). Two values with
/// one key are the same value; stored keys are made by this same function.
pub fn unique_key(value: &Value) -> String {
    text::normalize(&display(value)).replace(' ', "")
}

/// The text of a value for lists, exports and the change log.
pub fn display(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(display).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}
