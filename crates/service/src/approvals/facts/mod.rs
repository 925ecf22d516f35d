//! What a flow's conditions look at: the facts every kind has, a kind's own
//! fields (custom fields of contracts and payments, the form fields of a
//! request kind), a record's values as facts, and the checks that a flow's
//! conditions name those fields with values of their type.

use kuijing_domain::approval::{CURRENCY, Comparison, FactValue, Facts, FlowDef};
use kuijing_domain::fields::{FieldDef, FieldType};
use kuijing_domain::{FieldError, FieldErrors, Kind, dates, fields, money, text};
use kuijing_store::Tx;
use serde_json::Value;

use crate::error::{Result, ServiceError};

mod conditions;
#[cfg(test)]
mod tests;

pub(crate) use conditions::{check_conditions, is_money};

/// The facts every flow's conditions may look at; a kind's own fields
/// come beside them by their keys. `currency` is the record's currency
/// (a code such as `USD`), in which a condition on money is stated.
pub const FACTS: &[&str] = &["amount", "department_id", "owner_id", CURRENCY];

/// A record's own field values as facts: money as a number in minor units,
/// numbers and percents as figures, yes/no as a flag, dates as days,
/// people and departments by id, the choices of a multiple-choice field as
/// a list, the rest as their text. A field named
/// like one of `FACTS` never replaces it.
pub(crate) fn add_field_facts(
    facts: &mut Facts,
    defs: &[FieldDef],
    values: &serde_json::Map<String, Value>,
) {
    for def in defs {
        let Some(value) = values.get(&def.key) else {
            continue;
        };
        if let Some(fact) = fact_of(def.field_type, value) {
            facts.entry(def.key.clone()).or_insert(fact);
        }
    }
}

/// One stored value as a fact; `None` for a value that does not read as
/// its type.
fn fact_of(field_type: FieldType, value: &Value) -> Option<FactValue> {
    let plain = |value: &Value| match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    match (field_type, value) {
        (FieldType::Money, value) => money::parse_amount(&plain(value))
            .ok()
            .map(FactValue::Number),
        (FieldType::Number | FieldType::Percent, value) => figure(&plain(value)),
        (FieldType::Bool, Value::Bool(flag)) => Some(FactValue::Bool(*flag)),
        (FieldType::Bool, value) => fields::parse_yes_no(&plain(value)).map(FactValue::Bool),
        (FieldType::Date, value) => dates::parse_date(&plain(value)).ok().map(FactValue::Date),
        (FieldType::DateTime, value) => instant(&plain(value)),
        (FieldType::User | FieldType::Department, value) => {
            plain(value).trim().parse().ok().map(FactValue::Id)
        }
        (FieldType::MultiChoice, Value::Array(items)) => Some(FactValue::List(
            items
                .iter()
                .map(|item| FactValue::Text(kuijing_domain::fields::display(item)))
                .collect(),
        )),
        (_, value) => Some(FactValue::Text(kuijing_domain::fields::display(value))),
    }
}

/// A figure as typed or stored (`12.5`, `12.5%`, `1,200`); `None` when it
/// is no finite number.
pub(crate) fn figure(typed: &str) -> Option<FactValue> {
    let folded = text::normalize(typed).replace([',', ' '], "");
    let folded = folded.strip_suffix('%').unwrap_or(&folded);
    folded
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .map(FactValue::Figure)
}

/// An instant as stored or typed (RFC 3339 with its offset), in UTC.
fn instant(typed: &str) -> Option<FactValue> {
    chrono::DateTime::parse_from_rfc3339(typed.trim())
        .ok()
        .map(|at| FactValue::Instant(at.with_timezone(&chrono::Utc)))
}

/// The value a condition on a field of `field_type` compares with, read
/// from a text: a figure, a flag or a day; `None` for a field whose values
/// are texts, or a text that does not read as its type.
fn typed_value(field_type: FieldType, typed: &str) -> Option<FactValue> {
    match field_type {
        FieldType::Number | FieldType::Percent => figure(typed),
        FieldType::Bool => fields::parse_yes_no(typed).map(FactValue::Bool),
        FieldType::Date => dates::parse_date(typed).ok().map(FactValue::Date),
        FieldType::DateTime => instant(typed),
        _ => None,
    }
}

/// Conditions on number, percent, yes/no and date fields written as text
/// (by a flow saved before those fields were compared as their types, or a
/// client sending `{"text": "是"}`) made values of the field's type, so
/// `"50"` is the figure 50 and `"是"` is yes. A text that does not read as
/// the type is kept, for the checks to refuse naming the condition.
pub(crate) fn type_conditions(def: &mut FlowDef, own: &[FieldDef]) {
    let typed = |field_type: FieldType, value: &mut FactValue| {
        if let FactValue::Text(text) = value
            && let Some(read) = typed_value(field_type, text)
        {
            *value = read;
        }
    };
    for comparison in def.steps.iter_mut().flat_map(|s| s.condition.iter_mut()) {
        if let Some(currency) = comparison.currency.as_mut() {
            *currency = currency.trim().to_ascii_uppercase();
        }
        if comparison.field == CURRENCY {
            let upper = |value: &mut FactValue| {
                if let FactValue::Text(code) = value {
                    *code = code.trim().to_ascii_uppercase();
                }
            };
            match &mut comparison.value {
                FactValue::List(items) => items.iter_mut().for_each(upper),
                value => upper(value),
            }
        }
        if FACTS.contains(&comparison.field.as_str()) {
            continue;
        }
        let Some(field) = own.iter().find(|d| d.key == comparison.field) else {
            continue;
        };
        match &mut comparison.value {
            FactValue::List(items) => items.iter_mut().for_each(|v| typed(field.field_type, v)),
            value => typed(field.field_type, value),
        }
    }
}

/// A kind's own fields that its flows' conditions may name: the custom
/// fields of contracts and payments, the form fields of a request kind.
pub(crate) async fn kind_fields(tx: &mut Tx, kind: &str) -> Result<Vec<FieldDef>> {
    if let Ok(kind) = kind.parse::<Kind>() {
        return Ok(kuijing_store::field_defs::of_kind(tx, kind.as_str()).await?);
    }
    let Some(row) = kuijing_store::requests::kind(tx, kind).await? else {
        return Ok(Vec::new());
    };
    let form: Vec<crate::requests::FormField> =
        serde_json::from_str(&row.fields).map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(crate::requests::defs_of(&form))
}
