//! The records behind a dashboard figure on a list page: the days and the
//! owners a link from the dashboard carries (`from`, `to`, `owner_id`
//! repeated), read into the service's narrowing, kept on the next page's
//! link, and said above the list with a way back to the whole list.

use kuijing_domain::FieldErrors;
use kuijing_service::ServiceError;
use kuijing_service::dashboard::Drill;

use crate::error::name_insight_fields;
use crate::i18n::Lang;

use super::Shell;
use super::forms::optional_number;

/// The narrowing a list page was given; blank parts narrow nothing (days
/// that do not read are refused first, by [`checked`]).
pub(crate) fn of(from: &str, to: &str, owners: &[String]) -> Drill {
    let day = |text: &str| crate::api::day_of(Some(text)).ok().flatten();
    Drill {
        from: day(from),
        to: day(to),
        closed: false,
        owner_ids: owners.iter().filter_map(|o| optional_number(o)).collect(),
        currency: None,
    }
}

/// Refuses the days a list page was given when either is not a date that
/// exists, lies outside the years a date may have, or the last comes before
/// the first, naming the field and the fix as the API and the dashboard do,
/// rather than listing every record as if no day had been given.
pub(crate) fn checked(from: &str, to: &str, lang: Lang) -> Result<(), ServiceError> {
    let mut errors = FieldErrors::new();
    let mut day = |field: &str, text: &str| {
        let day = errors
            .take(field, crate::api::day_of(Some(text)))
            .flatten()?;
        errors.take(field, kuijing_domain::dates::in_years(day))?;
        Some(day)
    };
    let from = day("from", from);
    let to = day("to", to);
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        errors.add("to", "ends_before_start");
    }
    errors
        .into_result()
        .map_err(|e| name_insight_fields(e.into(), lang))
}

/// As [`of`], for a list of money (contracts, payments, opportunities):
/// also narrowed to the records in `currency`, as the figure summed them.
pub(crate) fn of_money(from: &str, to: &str, owners: &[String], currency: &str) -> Drill {
    let currency = currency.trim().to_uppercase();
    Drill {
        currency: (!currency.is_empty()).then_some(currency),
        ..of(from, to, owners)
    }
}

/// The narrowing as query pairs, for the links of the same list.
pub(crate) fn keep(parts: &mut form_urlencoded::Serializer<'_, String>, drill: &Drill) {
    for (key, value) in pairs(drill) {
        parts.append_pair(key, &value);
    }
}

/// The narrowing as names and values: the links of the same list carry
/// them, and its search form as hidden fields, so searching or sorting a
/// narrowed list keeps it narrowed.
pub(crate) fn pairs(drill: &Drill) -> Vec<(&'static str, String)> {
    let mut pairs = Vec::new();
    if let Some(from) = drill.from {
        pairs.push(("from", from.to_string()));
    }
    if let Some(to) = drill.to {
        pairs.push(("to", to.to_string()));
    }
    for owner in &drill.owner_ids {
        pairs.push(("owner_id", owner.to_string()));
    }
    if drill.closed {
        pairs.push(("closed", "1".to_string()));
    }
    if let Some(currency) = &drill.currency {
        pairs.push(("currency", currency.clone()));
    }
    pairs
}

/// Says above the list what it is narrowed to (with `more`, what else the
/// figure asked), and links the whole list.
pub(crate) fn note(shell: &mut Shell, drill: &Drill, more: Option<String>, whole: &str) {
    let mut parts = Vec::new();
    let days = if drill.closed {
        "insight_fix9.drill.closed_days"
    } else {
        "drill.days"
    };
    match (drill.from, drill.to) {
        (Some(from), Some(to)) => parts.push(
            shell
                .t(days)
                .replace("%{from}", &shell.date(&from))
                .replace("%{to}", &shell.date(&to)),
        ),
        (Some(from), None) => parts.push(format!("≥ {}", shell.date(&from))),
        (None, Some(to)) => parts.push(format!("≤ {}", shell.date(&to))),
        (None, None) => {}
    }
    if !drill.owner_ids.is_empty() {
        let key = if drill.owner_ids.len() == 1 {
            "insight_fix11.drill.person"
        } else {
            "drill.people"
        };
        parts.push(
            shell
                .t(key)
                .replace("%{count}", &drill.owner_ids.len().to_string()),
        );
    }
    if let Some(currency) = &drill.currency {
        parts.push(
            shell
                .t("insight_fix15.drill.currency")
                .replace("%{currency}", currency),
        );
    }
    // Without days or people the list was opened from a record (a
    // customer's "see all"), not from a dashboard figure.
    let lead = if parts.is_empty() {
        "drill.narrowed_list"
    } else {
        "drill.narrowed"
    };
    parts.extend(more);
    if parts.is_empty() {
        return;
    }
    let note = format!("{} {}", shell.t(lead), parts.join(" · "));
    shell.drill = Some((note, whole.to_string()));
}

/// The customer a list opened from a customer's page is narrowed to, as the
/// pair its links and search form carry.
pub(crate) fn customer_pair(id: &str) -> Option<(&'static str, String)> {
    optional_number(id).map(|id| ("customer_id", id.to_string()))
}

/// Says which customer a list is narrowed to: by name when the viewer sees
/// the customer, else by its number (the list is scoped either way).
pub(crate) async fn customer_note(
    state: &crate::AppState,
    caller: &kuijing_service::Caller,
    shell: &Shell,
    id: &str,
) -> Option<String> {
    let id = optional_number(id)?;
    let name = match state.app.get_customer(caller, id).await {
        Ok(detail) => detail.view.customer.name,
        Err(_) => format!("#{id}"),
    };
    Some(shell.t("life_lists.of_customer").replace("%{name}", &name))
}

/// Two parts of a note, either of which may be missing.
pub(crate) fn and(first: Option<String>, second: Option<String>) -> Option<String> {
    match (first, second) {
        (Some(a), Some(b)) => Some(format!("{a} · {b}")),
        (a, b) => a.or(b),
    }
}
