//! Reading a record list's query, for any kind: views, filters on system and
//! custom fields, periods in the company's zone. Each kind describes its
//! fields once in a `ListSpec`. Sorting and keyset cursors are in the
//! modules below.

use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::dates::Period;
use kuijing_domain::fields::{self, FieldDef};
use kuijing_domain::{FieldError, FieldErrors, text};
use kuijing_store::lists::{Filter, ListQuery, Shown};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::conditions::{self, Test, ValueKind};
use crate::error::Result;
use crate::{App, Caller};

mod cursors;
pub(crate) use cursors::{limit_of, paged};

mod sorting;
pub use sorting::is_sortable;
pub(crate) use sorting::{Cursor, custom_after, custom_sort, parse_sort};

/// One condition of a filter: a field, an operator and a value.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct FilterInput {
    /// A system field (`name`, `level_id`, `created_at`, ...) or `custom.<key>`.
    pub field: String,
    /// `contains`, `equals`, `one_of`, `is_empty`, `not_empty`, `between`, or a
    /// period: `today`, `this_week`, `last_month`, ...; on a time also
    /// `older_than_days` (before that many days ago, or never and created
    /// before) and `passed` (before now).
    pub op: String,
    #[serde(default)]
    #[schema(schema_with = filter_value)]
    pub value: Option<serde_json::Value>,
}

/// The shapes a condition's value takes, for the API's description: text,
/// a number, a yes/no, a list for `one_of`, or nothing for `is_empty` and
/// the periods.
fn filter_value() -> utoipa::openapi::schema::OneOfBuilder {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Type};
    let of = |kind: Type| ObjectBuilder::new().schema_type(kind);
    let item = OneOfBuilder::new()
        .item(of(Type::String))
        .item(of(Type::Number));
    OneOfBuilder::new()
        .item(of(Type::String))
        .item(of(Type::Number))
        .item(of(Type::Boolean))
        .item(ArrayBuilder::new().items(item))
        .item(
            of(Type::Object)
                .property("from", of(Type::String))
                .property("to", of(Type::String)),
        )
        .item(of(Type::Null))
        .description(Some(
            "Text or a number for `contains`, `equals` and the days of `older_than_days`; \
             `true`/`false` on a yes/no field; a list of values or option ids for `one_of`; \
             `{\"from\": …, \"to\": …}` (a day or a number; either may be left out) for \
             `between`; none for `is_empty`, \
             `not_empty`, `passed` and the periods.",
        ))
        .examples([
            serde_json::json!("台北"),
            serde_json::json!([3, 5]),
            serde_json::json!({ "from": "2026-01-01", "to": "2026-03-31" }),
        ])
}

/// What a list of records shows.
#[derive(Debug, Clone, Default)]
pub struct RecordQuery {
    pub search: Option<String>,
    pub filters: Vec<FilterInput>,
    /// `mine`, `team` (mine and my subordinates'), `created_this_week`, the
    /// kind's own views, or all in scope.
    pub view: Option<String>,
    pub sort: Option<String>,
    pub descending: bool,
    pub cursor: Option<String>,
    pub limit: Option<u64>,
}

/// How a field filters: which operators fit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Text,
    /// Text matched by its digits.
    Phone,
    /// Text kept in its half-width form (postcodes, tax IDs): a filter's
    /// value is read so too, so `１００` finds `100`.
    Code,
    /// An id among options, users or records: `equals` or `one_of`.
    Choice,
    Bool,
    Time,
}

impl Shape {
    /// The kind of value a condition on the field takes.
    fn value_kind(self) -> ValueKind {
        match self {
            Shape::Text | Shape::Phone | Shape::Code => ValueKind::Text,
            Shape::Choice => ValueKind::Ids,
            Shape::Bool => ValueKind::Bool,
            Shape::Time => ValueKind::Instant,
        }
    }
}

/// The fields of a kind's list, the columns they are kept in, and the
/// columns its views and sorting use.
pub struct ListSpec<C: 'static> {
    /// The list, as its refusals name it (`customers`, `leads`, ...).
    pub kind: &'static str,
    pub fields: &'static [(&'static str, C, Shape)],
    /// Sortable fields (each also in `fields` or `sort_only`, or `id`);
    /// custom fields (`custom.<key>`) sort too.
    pub sortable: &'static [&'static str],
    /// Fields that sort on a column of their own: shown but not filtered
    /// on, or filtered on another column than the one shown.
    pub sort_only: &'static [(&'static str, C, Shape)],
    /// Choice fields and what their rows are ordered by: the name or label
    /// the list shows for them, not the id they keep.
    pub shown: &'static [(&'static str, Shown)],
    pub id: C,
    pub owner: C,
    pub created: C,
}

impl<C: Copy> ListSpec<C> {
    /// The column a field sorts on and how its cursor value reads.
    fn sort_field(&self, name: &str) -> Option<(C, Shape)> {
        if !self.sortable.contains(&name) {
            return None;
        }
        self.sort_only
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, c, s)| (*c, *s))
            .or_else(|| self.field(name))
    }

    fn field(&self, name: &str) -> Option<(C, Shape)> {
        if name == "id" {
            return Some((self.id, Shape::Choice));
        }
        self.fields
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, c, s)| (*c, *s))
    }
}

impl App {
    /// Turns a list's query into the store's filters, refusing unknown
    /// views, fields and operators by name.
    pub(crate) fn list_narrowing<C: Copy>(
        &self,
        spec: &ListSpec<C>,
        (caller, org): (&Caller, &kuijing_domain::OrgChart),
        defs: &[FieldDef],
        query: &RecordQuery,
    ) -> Result<ListQuery<C>> {
        let mut errors = FieldErrors::new();
        let mut filters = Vec::new();
        match query.view.as_deref() {
            None | Some("") | Some("all") => {}
            Some("mine") => filters.push(Filter::OneOf(spec.owner, vec![caller.user.id])),
            Some("team") => filters.push(Filter::OneOf(
                spec.owner,
                org.user_and_subordinates(caller.user.id)
                    .into_iter()
                    .collect(),
            )),
            Some("created_this_week") => {
                let (from, to) = Period::ThisWeek.range(self.today());
                filters.push(Filter::Between(
                    spec.created,
                    Some(self.start_of(from).into()),
                    Some(self.start_of(to).into()),
                ));
            }
            Some(_) => errors.add("view", "invalid_choice"),
        }
        for (index, input) in query.filters.iter().enumerate() {
            match self.filter_of(spec, defs, input) {
                Ok(filter) => filters.push(filter),
                Err(code) => errors.push(condition_error(spec, defs, (index, input), code)),
            }
        }
        errors.into_result()?;
        Ok(ListQuery {
            search: query.search.as_deref().and_then(search_text),
            filters,
            ids: None,
        })
    }

    pub(crate) fn filter_of<C: Copy>(
        &self,
        spec: &ListSpec<C>,
        defs: &[FieldDef],
        input: &FilterInput,
    ) -> Result<Filter<C>, &'static str> {
        // A filter's text loses its control characters, as a query string's
        // do: a JSON "\u0000" would otherwise reach SQL.
        let input = &FilterInput {
            value: input.value.as_ref().map(without_controls),
            ..input.clone()
        };
        let text_value = || {
            input
                .value
                .as_ref()
                .map(fields::display)
                .unwrap_or_default()
        };
        if let Some(key) = input.field.strip_prefix("custom.") {
            let def = defs.iter().find(|d| d.key == key).ok_or("field_unknown")?;
            let key = key.to_string();
            let many = fields::FieldType::MultiChoice == def.field_type;
            if let Some(kind) = typed_kind(def.field_type) {
                return Ok(
                    match conditions::read(kind, &input.op, input.value.as_ref(), self.today())? {
                        Test::Flag(flag) => Filter::CustomFlag(key, flag),
                        Test::Numbers(from, to) => Filter::CustomNumbers(key, from, to),
                        Test::Days(from, to) if kind == ValueKind::Instant => {
                            // Whole days in the company's zone, as instants.
                            let at =
                                |d: Option<NaiveDate>| d.map(|d| self.start_of(d).to_rfc3339());
                            Filter::CustomInstants(key, at(from), at(to))
                        }
                        Test::Days(from, to) => {
                            let day = |d: Option<NaiveDate>| d.map(|d| d.to_string());
                            Filter::CustomDays(key, day(from), day(to))
                        }
                        Test::Empty => Filter::CustomEmpty(key, true),
                        Test::NotEmpty => Filter::CustomEmpty(key, false),
                        _ => return Err("operator_unknown"),
                    },
                );
            }
            if unknown_choice(def, input).is_some() {
                return Err("filter_choice_unknown");
            }
            return match input.op.as_str() {
                "is_empty" => Ok(Filter::CustomEmpty(key, true)),
                "not_empty" => Ok(Filter::CustomEmpty(key, false)),
                "equals" | "one_of" if many => Ok(Filter::CustomHasAny(key, texts_of(input)?)),
                "equals" => Ok(Filter::CustomEquals(key, text_to_find(text_value())?)),
                "one_of" => Ok(Filter::CustomOneOf(key, texts_of(input)?)),
                "contains" => Ok(Filter::CustomContains(key, text_to_find(text_value())?)),
                _ => Err("operator_unknown"),
            };
        }
        let (column, shape) = spec.field(&input.field).ok_or("field_unknown")?;
        let kind = shape.value_kind();
        // What the dashboard's "forgotten" and "next contact passed" count.
        if shape == Shape::Time {
            match input.op.as_str() {
                "older_than_days" => {
                    let days = input
                        .value
                        .as_ref()
                        .and_then(|v| v.as_i64().or_else(|| v.as_str()?.trim().parse().ok()))
                        .filter(|d| (1..=3660).contains(d))
                        .ok_or("invalid_value")?;
                    return Ok(Filter::BeforeOrNever(
                        column,
                        spec.created,
                        (self.now() - chrono::Duration::days(days)).into(),
                    ));
                }
                "passed" => {
                    return Ok(Filter::Between(column, None, Some(self.now().into())));
                }
                _ => {}
            }
        }
        let day = |d: Option<NaiveDate>| d.map(|d| sea_query::Value::from(self.start_of(d)));
        // A value is compared in the form the column keeps.
        let phone = |text: &str| match shape {
            Shape::Phone => kuijing_domain::company::phone_key(text),
            Shape::Code => kuijing_domain::text::half_width(text),
            _ => text.to_string(),
        };
        Ok(
            match conditions::read(kind, &input.op, input.value.as_ref(), self.today())? {
                Test::Empty => Filter::IsEmpty(column),
                Test::NotEmpty => Filter::NotEmpty(column),
                Test::Contains(text) => Filter::Contains(column, phone(&text)),
                Test::Equals(text) => Filter::Equals(column, phone(&text).into()),
                Test::Flag(flag) => Filter::Equals(column, flag.into()),
                Test::OneOf(ids) => Filter::OneOf(column, ids),
                Test::Days(from, to) => Filter::Between(column, day(from), day(to)),
                Test::OneOfText(_) | Test::Numbers(..) => return Err("operator_unknown"),
            },
        )
    }

    /// Midnight of a calendar day in the company's zone, as an instant.
    pub(crate) fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let zone = self.time_zone();
        day.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(zone).earliest())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
    }
}

/// Why a list refuses its condition at `index`, naming the field as it
/// was sent (`custom.nope`, gone or never there) or as the list labels a
/// custom field, the list, the operator sent and, for an operator the field
/// does not take, the ones it takes.
pub(crate) fn condition_error<C: Copy>(
    spec: &ListSpec<C>,
    defs: &[FieldDef],
    (index, input): (usize, &FilterInput),
    code: &'static str,
) -> FieldError {
    let custom = input
        .field
        .strip_prefix("custom.")
        .and_then(|key| defs.iter().find(|d| d.key == key));
    let error = FieldError::new(format!("filters.{index}"), code)
        .with("list", spec.kind)
        .with("name", &input.field)
        .with("op", &input.op);
    let error = match custom {
        Some(def) => error.labelled(&def.label),
        None if code == "field_unknown" => error.labelled(&input.field),
        None => error,
    };
    if let (Some(def), Some(value)) = (custom, custom.and_then(|d| unknown_choice(d, input))) {
        return error
            .with("value", value)
            .with("choices", def.options.join(", "));
    }
    if code != "operator_unknown" {
        return error;
    }
    let operators: Vec<&str> = match custom {
        Some(def) => match typed_kind(def.field_type) {
            Some(kind) => kind.operators().to_vec(),
            None => vec!["contains", "equals", "one_of", "is_empty", "not_empty"],
        },
        None => match spec.field(&input.field) {
            Some((_, shape)) => {
                let mut ops = shape.value_kind().operators().to_vec();
                if shape == Shape::Time {
                    ops.extend(["older_than_days", "passed"]);
                }
                ops
            }
            None => Vec::new(),
        },
    };
    error.with("operators", operators.join(", "))
}

/// How a custom field of this type compares when not as text: yes/no as a
/// flag, numbers and money as numbers, dates as days, date-times as
/// instants within the company's days.
fn typed_kind(field_type: fields::FieldType) -> Option<ValueKind> {
    use fields::FieldType;
    match field_type {
        FieldType::Bool => Some(ValueKind::Bool),
        FieldType::Number | FieldType::Percent | FieldType::Money => Some(ValueKind::Number),
        FieldType::Date => Some(ValueKind::Day),
        FieldType::DateTime => Some(ValueKind::Instant),
        _ => None,
    }
}

/// A filter's value with control characters taken out of its texts.
fn without_controls(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(text) => Value::String(text::without_controls(text)),
        Value::Array(items) => Value::Array(items.iter().map(without_controls).collect()),
        other => other.clone(),
    }
}

/// The first value a condition on a choice field compares with (`equals`,
/// `one_of`) that is none of its choices, width and case aside: such a
/// condition would match nothing, so it is refused naming the choices.
fn unknown_choice(def: &FieldDef, input: &FilterInput) -> Option<String> {
    let choice = matches!(
        def.field_type,
        fields::FieldType::Choice | fields::FieldType::MultiChoice
    );
    if !choice || !matches!(input.op.as_str(), "equals" | "one_of") {
        return None;
    }
    let texts = texts_of(input).ok()?;
    texts.into_iter().find(|t| {
        let t = text::normalize(t);
        !def.options.iter().any(|o| text::normalize(o) == t)
    })
}

/// The texts of a custom field's `one_of`: an array, or one value.
fn texts_of(input: &FilterInput) -> Result<Vec<String>, &'static str> {
    let texts: Vec<String> = match input.value.as_ref() {
        Some(serde_json::Value::Array(items)) => items.iter().map(fields::display).collect(),
        Some(value) => vec![fields::display(value)],
        None => Vec::new(),
    };
    let texts: Vec<String> = texts
        .into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if texts.is_empty() {
        Err("choose_values")
    } else {
        Ok(texts)
    }
}

/// The text a condition compares with; blank compares with nothing.
fn text_to_find(text: String) -> Result<String, &'static str> {
    if text.trim().is_empty() {
        Err("text_to_find")
    } else {
        Ok(text)
    }
}

/// A search box's text, normalised; a phone typed with separators is found
/// by its digits.
fn search_text(typed: &str) -> Option<String> {
    let normal = text::normalize(typed);
    if normal.is_empty() {
        return None;
    }
    let digits = kuijing_domain::company::phone_key(&normal);
    if digits.len() >= 6 && digits.len() + 4 >= normal.len() {
        Some(digits)
    } else {
        Some(normal)
    }
}
