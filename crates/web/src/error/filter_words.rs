//! How a refused list condition is worded: the field by its label in the
//! user's language (not "Filter #1"), the operators as the condition
//! picker shows them (not their keys).

use kuijing_domain::FieldError;

use super::lookup;
use crate::i18n::Lang;

/// The label of the field a list condition (`filters.<n>`) is about, as
/// records of the list's kind call it; `None` for any other error.
pub(super) fn condition_field(error: &FieldError, lang: Lang) -> Option<String> {
    let rest = error.field.strip_prefix("filters.")?;
    rest.parse::<usize>().ok()?;
    let param = |key: &str| param(error, key);
    let name = param("name")?;
    let list = param("list")?;
    let kind = list.strip_suffix('s').unwrap_or(list);
    Some(
        lookup(lang, &format!("fields.{kind}.{name}"))
            .or_else(|| lookup(lang, &format!("fields.{name}")))
            .unwrap_or_else(|| name.to_string()),
    )
}

/// An operator of a condition in the user's language, as the picker shows
/// it; one no locale knows is shown as sent.
pub(super) fn operator(lang: Lang, op: &str) -> String {
    let keys = [
        format!("records.op.{op}"),
        match op {
            "one_of" => "life2.op_one_of".to_string(),
            "between" => "lifecycle_fix.op_between".to_string(),
            _ => format!("insight_fix13.op.{op}"),
        },
        format!("period.{op}"),
    ];
    keys.iter()
        .find_map(|key| lookup(lang, key))
        .unwrap_or_else(|| op.to_string())
}

/// A list of operators (`a, b, c`) in the user's language.
pub(super) fn operators(lang: Lang, list: &str) -> String {
    list.split(',')
        .map(|op| operator(lang, op.trim()))
        .collect::<Vec<_>>()
        .join(&lang.t("records_fix16.separator"))
}

/// The message of a list condition on a custom field that no longer
/// exists (deleted since a view or an address kept it): it cannot be named
/// by its label, so it says what happened and how to mend the view. `api`
/// words it for a program, naming the key it sent.
pub(super) fn gone_custom_field(error: &FieldError, lang: Lang, api: bool) -> Option<String> {
    error
        .field
        .strip_prefix("filters.")?
        .parse::<usize>()
        .ok()?;
    if error.code != "field_unknown" {
        return None;
    }
    let param = |key: &str| param(error, key);
    let name = param("name")?;
    name.strip_prefix("custom.")?;
    let list = param("list").unwrap_or_default();
    let key = if api {
        "records17.custom_field_gone_api"
    } else {
        "records17.custom_field_gone"
    };
    let list = lookup(lang, &format!("records_fix11.params.list.{list}"))
        .unwrap_or_else(|| list.to_string());
    Some(
        lang.t(key)
            .replace("%{name}", name)
            .replace("%{list}", &list)
            .replace("%{op}", &operator(lang, param("op").unwrap_or_default())),
    )
}

/// A list of operators as [`operators`] words it, each followed by its key
/// (`包含 (contains)`), for API clients, which send the key.
fn operators_with_keys(lang: Lang, list: &str) -> String {
    list.split(',')
        .map(|op| format!("{} ({})", operator(lang, op.trim()), op.trim()))
        .collect::<Vec<_>>()
        .join(&lang.t("records_fix16.separator"))
}

/// An API message naming the operators a condition takes: each with its
/// key beside its words.
pub(super) fn with_keys(message: String, error: &FieldError, lang: Lang) -> String {
    match error.params.iter().find(|(name, _)| *name == "operators") {
        Some((_, list)) if !list.is_empty() => {
            message.replace(&operators(lang, list), &operators_with_keys(lang, list))
        }
        _ => message,
    }
}

/// The value of one of an error's parameters.
fn param<'e>(error: &'e FieldError, key: &str) -> Option<&'e str> {
    error
        .params
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, value)| value.as_str())
}
