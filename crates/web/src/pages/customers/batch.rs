//! The customer list's batch actions: transfer and delete, ticked or all
//! that match.

use super::*;

#[derive(Debug, Default, Deserialize)]
pub struct BatchForm {
    /// Present when the transfer takes the customers' contacts along.
    #[serde(default)]
    with_contacts: Option<String>,
    with_opportunities: Option<String>,
    with_contracts: Option<String>,
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    owner_id: String,
    #[serde(default)]
    keep_former_owner: String,
    /// The record page a single transfer came from.
    #[serde(default)]
    back: Option<String>,
    /// `1` when the batch is every customer that matches the list's filter.
    #[serde(default)]
    all_matching: String,
    /// The list's query, for "all that match".
    #[serde(default)]
    matching: String,
}

impl BatchForm {
    /// The ticked ids, unless the batch is all that match.
    fn ids(&self) -> Vec<i64> {
        if self.all_matching == "1" {
            return Vec::new();
        }
        self.ids.iter().filter_map(|i| optional_number(i)).collect()
    }

    /// The list's filter when the batch is every customer that matches it.
    fn matching(&self) -> Option<CustomerMatch> {
        (self.all_matching == "1").then(|| {
            let filter: ListFilter = query_of(&self.matching);
            CustomerMatch::from(&filter.query())
        })
    }

    /// The list to come back to, with its filter.
    fn list_path(&self) -> String {
        let query = without_notices(&self.matching);
        if query.is_empty() {
            "/customers".to_string()
        } else {
            format!("/customers?{query}")
        }
    }

    /// The record page to return to, when the transfer came from one.
    fn back_id(&self) -> Option<i64> {
        self.back
            .as_deref()
            .and_then(|b| b.strip_prefix("/customers/"))
            .and_then(|id| id.parse().ok())
    }
}

/// The related records a customer's transfer may take along: contacts
/// always, opportunities and contracts when the user may transfer those.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Carry {
    pub(super) opportunities: bool,
    pub(super) contracts: bool,
}

impl Carry {
    pub(super) fn of(caller: &Caller) -> Self {
        let may = |kind| caller.can(Permission::new(kind, Action::Transfer));
        Carry {
            opportunities: may(Kind::Opportunity),
            contracts: may(Kind::Contract),
        }
    }
}

pub async fn transfer_customers(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    let input = TransferInput {
        ids: form.ids(),
        matching: form.matching(),
        // No choice is no user: the service names the field.
        owner_id: optional_number(&form.owner_id).unwrap_or(-1),
        keep_former_owner: optional_text(&form.keep_former_owner),
        with_contacts: form.with_contacts.is_some(),
        with_opportunities: form.with_opportunities.is_some(),
        with_contracts: form.with_contracts.is_some(),
    };
    let result = state.app.transfer_customers(&caller, input).await;
    match result {
        Ok(moved) => {
            // Back to the record while the caller can still see it; a rep who
            // gave it away would find a 404 there.
            if let Some(id) = form.back_id()
                && state.app.get_customer(&caller, id).await.is_ok()
            {
                return counted(&format!("/customers/{id}"), "transferred", moved);
            }
            counted(&form.list_path(), "transferred", moved)
        }
        Err(error) => batch_refused(&state, &caller, lang, error, form.back_id()).await,
    }
}

pub async fn delete_customers(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    let batch = CustomerBatch {
        ids: form.ids(),
        matching: form.matching(),
    };
    match state.app.delete_customers(&caller, &batch).await {
        Ok(deleted) => counted(&form.list_path(), "deleted", deleted),
        Err(error) => batch_refused(&state, &caller, lang, error, form.back_id()).await,
    }
}

fn counted(path: &str, what: &str, count: u64) -> Response {
    let separator = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{separator}done={what}&n={count}")).into_response()
}

/// A refused batch action shows the list (or the record it came from) again
/// with the reason on top.
async fn batch_refused(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    error: ServiceError,
    back: Option<i64>,
) -> Response {
    let Some(errors) = FormErrors::from_service(&error, lang) else {
        return error_page(error, caller, lang);
    };
    let status = status_of(&error);
    if let Some(id) = back {
        let page = record_page(state, caller, lang, id, Composer::default(), errors, None).await;
        return match page {
            Ok(page) => render(&page, status),
            Err(error) => error_page(error, caller, lang),
        };
    }
    match list_page(state, caller, lang, ListFilter::default(), errors).await {
        Ok(page) => render(&page, status),
        Err(error) => error_page(error, caller, lang),
    }
}
