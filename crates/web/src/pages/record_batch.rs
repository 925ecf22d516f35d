//! What a record list does with its rows: the people they may go to,
//! the batch form of ticked rows or all that match, and the export.

use kuijing_domain::{Action, DataScope, Kind, Permission};
use kuijing_service::Caller;
use kuijing_service::list_filters::RecordQuery;
use kuijing_service::selection::{RecordBatch, RecordMatch};
use kuijing_service::users::UserView;
use serde::Deserialize;

use super::forms::optional_number;
use super::records::ListParams;
use crate::AppState;

/// The people a caller may give records of `kind` to. A caller whose scope
/// for the kind is only their own records can give them to nobody else, so
/// the picker offers only them rather than names the save refuses.
pub async fn people(state: &AppState, caller: &Caller, kind: Kind) -> Vec<UserView> {
    let own_only = !caller.actor.super_admin
        && caller
            .actor
            .grants
            .get(&kind)
            .is_none_or(|grants| grants.iter().all(|g| g.scope == DataScope::Own));
    let found = if caller.can(Permission::new(Kind::User, Action::View)) {
        state.app.pick_users(caller, None).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    if own_only || found.is_empty() {
        let me = found.into_iter().find(|p| p.user.id == caller.user.id);
        return me.into_iter().collect();
    }
    found
}

/// The ids ticked on a list, as a form sends them.
pub fn ticked(ids: &[String]) -> Vec<i64> {
    ids.iter().filter_map(|i| optional_number(i)).collect()
}

/// The batch form of a list (and of a record page's single actions): the
/// ticked ids or all that match the list's filter, the new owner of a
/// transfer, and the page it came from.
#[derive(Debug, Default, Deserialize)]
pub struct BatchForm {
    #[serde(default)]
    pub ids: Vec<String>,
    #[serde(default)]
    pub owner_id: String,
    /// The record page a single action came from (`/leads/7`).
    #[serde(default)]
    pub back: Option<String>,
    /// `1` when the batch is every record that matches the list's filter.
    #[serde(default)]
    pub all_matching: String,
    /// The list's query, for "all that match" and to come back to.
    #[serde(default)]
    pub matching: String,
    /// Converting leads: what a lead like an existing customer does
    /// (`link` or `create`).
    #[serde(default)]
    pub on_duplicate: String,
    /// Converting one lead: the existing customer to link it to.
    #[serde(default)]
    pub link_to: String,
    /// Converting leads: one choice per lead that looks like existing
    /// customers, `{lead}:link:{customer}`, `{lead}:create` or
    /// `{lead}:skip` (empty: as the batch's button says).
    #[serde(default)]
    pub choice: Vec<String>,
}

impl BatchForm {
    /// The ticked ids, unless the batch is all that match.
    pub fn ids(&self) -> Vec<i64> {
        if self.all_matching == "1" {
            return Vec::new();
        }
        ticked(&self.ids)
    }

    /// The ticked rows, or every row that matches the list's filter as the
    /// list reads it (`sortable` as the list offers them).
    pub fn batch(&self, sortable: &[&str], fill: impl Fn(ListParams) -> ListParams) -> RecordBatch {
        let matching = (self.all_matching == "1").then(|| {
            let params: ListParams = super::columns::query_of(&self.matching);
            RecordMatch::from(&fill(params).query(sortable))
        });
        RecordBatch {
            ids: self.ids(),
            matching,
        }
    }

    /// The list to come back to, with its filter.
    pub fn list_path(&self, list: &str) -> String {
        let query = super::columns::without_notices(&self.matching);
        if query.is_empty() {
            list.to_string()
        } else {
            format!("{list}?{query}")
        }
    }

    /// The record the action came from, when it came from `{list}/{id}`.
    pub fn back_id(&self, list: &str) -> Option<i64> {
        self.back
            .as_deref()
            .and_then(|b| b.strip_prefix(list))
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|id| id.parse().ok())
    }
}

/// Back to a page with the confirmation of an action and its count.
pub fn counted(path: &str, what: &str, count: u64) -> axum::response::Response {
    use axum::response::IntoResponse;
    let separator = if path.contains('?') { '&' } else { '?' };
    axum::response::Redirect::to(&format!("{path}{separator}done={what}&n={count}")).into_response()
}

/// What an export link adds to the list's query: the format, and the
/// ticked rows or all that match (the batch form's list query).
#[derive(Debug, Default, Deserialize)]
pub struct ExportExtra {
    #[serde(default)]
    format: String,
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    all_matching: String,
    #[serde(default)]
    matching: String,
}

impl ExportExtra {
    /// The list's query an export reads: the one the batch form sent for
    /// "all that match", or the page's own.
    pub fn params(&self, page: ListParams) -> ListParams {
        if self.all_matching == "1" {
            super::columns::query_of(&self.matching)
        } else {
            page
        }
    }

    pub fn format(&self) -> kuijing_service::spreadsheets::Format {
        kuijing_service::spreadsheets::Format::parse(&self.format)
            .unwrap_or(kuijing_service::spreadsheets::Format::Xlsx)
    }

    /// The ticked rows, or none for every row that matches.
    pub fn ids(&self) -> Option<Vec<i64>> {
        if self.all_matching == "1" {
            return None;
        }
        Some(ticked(&self.ids)).filter(|ids| !ids.is_empty())
    }
}

/// Exports leads or contacts as a list's query finds them (or the ticked
/// rows among them), in the columns the caller chose for the list.
pub async fn export_records(
    state: &AppState,
    caller: &Caller,
    lang: crate::i18n::Lang,
    (kind, query, ids, format): (
        kuijing_service::list_columns::ListKind,
        RecordQuery,
        Option<Vec<i64>>,
        kuijing_service::spreadsheets::Format,
    ),
) -> axum::response::Response {
    use kuijing_service::list_columns::ListKind;
    let result = async {
        let columns = state.app.list_columns(caller, kind).await?.columns;
        let text = |key: &str| lang.t(key);
        let labels = kuijing_service::record_export::Labels {
            text: &text,
            format,
        };
        let chosen = (ids, Some(columns));
        let (path, name) = match kind {
            ListKind::Lead => (
                state
                    .app
                    .export_leads(caller, &query, chosen, &labels)
                    .await?,
                "leads",
            ),
            _ => (
                state
                    .app
                    .export_contacts(caller, &query, chosen, &labels)
                    .await?,
                "contacts",
            ),
        };
        crate::api::send_file(path, format, name).await
    }
    .await;
    result.unwrap_or_else(|error| super::forms::error_page(error, caller, lang))
}
