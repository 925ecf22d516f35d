//! What the flow form knows about the fields a condition may name: every
//! kind's own fields (custom fields of contracts and payments, the form
//! fields of request kinds) by label and type, the operators that fit each,
//! and how a condition's value is written as text and read back.

use kuijing_domain::approval::{Comparison, FactValue, Op};
use kuijing_domain::fields::FieldType;
use kuijing_domain::{Kind, fields, money, text};
use kuijing_service::choices::Choice;
use kuijing_service::{Caller, ServiceError};

use super::flow_form::{COMMON_FACTS, CondRow, OPS};
use crate::AppState;
use crate::i18n::Lang;

/// The operators of fields that are not figures: a text, a choice, a
/// person or a department is one value or another, never more or less.
pub const SAME_OR_NOT: [&str; 3] = ["eq", "ne", "in"];

/// A field a flow's condition may name: the kind it belongs to, its key,
/// its label, its type and (for a choice field) its options.
pub struct FlowField {
    pub kind: String,
    pub key: String,
    pub label: String,
    pub field_type: FieldType,
    pub options: Vec<String>,
}

/// The custom fields of contracts and payments, and the form fields of
/// request kinds.
pub async fn flow_fields(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<FlowField>, ServiceError> {
    let mut fields = Vec::new();
    for kind in [Kind::Contract, Kind::Payment] {
        fields.extend(
            state
                .app
                .custom_fields(kind)
                .await?
                .into_iter()
                .map(|d| FlowField {
                    kind: kind.as_str().into(),
                    key: d.key,
                    label: d.label,
                    field_type: d.field_type,
                    options: d.options,
                }),
        );
    }
    for kind in state.app.request_kinds(caller).await? {
        fields.extend(kind.fields.into_iter().map(|f| FlowField {
            kind: kind.kind.clone(),
            key: f.key,
            label: f.label,
            field_type: f.field_type,
            options: f.options,
        }));
    }
    Ok(fields)
}

/// How a condition's value is typed and read.
#[derive(Clone, Copy, PartialEq)]
enum ValueType {
    Money,
    /// A number or percent field's figure, decimals kept.
    Number,
    YesNo,
    Day,
    /// A date-and-time field's instant, written in RFC 3339.
    Instant,
    Department,
    Person,
    /// One of a choice field's options (of one or of several choices).
    Choice,
    /// A currency code of those offered (`USD`).
    Currency,
    Text,
}

/// What the form needs to turn conditions into text and back: the names of
/// people and departments, and the kind's own fields.
pub struct Vocabulary<'a> {
    pub people: &'a [Choice],
    pub departments: &'a [Choice],
    pub fields: &'a [FlowField],
    /// The flow's kind (`contract`, `payment`, `refund`, ...).
    pub kind: &'a str,
    pub lang: Lang,
}

/// A figure as typed: `12.5`, `12.5%`, `1,200`. A whole number is kept
/// as a `Number` (as flows made earlier and through the API hold it, so
/// they read back unchanged), one with decimals as a `Figure`; the engine
/// compares the two by value.
fn figure(typed: &str) -> Option<FactValue> {
    let folded = text::normalize(typed).replace([',', ' '], "");
    let folded = folded.strip_suffix('%').unwrap_or(&folded);
    if let Ok(whole) = folded.parse::<i64>() {
        return Some(FactValue::Number(whole));
    }
    folded
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .map(FactValue::Figure)
}

/// An instant as the form writes it (and reads it back): RFC 3339 in UTC.
fn instant_text(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// Whether a value read back from the form is the stored one: figures by
/// their value (a whole `Figure` saved through the API reads back as a
/// `Number`, which the engine compares alike), other values exactly.
fn reads_as(read: &FactValue, stored: &FactValue) -> bool {
    match (read, stored) {
        (FactValue::List(read), FactValue::List(stored)) => {
            read.len() == stored.len() && read.iter().zip(stored).all(|(r, s)| reads_as(r, s))
        }
        (read, stored) if read.kind() == "number" && stored.kind() == "number" => read.same(stored),
        (read, stored) => read == stored,
    }
}

fn split_list(text: &str) -> Vec<&str> {
    text.split([',', '，', '、'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect()
}

impl Vocabulary<'_> {
    /// The flow's own kind's field of `key`: a field of another kind with
    /// the same key says nothing about this flow.
    pub fn field(&self, key: &str) -> Option<&FlowField> {
        self.fields
            .iter()
            .find(|f| f.key == key && f.kind == self.kind)
    }

    /// Whether a condition of this flow may name `key`: a common fact or
    /// one of the kind's own fields.
    fn knows(&self, key: &str) -> bool {
        COMMON_FACTS.contains(&key) || self.field(key).is_some()
    }

    fn value_type(&self, key: &str) -> ValueType {
        match key {
            "amount" => ValueType::Money,
            "department_id" => ValueType::Department,
            "owner_id" => ValueType::Person,
            "currency" => ValueType::Currency,
            _ => match self.field(key).map(|f| f.field_type) {
                Some(FieldType::Money) => ValueType::Money,
                Some(FieldType::Number | FieldType::Percent) => ValueType::Number,
                Some(FieldType::Bool) => ValueType::YesNo,
                Some(FieldType::Date) => ValueType::Day,
                Some(FieldType::DateTime) => ValueType::Instant,
                Some(FieldType::User) => ValueType::Person,
                Some(FieldType::Department) => ValueType::Department,
                Some(FieldType::Choice | FieldType::MultiChoice) => ValueType::Choice,
                _ => ValueType::Text,
            },
        }
    }

    /// The operators that fit a field: every one for figures and dates
    /// (before and after being "less" and "greater"), "is" and "is not"
    /// for yes/no, "is", "is not" and "is any of" for the rest; every one
    /// while no field is chosen.
    pub fn ops_for(&self, key: &str) -> Vec<&'static str> {
        match (key.is_empty(), self.value_type(key)) {
            (true, _)
            | (false, ValueType::Money | ValueType::Number | ValueType::Day | ValueType::Instant) => {
                OPS.to_vec()
            }
            (false, ValueType::YesNo) => SAME_OR_NOT[..2].to_vec(),
            _ => SAME_OR_NOT.to_vec(),
        }
    }

    /// Whether a condition on `key` compares money, and so states the
    /// currency of its amount.
    pub fn is_money(&self, key: &str) -> bool {
        self.value_type(key) == ValueType::Money
    }

    fn names(&self, value_type: ValueType) -> &[Choice] {
        if value_type == ValueType::Department {
            self.departments
        } else {
            self.people
        }
    }

    /// A value as the form shows it in its input (an amount in the
    /// decimals of its `currency`), or `None` when the text would not read
    /// back as the same value.
    fn value_text(&self, key: &str, value: &FactValue, currency: Option<&str>) -> Option<String> {
        let value_type = self.value_type(key);
        match (value_type, value) {
            (_, FactValue::List(items)) => {
                let texts = items
                    .iter()
                    .map(|item| match item {
                        FactValue::List(_) => None,
                        item => self.value_text(key, item, currency),
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some(texts.join(", "))
            }
            (ValueType::Money, FactValue::Number(n)) => Some(match currency {
                Some(currency) => money::amount_text_in(*n, currency),
                None => money::amount_text(*n),
            }),
            (ValueType::Number, FactValue::Number(n)) => Some(n.to_string()),
            (ValueType::Number, FactValue::Figure(n)) => Some(n.to_string()),
            (ValueType::YesNo, FactValue::Bool(yes)) => Some(self.yes_no(*yes)),
            (ValueType::Day, FactValue::Date(day)) => Some(day.format("%Y-%m-%d").to_string()),
            (ValueType::Instant, FactValue::Instant(at)) => Some(instant_text(at)),
            (ValueType::Department | ValueType::Person, FactValue::Id(id)) => self
                .names(value_type)
                .iter()
                .find(|(c, _)| c == id)
                .map(|(_, name)| name.clone()),
            (ValueType::Text | ValueType::Choice | ValueType::Currency, FactValue::Text(text)) => {
                Some(text.clone())
            }
            _ => None,
        }
    }

    /// Reads one value typed for `key`. People and departments are found
    /// by name in any case and width; a choice is written as its option is
    /// (one that is no option is kept as typed, for the service to refuse
    /// naming the options).
    fn read_one(&self, key: &str, typed: &str) -> Result<FactValue, &'static str> {
        let value_type = self.value_type(key);
        match value_type {
            ValueType::Money => money::parse_amount(typed).map(FactValue::Number),
            ValueType::Number => figure(typed).ok_or("invalid_number"),
            ValueType::YesNo => fields::parse_yes_no(typed)
                .map(FactValue::Bool)
                .ok_or("invalid_yes_no"),
            ValueType::Day => kuijing_domain::dates::parse_date(typed)
                .map(FactValue::Date)
                .map_err(|_| "date_invalid"),
            ValueType::Instant => chrono::DateTime::parse_from_rfc3339(typed)
                .map(|at| FactValue::Instant(at.with_timezone(&chrono::Utc)))
                .map_err(|_| "instant_invalid"),
            ValueType::Department | ValueType::Person => {
                let wanted = text::normalize(typed);
                let found: Vec<i64> = self
                    .names(value_type)
                    .iter()
                    .filter(|(_, name)| text::normalize(name) == wanted)
                    .map(|(id, _)| *id)
                    .collect();
                match found.as_slice() {
                    [id] => Ok(FactValue::Id(*id)),
                    _ if value_type == ValueType::Department => Err("department_unknown"),
                    _ => Err("user_not_found"),
                }
            }
            ValueType::Choice => {
                let wanted = text::normalize(typed);
                let option = self
                    .field(key)
                    .and_then(|f| f.options.iter().find(|o| text::normalize(o) == wanted));
                Ok(FactValue::Text(
                    option.map_or(typed, String::as_str).to_string(),
                ))
            }
            // An unknown code is kept as typed, for the service to refuse
            // naming the currencies offered.
            ValueType::Currency => Ok(FactValue::Text(typed.trim().to_ascii_uppercase())),
            ValueType::Text => Ok(FactValue::Text(typed.to_string())),
        }
    }

    /// Reads a condition's value: for `in`, a list separated by commas.
    pub fn read_value(&self, key: &str, op: Op, text: &str) -> Result<FactValue, &'static str> {
        let text = text.trim();
        if op == Op::In {
            let items = split_list(text);
            if items.is_empty() {
                return Err("required");
            }
            return items
                .into_iter()
                .map(|item| self.read_one(key, item))
                .collect::<Result<Vec<_>, _>>()
                .map(FactValue::List);
        }
        if text.is_empty() {
            return Err("required");
        }
        self.read_one(key, text)
    }

    /// A stored condition as a row: as field, operator and text when the
    /// form offers its field and the text reads back as the same
    /// condition, else kept whole.
    pub fn row_of(&self, condition: &Comparison) -> CondRow {
        let currency = condition.currency.as_deref();
        let shown = self
            .value_text(&condition.field, &condition.value, currency)
            .filter(|_| self.knows(&condition.field))
            .filter(|_| currency.is_none() || self.is_money(&condition.field))
            .filter(|text| {
                self.read_value(&condition.field, condition.op, text)
                    .is_ok_and(|read| reads_as(&read, &condition.value))
            });
        match shown {
            Some(value) => CondRow {
                field: condition.field.clone(),
                op: condition.op.as_str().into(),
                value,
                currency: currency.unwrap_or_default().to_string(),
                raw: String::new(),
            },
            None => CondRow {
                raw: serde_json::to_string(condition).unwrap_or_default(),
                ..CondRow::default()
            },
        }
    }

    /// The name of a condition's field.
    pub fn label(&self, key: &str) -> String {
        match key {
            "amount" => self.lang.t("fields.amount"),
            "department_id" => self.lang.t("flows.department"),
            "owner_id" => self.lang.t("fields.owner_id"),
            "currency" => self.lang.t("fields.currency"),
            key => self
                .field(key)
                .map_or_else(|| key.to_string(), |f| f.label.clone()),
        }
    }

    /// A value as a person reads it: money with thousands separators (and
    /// the code of its `currency`: `USD 100,000.00`, `JPY 200,000`),
    /// people and departments by name.
    fn value_label(&self, key: &str, value: &FactValue, currency: Option<&str>) -> String {
        match (self.value_type(key), value) {
            (_, FactValue::List(items)) => items
                .iter()
                .map(|item| self.value_label(key, item, currency))
                .collect::<Vec<_>>()
                .join(", "),
            (ValueType::Money, FactValue::Number(n)) => match currency {
                Some(currency) => money::format_money(*n, currency),
                None => money::format_amount(*n),
            },
            (_, FactValue::Number(n)) => n.to_string(),
            (_, FactValue::Figure(n)) => n.to_string(),
            (_, FactValue::Bool(yes)) => self.yes_no(*yes),
            (_, FactValue::Date(day)) => day.format("%Y-%m-%d").to_string(),
            (_, FactValue::Instant(at)) => instant_text(at),
            (value_type, FactValue::Id(id)) => self
                .names(value_type)
                .iter()
                .find(|(c, _)| c == id)
                .map_or_else(|| format!("#{id}"), |(_, name)| name.clone()),
            (ValueType::Currency, FactValue::Text(code)) => code.clone(),
            (_, FactValue::Text(text)) => self.lang.t("sales4.quoted").replace("%{text}", text),
        }
    }

    /// Yes or no, as the user's language says it (and reads it back).
    fn yes_no(&self, yes: bool) -> String {
        self.lang
            .t(if yes { "customers.yes" } else { "customers.no" })
    }

    /// A condition as a sentence: 「金額 大於或等於 USD 100,000.00」.
    pub fn sentence(&self, condition: &Comparison) -> String {
        format!(
            "{} {} {}",
            self.label(&condition.field),
            self.lang.t(&format!("sales4.op.{}", condition.op.as_str())),
            self.value_label(
                &condition.field,
                &condition.value,
                condition.currency.as_deref()
            )
        )
    }
}
