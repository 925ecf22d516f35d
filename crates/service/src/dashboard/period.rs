//! The days a dashboard or a report shows: a named period or custom days,
//! every refusal at once.

use super::*;

/// The longest custom period, in months: ten years (from the first day to
/// the day before the same day ten years later, both included).
pub const MAX_PERIOD_MONTHS: u32 = 120;

/// The days `[from, to)` a query asks for; every refusal at once.
pub fn period_of(query: &DashboardQuery, today: NaiveDate) -> Result<(NaiveDate, NaiveDate)> {
    let mut errors = FieldErrors::new();
    let period = period_checked(query, today, &mut errors);
    errors.into_result()?;
    period.ok_or_else(|| ServiceError::Invalid(FieldError::new("period", "invalid_choice").into()))
}

/// The days `[from, to)` a query asks for, adding each refusal to `errors`
/// (a field the caller could not read, a missing or reversed end, a day
/// outside the years 1900–2999, a period over ten years).
pub(crate) fn period_checked(
    query: &DashboardQuery,
    today: NaiveDate,
    errors: &mut FieldErrors,
) -> Option<(NaiveDate, NaiveDate)> {
    let unread = |field: &str| query.unread.iter().any(|e| e.field == field);
    for error in &query.unread {
        errors.push(error.clone());
    }
    // Days given without a period name mean those days, not this month.
    let dated = query.from.is_some() || query.to.is_some() || unread("from") || unread("to");
    let default = if dated { "custom" } else { "this_month" };
    match query.period.as_deref().unwrap_or(default) {
        "custom" => {
            let mut day = |field: &str, value: Option<NaiveDate>| {
                if unread(field) {
                    return None;
                }
                let Some(day) = value else {
                    errors.add(field, "required");
                    return None;
                };
                if let Err(code) = kuijing_domain::dates::in_years(day) {
                    errors.add(field, code);
                    return None;
                }
                Some(day)
            };
            let from = day("from", query.from);
            let to = day("to", query.to);
            let (from, to) = (from?, to?);
            if to < from {
                errors.add("to", "ends_before_start");
                return None;
            }
            let end = from + chrono::Months::new(MAX_PERIOD_MONTHS);
            if to >= end {
                errors.push(
                    FieldError::new("to", "period_over_ten_years")
                        .with("last", (end - chrono::Duration::days(1)).to_string()),
                );
                return None;
            }
            Some((from, to + chrono::Duration::days(1)))
        }
        text => match Period::parse(text) {
            Some(p) => Some(p.range(today)),
            None => {
                errors.push(crate::error::not_one_of(
                    "period",
                    &kuijing_domain::dates::PERIOD_NAMES,
                ));
                None
            }
        },
    }
}
