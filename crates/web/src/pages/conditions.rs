//! The conditions of a record list's address: the fields they may be put
//! on, their operators, how the address keeps them, and the chips that
//! show them above the list.

use kuijing_domain::fields::FieldDef;
use kuijing_service::Caller;
use kuijing_service::customers::FilterInput;

use crate::AppState;

/// How a condition's field is compared, which decides its operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    Text,
    Time,
    YesNo,
    /// Options, users, departments: picked from a list.
    Choice,
    /// Numbers and money, compared as numbers.
    Number,
    /// Calendar days, compared as dates.
    Day,
}

/// The periods a time or a day is filtered by, before its own operators.
const PERIODS: [&str; 6] = [
    "today",
    "this_week",
    "last_week",
    "this_month",
    "last_month",
    "this_year",
];

impl Compare {
    pub fn ops(self) -> Vec<&'static str> {
        let own: &[&str] = match self {
            Self::Text => &["contains", "equals", "is_empty", "not_empty"],
            Self::Time => &["between", "is_empty", "not_empty"],
            Self::YesNo => &["yes", "no"],
            Self::Choice => &["equals", "one_of", "is_empty", "not_empty"],
            Self::Number => &["equals", "at_least", "at_most", "is_empty", "not_empty"],
            Self::Day => &[
                "between",
                "on_or_after",
                "on_or_before",
                "is_empty",
                "not_empty",
            ],
        };
        let periods: &[&str] = if matches!(self, Self::Time | Self::Day) {
            &PERIODS
        } else {
            &[]
        };
        periods.iter().chain(own).copied().collect()
    }

    fn wants_value(op: &str) -> bool {
        matches!(op, "contains" | "equals" | "one_of" | "between") || Self::range_end(op).is_some()
    }

    /// The end of a range an operator sets: `from` or `to`.
    fn range_end(op: &str) -> Option<&'static str> {
        match op {
            "at_least" | "on_or_after" => Some("from"),
            "at_most" | "on_or_before" => Some("to"),
            _ => None,
        }
    }
}

/// A field a condition may be put on: its name, how it compares, and the
/// values it is picked from (value, label) when it is a choice.
pub struct ConditionField {
    pub name: String,
    pub label: String,
    pub compare: Compare,
    pub choices: Vec<(String, String)>,
}

/// An operator in the viewer's language.
pub fn op_label(shell: &super::Shell, op: &str) -> String {
    match op {
        "one_of" => shell.t("life2.op_one_of"),
        "between" => shell.t("lifecycle_fix.op_between"),
        "at_least" | "at_most" | "on_or_after" | "on_or_before" => shell.tk("import7.op", op),
        _ => shell.tk("records.op", op),
    }
}

impl ConditionField {
    /// An operator of this field in the viewer's language.
    pub fn op_label(&self, shell: &super::Shell, op: &str) -> String {
        op_label(shell, op)
    }

    /// A condition's value as the chips show it: picked values by label.
    fn shown(&self, value: &str) -> String {
        if self.choices.is_empty() {
            return value.to_string();
        }
        let label = |v: &str| {
            self.choices
                .iter()
                .find(|(value, _)| value == v)
                .map_or_else(|| v.to_string(), |(_, label)| label.clone())
        };
        match serde_json::from_str::<Vec<String>>(value) {
            Ok(many) => many.iter().map(|v| label(v)).collect::<Vec<_>>().join(", "),
            Err(_) => label(value),
        }
    }
}

/// What choice fields are picked from: the options administrators keep
/// (by field), the active users and the departments.
#[derive(Default)]
pub struct Pickable {
    pub options: std::collections::BTreeMap<String, Vec<(String, String)>>,
    pub users: Vec<(String, String)>,
    pub departments: Vec<(String, String)>,
}

impl Pickable {
    pub async fn load(
        state: &AppState,
        caller: &Caller,
    ) -> Result<Self, kuijing_service::ServiceError> {
        let pairs = |found: Vec<(i64, String)>| {
            found
                .into_iter()
                .map(|(id, name)| (id.to_string(), name))
                .collect::<Vec<_>>()
        };
        let options = state
            .app
            .customer_options(caller)
            .await?
            .into_iter()
            .map(|(field, rows)| {
                let active = rows
                    .into_iter()
                    .filter(|o| o.active)
                    .map(|o| (o.id.to_string(), o.label))
                    .collect();
                (field, active)
            })
            .collect();
        Ok(Self {
            options,
            users: pairs(state.app.user_choices(caller).await?),
            departments: pairs(state.app.department_choices().await?),
        })
    }

    /// The values of a system choice field.
    fn of(&self, field: &str) -> Vec<(String, String)> {
        match field {
            "owner_id" => self.users.clone(),
            _ => self.options.get(field).cloned().unwrap_or_default(),
        }
    }

    /// How a custom field compares, and the values it is picked from.
    fn of_custom(&self, def: &FieldDef) -> (Compare, Vec<(String, String)>) {
        use kuijing_domain::fields::FieldType;
        match def.field_type {
            FieldType::Choice | FieldType::MultiChoice => (
                Compare::Choice,
                def.options.iter().map(|o| (o.clone(), o.clone())).collect(),
            ),
            FieldType::User => (Compare::Choice, self.users.clone()),
            FieldType::Department => (Compare::Choice, self.departments.clone()),
            FieldType::Bool => (Compare::YesNo, Vec::new()),
            FieldType::Number | FieldType::Percent | FieldType::Money => {
                (Compare::Number, Vec::new())
            }
            // A date-time is filtered by the company's days, as a date is.
            FieldType::Date | FieldType::DateTime => (Compare::Day, Vec::new()),
            _ => (Compare::Text, Vec::new()),
        }
    }
}

/// The fields of a kind's conditions: its own, then its custom fields.
pub fn condition_fields(
    own: &[(&str, Compare)],
    defs: &[FieldDef],
    label: impl Fn(&str) -> String,
    pickable: &Pickable,
) -> Vec<ConditionField> {
    let mut fields: Vec<ConditionField> = own
        .iter()
        .map(|(name, compare)| ConditionField {
            name: name.to_string(),
            label: label(name),
            compare: *compare,
            choices: if *compare == Compare::Choice {
                pickable.of(name)
            } else {
                Vec::new()
            },
        })
        .collect();
    fields.extend(defs.iter().map(|d| {
        let (compare, choices) = pickable.of_custom(d);
        ConditionField {
            name: format!("custom.{}", d.key),
            label: d.label.clone(),
            compare,
            choices,
        }
    }));
    fields
}

/// Every condition of a list's address: those kept (`c`, JSON
/// `[[field, op, value], ...]`) and the one being added (`cond` as
/// `field|operator`, its value `cv`, or the picked choices `cvc`, each
/// `field|value`). Shared by every list with the condition box.
pub fn conditions_of(
    c: &str,
    cond: &str,
    cv: &str,
    cvc: &[String],
) -> Vec<(String, String, String)> {
    let mut all: Vec<(String, String, String)> = serde_json::from_str(c).unwrap_or_default();
    let (field, op) = cond.rsplit_once('|').unwrap_or_default();
    let (field, op) = (field.trim(), op.trim());
    if !field.is_empty() && !op.is_empty() {
        let picked: Vec<&str> = cvc
            .iter()
            .filter_map(|v| v.strip_prefix(field)?.strip_prefix('|'))
            .filter(|v| !v.trim().is_empty())
            .collect();
        let (op, value) = match (op, picked.as_slice()) {
            (_, []) if Compare::wants_value(op) => (op, cv.trim().to_string()),
            (_, []) => (op, String::new()),
            ("equals", [one]) => ("equals", one.to_string()),
            ("equals" | "one_of", many) => {
                ("one_of", serde_json::to_string(many).unwrap_or_default())
            }
            (op, _) => (op, String::new()),
        };
        // "Contains" nothing or a pick of nothing is kept, so the filter
        // reader refuses it with a message naming the field rather than the
        // list quietly showing everything.
        let added = (field.to_string(), op.to_string(), value);
        if !all.contains(&added) {
            all.push(added);
        }
    }
    all
}

/// A list whose condition being added was refused (a value of the wrong
/// type, a choice left unpicked): its errors, with that condition taken out
/// of the address, so the page shows the list again (search, view and the
/// other conditions kept) with the message above it rather than an error
/// page that loses the list. None for any other error.
pub fn refused_condition(
    error: &kuijing_service::error::ServiceError,
    lang: crate::i18n::Lang,
    (cond, cv, cvc): (&mut String, &mut String, &mut Vec<String>),
) -> Option<super::forms::FormErrors> {
    if cond.is_empty() || !matches!(error, kuijing_service::error::ServiceError::Invalid(_)) {
        return None;
    }
    let errors = super::forms::FormErrors::from_service(error, lang)?;
    cond.clear();
    cv.clear();
    cvc.clear();
    Some(errors)
}

/// The value of a condition being added: a range of days (`cvf` to `cvt`,
/// kept as `from..to`, either end open) when either is given, else `cv`.
pub fn added_value(cv: &str, cvf: &str, cvt: &str) -> String {
    let (from, to) = (cvf.trim(), cvt.trim());
    if from.is_empty() && to.is_empty() {
        cv.to_string()
    } else {
        format!("{from}..{to}")
    }
}

/// A range as a condition keeps it (`from..to`) as the service reads it.
fn range_of(value: &str) -> serde_json::Value {
    let (from, to) = value.split_once("..").unwrap_or((value, ""));
    let mut range = serde_json::Map::new();
    for (end, day) in [("from", from.trim()), ("to", to.trim())] {
        if !day.is_empty() {
            range.insert(end.into(), day.into());
        }
    }
    range.into()
}

/// Conditions as the address keeps them (`c`); empty when there are none.
pub fn kept(conditions: &[(String, String, String)]) -> String {
    if conditions.is_empty() {
        return String::new();
    }
    serde_json::to_string(conditions).unwrap_or_default()
}

/// The conditions of a list's address as the service's filters.
pub fn filters_of(conditions: Vec<(String, String, String)>) -> Vec<FilterInput> {
    conditions
        .into_iter()
        .map(|(field, op, value)| match op.as_str() {
            "yes" | "no" => FilterInput {
                field,
                op: "equals".into(),
                value: Some((op == "yes").into()),
            },
            "between" => FilterInput {
                field,
                value: Some(range_of(&value)),
                op,
            },
            _ if Compare::range_end(&op).is_some() => FilterInput {
                field,
                op: "between".into(),
                value: Compare::range_end(&op).map(|end| serde_json::json!({ end: value })),
            },
            "one_of" => FilterInput {
                value: Some(
                    serde_json::from_str::<Vec<String>>(&value)
                        .map(serde_json::Value::from)
                        .unwrap_or_else(|_| value.into()),
                ),
                field,
                op,
            },
            _ => FilterInput {
                value: Compare::wants_value(&op).then(|| value.into()),
                field,
                op,
            },
        })
        .collect()
}

/// The conditions as sentences, each with the address of the list without
/// it (`without` makes that address from the conditions left).
pub fn chips(
    all: &[(String, String, String)],
    fields: &[ConditionField],
    op_label: impl Fn(&str) -> String,
    without: impl Fn(&[(String, String, String)]) -> String,
) -> Vec<Chip> {
    all.iter()
        .enumerate()
        .map(|(index, (field, op, value))| {
            let rest: Vec<_> = all
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != index)
                .map(|(_, c)| c.clone())
                .collect();
            let found = fields.iter().find(|f| &f.name == field);
            Chip {
                field: found
                    .map(|f| f.label.clone())
                    .unwrap_or_else(|| field.clone()),
                op: op_label(op),
                value: match op.as_str() {
                    "between" => value.replace("..", " – "),
                    _ => found.map_or_else(|| value.clone(), |f| f.shown(value)),
                },
                remove_href: without(&rest),
            }
        })
        .collect()
}

/// One condition as the page shows it, with the address that removes it.
pub struct Chip {
    pub field: String,
    pub op: String,
    pub value: String,
    pub remove_href: String,
}
