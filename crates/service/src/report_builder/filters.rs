//! A checked condition turned into the store's conditions on a column or
//! a custom field.

use kuijing_domain::fields::FieldType as CustomType;
use kuijing_store::figures::{CustomTest, Filter};

use super::{FilterInput, Resolved, Spec, Type};
use crate::App;
use crate::conditions::Test;

/// The operators a system date-time takes beyond the periods: `older_than_days`
/// (before that many days ago, or never and created before) and `passed`
/// (before now), as the lists take them.
pub(super) const TIME_OPERATORS: [&str; 2] = ["older_than_days", "passed"];

/// The most days `older_than_days` takes (ten years), as the lists.
const MOST_DAYS: i64 = 3660;

/// The system date-times that may lie ahead (a next contact time): only
/// on these does `passed` ask something. Every other one (created, closed,
/// approved, happened) is always in the past, so `passed` would keep every
/// record that has it.
const AHEAD: [&str; 1] = ["next_contact_at"];

/// The time operators a system date-time takes: `older_than_days`
/// always, `passed` only on one that may lie ahead.
pub(super) fn time_operators(field: &str) -> Vec<&'static str> {
    TIME_OPERATORS
        .into_iter()
        .filter(|op| *op != "passed" || AHEAD.contains(&field))
        .collect()
}

/// A number of days as typed (`30`, `"30"`, full-width `"３０"`), within
/// what `older_than_days` takes.
fn days_of(value: Option<&serde_json::Value>) -> Option<i64> {
    value
        .and_then(|v| {
            v.as_i64().or_else(|| {
                kuijing_domain::text::half_width(v.as_str()?)
                    .trim()
                    .parse()
                    .ok()
            })
        })
        .filter(|d| (1..=MOST_DAYS).contains(d))
}

/// The conditions as a saved report keeps them: the days of
/// `older_than_days` as a number (`"３０"` is kept as 30), and no value
/// where the operator takes none (`passed`, `is_empty`, `not_empty`).
pub(super) fn normalised(filters: &[FilterInput]) -> Vec<FilterInput> {
    filters
        .iter()
        .map(|filter| {
            let value = match filter.op.as_str() {
                "passed" | "is_empty" | "not_empty" => None,
                "older_than_days" => match days_of(filter.value.as_ref()) {
                    Some(days) => Some(serde_json::Value::from(days)),
                    None => filter.value.clone(),
                },
                _ => filter.value.clone(),
            };
            FilterInput {
                field: filter.field.clone(),
                op: filter.op.clone(),
                value,
            }
        })
        .collect()
}

impl App {
    /// The store's condition for `older_than_days` or `passed` on a system
    /// date-time; `None` for any other operator or field, an error code
    /// for a number of days that is not one. A report being saved takes
    /// `passed` only on a date-time that may lie ahead (one saved before
    /// still runs).
    pub(super) fn time_filter(
        &self,
        spec: &Spec,
        field: &Resolved,
        input: &FilterInput,
        saving: bool,
    ) -> Option<Result<Filter, &'static str>> {
        let Resolved::System(f) = field else {
            return None;
        };
        if f.kind != Type::Instant || !TIME_OPERATORS.contains(&input.op.as_str()) {
            return None;
        }
        if input.op == "passed" {
            if saving && !AHEAD.contains(&f.name) {
                return Some(Err("passed_always_past"));
            }
            return Some(Ok(Filter::Before(f.column, self.now().into())));
        }
        let created = spec
            .fields
            .iter()
            .find(|f| f.name == "created_at")
            .map_or(f.column, |c| c.column);
        Some(match days_of(input.value.as_ref()) {
            Some(days) => Ok(Filter::BeforeOrNever(
                f.column,
                created,
                self.now() - chrono::Duration::days(days),
            )),
            None => Err("days_out_of_range"),
        })
    }

    /// The store's conditions for one checked test on a field; the code of
    /// the refusal when the value does not fit the field (`too_large` for
    /// an amount over the largest one, `invalid_value` for the rest).
    pub(super) fn filters_of(
        &self,
        spec: &Spec,
        field: &Resolved,
        test: Test,
        people: Option<&(kuijing_domain::OrgChart, Vec<i64>)>,
    ) -> Result<Vec<Filter>, &'static str> {
        let table = spec.custom.unwrap_or_default();
        let instant = |d: chrono::NaiveDate| self.start_of(d);
        Ok(match (field, test) {
            (Resolved::System(f), test) => {
                let column = f.column;
                match test {
                    Test::Empty => vec![Filter::IsNull(column)],
                    Test::NotEmpty => vec![Filter::NotNull(column)],
                    Test::Contains(text) => vec![Filter::Contains(column, text)],
                    Test::Equals(text) => vec![Filter::Eq(column, text.into())],
                    Test::Flag(flag) => vec![Filter::Eq(column, flag.into())],
                    Test::OneOf(ids) if f.kind == Type::Department => {
                        let (org, everyone) = people.ok_or("invalid_value")?;
                        let departments: std::collections::BTreeSet<i64> = ids
                            .iter()
                            .flat_map(|d| org.department_and_below(*d))
                            .collect();
                        let owners = everyone
                            .iter()
                            .filter(|u| {
                                org.department_of(**u)
                                    .is_some_and(|d| departments.contains(&d))
                            })
                            .map(|u| (*u).into())
                            .collect();
                        vec![Filter::In(column, owners)]
                    }
                    Test::OneOf(ids) => {
                        vec![Filter::In(
                            column,
                            ids.into_iter().map(Into::into).collect(),
                        )]
                    }
                    Test::OneOfText(texts) => {
                        if let Type::Fixed(values) = f.kind
                            && texts.iter().any(|t| !values.contains(&t.as_str()))
                        {
                            return Err("invalid_value");
                        }
                        vec![Filter::In(
                            column,
                            texts.into_iter().map(Into::into).collect(),
                        )]
                    }
                    Test::Days(from, to) => {
                        let mut out = Vec::new();
                        if f.kind == Type::Day {
                            out.extend(from.map(|d| Filter::AtLeast(column, d.into())));
                            out.extend(to.map(|d| Filter::Before(column, d.into())));
                        } else {
                            out.extend(from.map(|d| Filter::AtLeast(column, instant(d).into())));
                            out.extend(to.map(|d| Filter::Before(column, instant(d).into())));
                        }
                        out
                    }
                    Test::Numbers(from, to) => {
                        let cents = |text: Option<String>| -> Result<Option<i64>, &'static str> {
                            match text {
                                None => Ok(None),
                                Some(t) => match kuijing_domain::money::parse_amount(&t) {
                                    Ok(cents) => Ok(Some(cents)),
                                    Err("too_large") => Err("filter_amount_too_large"),
                                    Err(_) => Err("invalid_value"),
                                },
                            }
                        };
                        let (from, to) = (cents(from)?, cents(to)?);
                        let mut out = Vec::new();
                        out.extend(from.map(|c| Filter::AtLeast(column, c.into())));
                        out.extend(to.map(|c| Filter::AtMost(column, c.into())));
                        out
                    }
                }
            }
            (Resolved::Custom(key, _, custom_type), test) => {
                let custom = |t: CustomTest| Filter::Custom(table, key.clone(), t);
                let iso = |d: chrono::NaiveDate| {
                    if *custom_type == CustomType::DateTime {
                        instant(d).to_rfc3339()
                    } else {
                        d.format("%Y-%m-%d").to_string()
                    }
                };
                match test {
                    Test::Empty => vec![custom(CustomTest::Empty)],
                    Test::NotEmpty => vec![custom(CustomTest::NotEmpty)],
                    Test::Contains(text) => vec![custom(CustomTest::Contains(text))],
                    Test::Equals(text) => vec![custom(CustomTest::Equals(text))],
                    Test::Flag(flag) => vec![custom(CustomTest::Flag(flag))],
                    Test::OneOf(ids) => vec![custom(CustomTest::OneOf(
                        ids.iter().map(i64::to_string).collect(),
                    ))],
                    Test::OneOfText(texts) => vec![custom(CustomTest::OneOf(texts))],
                    Test::Days(from, to) => {
                        let mut out = Vec::new();
                        out.extend(from.map(|d| custom(CustomTest::From(iso(d)))));
                        out.extend(to.map(|d| custom(CustomTest::Before(iso(d)))));
                        out
                    }
                    Test::Numbers(from, to) => {
                        let mut out = Vec::new();
                        out.extend(from.map(|n| custom(CustomTest::NumberAtLeast(n))));
                        out.extend(to.map(|n| custom(CustomTest::NumberAtMost(n))));
                        out
                    }
                }
            }
        })
    }
}
