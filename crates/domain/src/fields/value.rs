//! One custom value checked and normalised by its field's type.

use super::*;

/// Checks and normalises the value of one custom field from what a form or
/// the API sent. `None` means the field is empty.
pub fn parse_value(def: &FieldDef, raw: Option<&Value>) -> Result<Option<Value>, Refusal> {
    let text = match raw {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(items)) if def.field_type == FieldType::MultiChoice => {
            let chosen: Vec<String> = items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            return multi(def, chosen).map_err(Refusal::from);
        }
        Some(_) => return Err(Refusal::from("invalid_value")),
    };
    if text.is_empty() {
        return if def.required {
            Err("required".into())
        } else {
            Ok(None)
        };
    }
    let value = match def.field_type {
        FieldType::Text | FieldType::Phone => {
            if text.chars().count() > TEXT_MAX {
                return Err(Refusal::too_long(TEXT_MAX));
            }
            if def.field_type == FieldType::Phone {
                let text = crate::text::half_width(&text);
                if !text.chars().any(|c| c.is_ascii_digit()) {
                    return Err(Refusal::from("phone_invalid"));
                }
                return Ok(Some(Value::String(text)));
            }
            Value::String(text)
        }
        FieldType::LongText => {
            if text.chars().count() > LONG_TEXT_MAX {
                return Err(Refusal::too_long(LONG_TEXT_MAX));
            }
            Value::String(text)
        }
        FieldType::Number | FieldType::Percent | FieldType::Money => {
            Value::String(parse_figure(def.field_type, &text)?)
        }
        FieldType::Date => {
            let date = crate::dates::parse_date(&text)?;
            in_years(date)?;
            Value::String(date.format("%Y-%m-%d").to_string())
        }
        FieldType::DateTime => {
            let at = chrono::DateTime::parse_from_rfc3339(&text).map_err(|_| "date_invalid")?;
            in_years(at.date_naive())?;
            Value::String(at.with_timezone(&chrono::Utc).to_rfc3339())
        }
        FieldType::Choice => match option_of(def, &text) {
            Some(option) => Value::String(option),
            None => return Err(Refusal::from("invalid_choice")),
        },
        FieldType::MultiChoice => {
            let chosen = text
                .split([',', '，', ';'])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            return multi(def, chosen).map_err(Refusal::from);
        }
        FieldType::Email => Value::String(text::parse_email(&text)?),
        FieldType::Url => {
            let lower = text.to_lowercase();
            let with_scheme = if lower.starts_with("http://") || lower.starts_with("https://") {
                text
            } else if text.contains('.') && !text.contains(' ') {
                format!("https://{text}")
            } else {
                return Err(Refusal::from("url_invalid"));
            };
            Value::String(with_scheme)
        }
        FieldType::User | FieldType::Department => {
            let id: i64 = text.parse().map_err(|_| "invalid_value")?;
            Value::from(id)
        }
        FieldType::Bool => match parse_yes_no(&text) {
            Some(yes) => Value::Bool(yes),
            None => return Err(Refusal::from("invalid_value")),
        },
    };
    Ok(Some(value))
}

/// A yes/no value as forms, imports and conditions write it: `true`, `1`,
/// `yes`, `是`, `on` (and their opposites), in any case and width; `None`
/// for anything else.
pub fn parse_yes_no(text: &str) -> Option<bool> {
    match text::normalize(text).as_str() {
        "true" | "1" | "yes" | "y" | "是" | "on" => Some(true),
        "false" | "0" | "no" | "n" | "否" | "off" => Some(false),
        _ => None,
    }
}

/// The largest figure a number, percent or money field takes, either sign:
/// the product's largest amount, far beyond any real figure and exact in
/// sums (no 1e20).
const MAX_FIGURE: i64 = 1_000_000_000_000;

/// A date field takes the years of a record's own dates
/// ([`crate::dates::YEARS`]).
fn in_years(date: chrono::NaiveDate) -> Result<(), &'static str> {
    crate::dates::in_years(date).map_err(|_| "custom_date_out_of_range")
}

/// A number, percent or money value as exact decimal text. Money takes at
/// most the currency's two decimals; every figure stays within
/// ±[`MAX_FIGURE`]. Thousands separators and full-width digits are read.
fn parse_figure(field_type: FieldType, text: &str) -> Result<String, &'static str> {
    use std::str::FromStr;
    let money = field_type == FieldType::Money;
    let mut folded = text::normalize(text).replace([',', ' '], "");
    // A percent is read with its sign, as pages and exports write it.
    if field_type == FieldType::Percent && folded.ends_with('%') {
        folded.pop();
    }
    let invalid = if money {
        "custom_amount_invalid"
    } else {
        "custom_number_invalid"
    };
    // `1e3` is no way to write a figure a person reads: a cell or a text
    // holding one is refused, saying to write it in full.
    if folded.contains(['e', 'E']) && rust_decimal::Decimal::from_scientific(&folded).is_ok() {
        return Err("figure_exponent");
    }
    let parsed = rust_decimal::Decimal::from_str(&folded).map_err(|_| invalid)?;
    if parsed.abs() > rust_decimal::Decimal::from(MAX_FIGURE) {
        return Err(if money {
            "custom_amount_out_of_range"
        } else {
            "custom_number_out_of_range"
        });
    }
    let scale = parsed.normalize().scale();
    if money && scale > 2 {
        return Err("too_many_decimals");
    }
    if scale > 6 {
        return Err("custom_number_too_precise");
    }
    Ok(parsed.to_string())
}

fn multi(def: &FieldDef, chosen: Vec<String>) -> Result<Option<Value>, &'static str> {
    if chosen.is_empty() {
        return if def.required {
            Err("required")
        } else {
            Ok(None)
        };
    }
    let chosen = chosen
        .iter()
        .map(|c| option_of(def, c))
        .collect::<Option<Vec<String>>>()
        .ok_or("invalid_choice")?;
    // An option named twice (`VIP` and `ｖｉｐ`) is chosen once, as the
    // field spells it, in the order first named.
    let mut once: Vec<String> = Vec::with_capacity(chosen.len());
    for option in chosen {
        if !once.contains(&option) {
            once.push(option);
        }
    }
    Ok(Some(Value::from(once)))
}

/// The option a text names, as the field spells it: case, width and runs
/// of spaces aside (`gold` and `ＧＯＬＤ` are `Gold`), in either Chinese
/// script, or by the code it leads with (`A` for `A（重點客戶）`), never
/// one of two (see [`crate::choices::find_option`]).
fn option_of(def: &FieldDef, text: &str) -> Option<String> {
    crate::choices::find_option(&def.options, text).map(|at| def.options[at].clone())
}
