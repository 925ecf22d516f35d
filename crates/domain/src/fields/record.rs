//! Every custom field of a record checked at once, and its money values
//! fitted to the record's currency.

use super::*;

/// Checks every custom field of a new record; errors are named
/// `custom.<key>`. A field left out takes its default, and a required one
/// without a default is refused.
pub fn parse_custom(
    defs: &[FieldDef],
    raw: &serde_json::Map<String, Value>,
    errors: &mut FieldErrors,
) -> serde_json::Map<String, Value> {
    parse_custom_as(defs, raw, true, errors)
}

/// Checks the custom fields of a record being edited, `raw` being its
/// stored values with those sent laid over them: a field neither stored nor
/// sent stays empty, neither defaulted (defaults belong to new records) nor
/// refused as required; one sent empty is refused when required.
pub fn parse_custom_edit(
    defs: &[FieldDef],
    raw: &serde_json::Map<String, Value>,
    errors: &mut FieldErrors,
) -> serde_json::Map<String, Value> {
    parse_custom_as(defs, raw, false, errors)
}

fn parse_custom_as(
    defs: &[FieldDef],
    raw: &serde_json::Map<String, Value>,
    new: bool,
    errors: &mut FieldErrors,
) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    for key in raw.keys() {
        if !defs.iter().any(|d| &d.key == key) {
            errors.add(format!("custom.{key}"), "field_unknown");
        }
    }
    for def in defs {
        let given = raw.get(&def.key);
        if given.is_none() && !new {
            continue;
        }
        let given = match (given, &def.default_value) {
            (None, Some(default)) => Some(Value::String(default.clone())),
            _ => given.cloned(),
        };
        match parse_value(def, given.as_ref()) {
            Ok(Some(value)) => {
                out.insert(def.key.clone(), value);
            }
            Ok(None) => {}
            Err(refusal) => errors.push(
                refusal
                    .on(format!("custom.{}", def.key))
                    .labelled(&def.label),
            ),
        }
    }
    out
}

/// As [`parse_custom`], for a record in `currency`: a money value with
/// decimals in a currency without them (yen, won) is refused as
/// `whole_amount_only`, naming the currency, and a whole one is kept
/// without zero decimals (`1000.00` is `1000`).
pub fn parse_custom_in(
    defs: &[FieldDef],
    raw: &serde_json::Map<String, Value>,
    currency: &str,
    errors: &mut FieldErrors,
) -> serde_json::Map<String, Value> {
    let mut out = parse_custom(defs, raw, errors);
    fit_custom_money(defs, &mut out, currency, errors);
    out
}

/// The money values of checked custom fields fitted to the record's
/// currency (see [`parse_custom_in`]).
pub fn fit_custom_money(
    defs: &[FieldDef],
    out: &mut serde_json::Map<String, Value>,
    currency: &str,
    errors: &mut FieldErrors,
) {
    use std::str::FromStr;
    if crate::money::decimals(currency) > 0 {
        return;
    }
    for def in defs.iter().filter(|d| d.field_type == FieldType::Money) {
        let Some(Value::String(text)) = out.get(&def.key) else {
            continue;
        };
        let Ok(figure) = rust_decimal::Decimal::from_str(text) else {
            continue;
        };
        if figure.fract().is_zero() {
            out.insert(def.key.clone(), Value::String(figure.trunc().to_string()));
        } else {
            out.remove(&def.key);
            errors.push(
                crate::error::FieldError::new(format!("custom.{}", def.key), "whole_amount_only")
                    .with("currency", currency)
                    .labelled(&def.label),
            );
        }
    }
}
