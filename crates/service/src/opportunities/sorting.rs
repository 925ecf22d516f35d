//! The orders an opportunity list sorts in, and where a page of it starts.

use super::*;

/// The columns the opportunity list sorts by, as the API and the page's
/// headers name them; custom fields (`custom.<key>`) sort too. Choices
/// sort by what the list shows: the customer's, pipeline's and owner's
/// names, and a stage by its place in its pipeline (then the pipeline's).
pub const SORTABLE: &[&str] = &[
    "id",
    "name",
    "customer_id",
    "pipeline_id",
    "stage_id",
    "outcome",
    "amount",
    "expected_close_on",
    "next_contact_at",
    "last_follow_up_at",
    "closed_at",
    "owner_id",
    "created_at",
    "updated_at",
];

fn sort_column(name: &str) -> Option<Opportunities> {
    use Opportunities as O;
    Some(match name {
        "id" => O::Id,
        "name" => O::Name,
        "customer_id" => O::CustomerId,
        "pipeline_id" => O::PipelineId,
        "stage_id" => O::StageId,
        "outcome" => O::Outcome,
        "amount" => O::Amount,
        "expected_close_on" => O::ExpectedCloseOn,
        "next_contact_at" => O::NextContactAt,
        "last_follow_up_at" => O::LastFollowUpAt,
        "closed_at" => O::ClosedAt,
        "owner_id" => O::OwnerId,
        "created_at" => O::CreatedAt,
        "updated_at" => O::UpdatedAt,
        _ => return None,
    })
}

/// The sort a list asks for: a column or custom field and a direction (`-`
/// first: descending); the newest first by default. Ties break on the id
/// and empty values come last either way.
pub(super) fn parse_sort(
    text: Option<&str>,
    defs: &[FieldDef],
) -> Result<(Sort<Opportunities>, String)> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok((Sort::by(Opportunities::Id, true), "id".into()));
    };
    let (descending, name) = match text.strip_prefix('-') {
        Some(name) => (true, name),
        None => (false, text),
    };
    let sort = match name.strip_prefix("custom.") {
        Some(key) => crate::list_filters::custom_sort(defs, key, Opportunities::Id, descending),
        None => sort_column(name).map(|column| {
            use kuijing_store::lists::Shown;
            let sort = Sort::by(column, descending);
            match name {
                "name" => sort.as_text(),
                "customer_id" => sort.showing(Some(Shown::Customer)),
                "pipeline_id" => sort.showing(Some(Shown::Pipeline)),
                "stage_id" => sort.showing(Some(Shown::Stage)),
                "owner_id" => sort.showing(Some(Shown::User)),
                // Open, won, lost, invalid: the same in every language.
                "outcome" => sort.computed(kuijing_store::opportunities::outcome_rank()),
                _ => sort,
            }
        }),
    };
    let sort = sort.ok_or_else(|| {
        let mut keys: Vec<String> = SORTABLE.iter().map(|k| k.to_string()).collect();
        keys.extend(defs.iter().map(|d| format!("custom.{}", d.key)));
        let error = kuijing_domain::FieldError::new("sort", "sort_not_accepted")
            .with("value", name)
            .with("values", keys.join(", "));
        ServiceError::Invalid(error.into())
    })?;
    Ok((sort, name.to_string()))
}

/// The sort value of the row a page starts after, typed as its column.
pub(super) fn sort_value(
    anchor: &Opportunity,
    sort: &Sort<Opportunities>,
    name: &str,
) -> sea_query::Value {
    use kuijing_store::lists::null_cursor_value;
    if let Some((key, how)) = &sort.custom {
        return crate::list_filters::custom_after(&anchor.custom, key, *how);
    }
    let time = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map_or_else(null_cursor_value, sea_query::Value::from)
    };
    match name {
        "name" => anchor.name.clone().into(),
        "customer_id" => anchor.customer_id.into(),
        "pipeline_id" => anchor.pipeline_id.into(),
        "stage_id" => anchor.stage_id.into(),
        "outcome" => anchor.outcome.rank().into(),
        "amount" => anchor.amount.into(),
        "expected_close_on" => anchor
            .expected_close_on
            .map_or_else(null_cursor_value, sea_query::Value::from),
        "next_contact_at" => time(anchor.next_contact_at),
        "last_follow_up_at" => time(anchor.last_follow_up_at),
        "closed_at" => time(anchor.closed_at),
        "owner_id" => anchor
            .owner_id
            .map_or_else(null_cursor_value, sea_query::Value::from),
        "created_at" => anchor.created_at.into(),
        "updated_at" => anchor.updated_at.into(),
        _ => anchor.id.into(),
    }
}
