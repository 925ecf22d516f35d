//! What a list page says when it cannot follow its address: a sort the
//! list does not offer (the API refuses it; a page shows the list in its
//! default order) or a page link made under another sort (a page starts on
//! the first page). The user is told in a note above the list.

use kuijing_service::ServiceError;

use crate::i18n::Lang;

/// Whether the service refused the list's `field` (`sort` or `cursor`).
pub fn refused(error: &ServiceError, field: &str) -> bool {
    matches!(error, ServiceError::Invalid(errors) if errors.0.iter().any(|e| e.field == field))
}

/// The note for a sort the list does not offer: what was asked, and the
/// default order the list shows instead (the newest first, or for
/// products the order they were added).
pub fn unknown_sort(lang: Lang, sort: &str, newest: bool) -> String {
    let column = sort.trim().trim_start_matches('-');
    let key = if newest {
        "list_fix.sort_unavailable_newest"
    } else {
        "list_fix.sort_unavailable_oldest"
    };
    lang.t(key).replace("%{sort}", column)
}

/// The note for a page link made under another sort (or damaged).
pub fn foreign_cursor(lang: Lang) -> String {
    lang.t("list_fix.cursor_other_sort")
}

/// Checks the sort a record list (customers, leads, contacts) was asked
/// for: one it does not offer, or a custom field that is no more, is
/// cleared (the list shows its default order) and named in the note.
pub fn check_sort(
    lang: Lang,
    sort: &mut String,
    sortable: &[&str],
    defs: &[kuijing_domain::fields::FieldDef],
) -> Option<String> {
    let asked = sort.trim();
    if asked.is_empty() {
        return None;
    }
    let gone = asked
        .strip_prefix("custom.")
        .is_some_and(|key| !defs.iter().any(|d| d.key == key));
    if gone || !kuijing_service::list_filters::is_sortable(sortable, asked) {
        let note = unknown_sort(lang, asked, true);
        sort.clear();
        return Some(note);
    }
    None
}

/// The views every sales list (opportunities, contracts, payments) offers.
pub const SALES_VIEWS: [&str; 2] = ["all", "mine"];

/// Checks the view a list was asked for against those it `offered`: one it
/// does not have (an edited or old address) is cleared, so the list opens
/// on its default view, and named in the note.
pub fn check_view(lang: Lang, view: &mut String, offered: &[&str]) -> Option<String> {
    let asked = view.trim();
    if asked.is_empty() || offered.contains(&asked) {
        return None;
    }
    let note = lang
        .t("records_fix2.view_unknown")
        .replace("%{view}", asked);
    view.clear();
    Some(note)
}

/// Both notes of a list, one after the other, when it has two.
pub fn joined(first: Option<String>, second: Option<String>) -> Option<String> {
    match (first, second) {
        (Some(a), Some(b)) => Some(format!("{a} {b}")),
        (a, b) => a.or(b),
    }
}

/// The first page of a sales list (50 rows).
pub fn first_page() -> kuijing_service::PageRequest {
    kuijing_service::PageRequest {
        limit: Some(50),
        ..Default::default()
    }
}

/// The page a sales list's cursor asks for under `sort`; a cursor made
/// under another sort (an old link) or damaged is cleared, the list starts
/// on the first page and the note says so.
pub fn page_or_first(
    lang: Lang,
    cursor: &mut String,
    sort: Option<&str>,
    note: &mut Option<String>,
) -> kuijing_service::PageRequest {
    match kuijing_service::sorted_pages::page_of(Some(cursor.as_str()), sort, Some(50)) {
        Ok(page) => page,
        Err(_) => {
            cursor.clear();
            *note = Some(foreign_cursor(lang));
            first_page()
        }
    }
}

/// Lists a sales list (contracts, payments, products) with the address's
/// sort and page: `list` is called with the sort and the page, and again
/// in the default order when the sort is refused, or from the first page
/// when the cursor is; `sort` and `cursor` are cleared so the page's links
/// follow what is shown. Answers the list and the note that says why.
pub async fn listed<T, F, Fut>(
    lang: Lang,
    (sort, cursor): (&mut String, &mut String),
    newest: bool,
    list: F,
) -> Result<(T, Option<String>), ServiceError>
where
    F: Fn(Option<String>, kuijing_service::PageRequest) -> Fut,
    Fut: std::future::Future<Output = Result<T, ServiceError>>,
{
    let mut note = None;
    let asked = Some(sort.trim().to_string()).filter(|s| !s.is_empty());
    let page = page_or_first(lang, cursor, asked.as_deref(), &mut note);
    match list(asked.clone(), page).await {
        Err(error) if refused(&error, "sort") => {
            let note = unknown_sort(lang, sort, newest);
            sort.clear();
            cursor.clear();
            Ok((list(None, first_page()).await?, Some(note)))
        }
        Err(error) if refused(&error, "cursor") => {
            cursor.clear();
            let listed = list(asked, first_page()).await?;
            Ok((listed, Some(foreign_cursor(lang))))
        }
        listed => Ok((listed?, note)),
    }
}

/// Conditions kept in a list's address (`c`: a saved view or a bookmark)
/// that the list refuses — a custom field deleted since, an operator the
/// field does not take, a value that does not fit it — are taken out of
/// `c`, so the list opens without them, and named in the note with why.
/// None when the refusal is about none of them (the condition being added
/// has its own message beside the form).
pub fn drop_conditions(lang: Lang, error: &ServiceError, c: &mut String) -> Option<String> {
    let ServiceError::Invalid(errors) = error else {
        return None;
    };
    let mut kept: Vec<(String, String, String)> = serde_json::from_str(c).ok()?;
    let at = |e: &kuijing_domain::FieldError| {
        e.field
            .strip_prefix("filters.")?
            .parse::<usize>()
            .ok()
            .filter(|i| *i < kept.len())
    };
    let mut refused: Vec<usize> = errors.0.iter().filter_map(at).collect();
    if refused.is_empty() {
        return None;
    }
    let reasons: Vec<String> = errors
        .0
        .iter()
        .filter(|e| at(e).is_some())
        .map(|e| crate::error::field_message(e, lang))
        .collect();
    refused.sort_unstable();
    refused.dedup();
    for index in refused.into_iter().rev() {
        kept.remove(index);
    }
    *c = super::records::kept(&kept);
    Some(
        lang.t("records_fix11.conditions_left_out")
            .replace("%{reasons}", &reasons.join(" ")),
    )
}
