//! Custom fields: what an administrator defines per kind, and the checking
//! of the values users give them. Values are kept as JSON in one column.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::{FieldErrors, Refusal};
use crate::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    LongText,
    Number,
    Money,
    Date,
    DateTime,
    Choice,
    MultiChoice,
    Phone,
    Email,
    Url,
    User,
    Department,
    Bool,
    Percent,
}

impl FieldType {
    pub const ALL: &'static [FieldType] = &[
        Self::Text,
        Self::LongText,
        Self::Number,
        Self::Money,
        Self::Date,
        Self::DateTime,
        Self::Choice,
        Self::MultiChoice,
        Self::Phone,
        Self::Email,
        Self::Url,
        Self::User,
        Self::Department,
        Self::Bool,
        Self::Percent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::LongText => "long_text",
            Self::Number => "number",
            Self::Money => "money",
            Self::Date => "date",
            Self::DateTime => "date_time",
            Self::Choice => "choice",
            Self::MultiChoice => "multi_choice",
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Url => "url",
            Self::User => "user",
            Self::Department => "department",
            Self::Bool => "bool",
            Self::Percent => "percent",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        Self::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == text)
            .ok_or("invalid_choice")
    }
}

/// A custom field of a kind.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldDef {
    pub id: i64,
    pub key: String,
    pub label: String,
    pub field_type: FieldType,
    pub required: bool,
    pub unique: bool,
    pub default_value: Option<String>,
    /// The choices of a choice field.
    pub options: Vec<String>,
    pub sort_order: i64,
}

impl FieldDef {
    /// Whether a multiple choice's text has `option` among its choices
    /// (see [`has_chosen`]).
    pub fn has_chosen(&self, text: &str, option: &str) -> bool {
        has_chosen(text, option)
    }
}

/// Whether a multiple choice's text (`A, B`, as a form keeps it) has
/// `option` among its choices, case, width and spaces aside.
pub fn has_chosen(text: &str, option: &str) -> bool {
    let wanted = text::normalize(option);
    text.split([',', '，', ';'])
        .any(|part| text::normalize(part) == wanted)
}

/// The longest text a custom text or phone field holds, in characters.
pub const TEXT_MAX: usize = 200;
/// The longest text a custom long-text field holds, in characters.
pub const LONG_TEXT_MAX: usize = 5000;

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
    let parsed = rust_decimal::Decimal::from_str(&folded)
        .or_else(|_| rust_decimal::Decimal::from_scientific(&folded))
        .map_err(|_| invalid)?;
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
/// of spaces aside (`gold` and `ＧＯＬＤ` are `Gold`).
fn option_of(def: &FieldDef, text: &str) -> Option<String> {
    let wanted = text::normalize(text);
    def.options
        .iter()
        .find(|o| text::normalize(o) == wanted)
        .cloned()
}

/// The options of a choice field as an administrator typed them, each
/// trimmed and blank ones left out. Two that read the same — case, width
/// and spaces aside (`Gold`, `ＧＯＬＤ`, `go ld`) — would be one option to
/// whoever picks or imports a value, so the list is refused naming the
/// repeated one (`option_repeated` on `options`, with `option`).
pub fn parse_options(options: &[String]) -> Result<Vec<String>, crate::FieldError> {
    let mut kept: Vec<String> = Vec::new();
    for option in options.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
        let key = text::normalize(option).replace(' ', "");
        if let Some(first) = kept
            .iter()
            .find(|k| text::normalize(k).replace(' ', "") == key)
        {
            let error = crate::FieldError::new("options", "option_repeated")
                .with("option", option)
                .with("first", first);
            return Err(error);
        }
        kept.push(option.to_string());
    }
    Ok(kept)
}

/// Checks every custom field of a record; errors are named `custom.<key>`.
pub fn parse_custom(
    defs: &[FieldDef],
    raw: &serde_json::Map<String, Value>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_that_read_the_same_are_refused_naming_the_repeat() {
        let typed = |list: &[&str]| list.iter().map(|o| o.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_options(&typed(&[" Gold ", "", "Silver"])).expect("distinct"),
            vec!["Gold", "Silver"]
        );
        for repeat in ["gold", "ＧＯＬＤ", "Go ld", "GOLD "] {
            let error = parse_options(&typed(&["Gold", "Silver", repeat])).expect_err(repeat);
            assert_eq!(
                (error.field.as_str(), error.code),
                ("options", "option_repeated")
            );
            assert_eq!(error.params[0], ("option", repeat.trim().to_string()));
            assert_eq!(error.params[1], ("first", "Gold".to_string()));
        }
    }

    #[test]
    fn a_choice_is_read_whatever_its_case_and_width_and_kept_as_spelt() {
        let mut def = def(FieldType::Choice);
        def.options = vec!["Gold".into(), "Silver".into()];
        let read = |t: &str| parse_value(&def, Some(&Value::String(t.into())));
        assert_eq!(
            read("gold").ok().flatten(),
            Some(Value::String("Gold".into()))
        );
        assert_eq!(
            read("ＧＯＬＤ").ok().flatten(),
            Some(Value::String("Gold".into()))
        );
        assert!(read("Bronze").is_err());
        def.field_type = FieldType::MultiChoice;
        let both = parse_value(&def, Some(&Value::String("gold, SILVER".into())));
        assert_eq!(
            both.ok().flatten(),
            Some(serde_json::json!(["Gold", "Silver"]))
        );
    }

    #[test]
    fn unique_keys_ignore_case_width_and_every_space() {
        let key = |t: &str| unique_key(&Value::String(t.into()));
        assert_eq!(key("RS 42"), key("rs42"));
        assert_eq!(key("XY 999"), key("ｘｙ９９９"));
        assert_eq!(key(" A　B "), "ab");
        assert_ne!(key("AB1"), key("AB2"));
    }

    fn def(field_type: FieldType) -> FieldDef {
        FieldDef {
            id: 1,
            key: "k".into(),
            label: "K".into(),
            field_type,
            required: false,
            unique: false,
            default_value: None,
            options: vec!["A".into(), "B".into()],
            sort_order: 0,
        }
    }

    #[test]
    fn percent_and_money_values_read_by_type() {
        let percent = Value::String("12.5".into());
        assert_eq!(
            display_as(FieldType::Percent, &percent, None, true),
            "12.5%"
        );
        assert_eq!(display_as(FieldType::Number, &percent, None, true), "12.5");
        let fee = Value::String("1234.5".into());
        assert_eq!(
            display_as(FieldType::Money, &fee, Some("USD"), true),
            "1,234.50"
        );
        assert_eq!(
            display_as(FieldType::Money, &fee, Some("USD"), false),
            "1234.5"
        );
        assert_eq!(display_as(FieldType::Money, &fee, None, true), "1234.5");
        let yen = Value::String("1000".into());
        assert_eq!(
            display_as(FieldType::Money, &yen, Some("JPY"), true),
            "1,000"
        );
        assert_eq!(
            display_as(FieldType::Money, &yen, Some("JPY"), false),
            "1000"
        );
        let v = |s: &str| parse_value(&def(FieldType::Percent), Some(&Value::String(s.into())));
        assert_eq!(v("12.5%").map_err(|r| r.code), Ok(Some(percent.clone())));
        assert_eq!(v("12.5％").map_err(|r| r.code), Ok(Some(percent)));

        let mut money = def(FieldType::Money);
        money.key = "fee".into();
        money.label = "Bank fee".into();
        let defs = [money];
        let raw = |s: &str| {
            let mut map = serde_json::Map::new();
            map.insert("fee".into(), Value::String(s.into()));
            map
        };
        let mut errors = FieldErrors::new();
        let out = parse_custom_in(&defs, &raw("1000.00"), "JPY", &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(out["fee"], "1000");
        let out = parse_custom_in(&defs, &raw("1000.5"), "KRW", &mut errors);
        assert!(out.get("fee").is_none());
        assert_eq!(errors.0[0].field, "custom.fee");
        assert_eq!(errors.0[0].code, "whole_amount_only");
        assert_eq!(errors.0[0].label.as_deref(), Some("Bank fee"));
        let mut errors = FieldErrors::new();
        let out = parse_custom_in(&defs, &raw("1000.5"), "USD", &mut errors);
        assert!(errors.is_empty());
        assert_eq!(out["fee"], "1000.5");
    }

    #[test]
    fn values_are_checked_by_type() {
        let v =
            |t, s: &str| parse_value(&def(t), Some(&Value::String(s.into()))).map_err(|r| r.code);
        assert_eq!(
            v(FieldType::Number, "1,234.50"),
            Ok(Some(Value::String("1234.50".into())))
        );
        assert_eq!(v(FieldType::Number, "lots"), Err("custom_number_invalid"));
        assert_eq!(v(FieldType::Money, "lots"), Err("custom_amount_invalid"));
        assert_eq!(v(FieldType::Money, "12.345"), Err("too_many_decimals"));
        assert_eq!(
            v(FieldType::Money, "１,２３４.5"),
            Ok(Some(Value::String("1234.5".into())))
        );
        assert_eq!(
            v(FieldType::Money, "1e20"),
            Err("custom_amount_out_of_range")
        );
        assert_eq!(
            v(FieldType::Number, "-1e13"),
            Err("custom_number_out_of_range")
        );
        assert_eq!(
            v(FieldType::Number, "1e3"),
            Ok(Some(Value::String("1000".into())))
        );
        assert_eq!(
            v(FieldType::Date, "1899-12-31"),
            Err("custom_date_out_of_range")
        );
        assert_eq!(
            v(FieldType::Date, "3000-01-01"),
            Err("custom_date_out_of_range")
        );
        assert_eq!(
            v(FieldType::DateTime, "0001-01-01T00:00:00Z"),
            Err("custom_date_out_of_range")
        );
        assert_eq!(
            v(FieldType::Date, "113/01/05"),
            Ok(Some(Value::String("2024-01-05".into())))
        );
        assert_eq!(v(FieldType::Choice, "C"), Err("invalid_choice"));
        assert_eq!(
            v(FieldType::MultiChoice, "A, B"),
            Ok(Some(serde_json::json!(["A", "B"])))
        );
        assert_eq!(
            v(FieldType::MultiChoice, "b, A, Ｂ,a"),
            Ok(Some(serde_json::json!(["B", "A"])))
        );
        assert_eq!(
            v(FieldType::Email, "x＠y.com"),
            Ok(Some(Value::String("x@y.com".into())))
        );
        assert_eq!(
            v(FieldType::Url, "www.acc.com.tw"),
            Ok(Some(Value::String("https://www.acc.com.tw".into())))
        );
        assert_eq!(v(FieldType::Bool, "是"), Ok(Some(Value::Bool(true))));
        assert_eq!(v(FieldType::Text, "  "), Ok(None));
    }

    #[test]
    fn required_unknown_and_default_fields() {
        let mut required = def(FieldType::Text);
        required.required = true;
        let mut defaulted = def(FieldType::Choice);
        defaulted.key = "d".into();
        defaulted.default_value = Some("B".into());
        let mut errors = FieldErrors::new();
        let raw = serde_json::json!({ "zzz": 1 });
        let out = parse_custom(
            &[required, defaulted],
            raw.as_object().expect("object"),
            &mut errors,
        );
        assert_eq!(out.get("d"), Some(&Value::String("B".into())));
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["custom.zzz", "custom.k"]);
    }
}
