//! The contract list page: its query, columns, totals and the import box.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kuijing_domain::{Action, Kind};
use kuijing_service::choices::Choice;
use kuijing_service::contracts::{ContractListQuery, ContractRow, CurrencyTotal};
use kuijing_service::saved_views::SavedView;
use kuijing_service::{Caller, ListPage, ServiceError};
use serde::Deserialize;

use super::columns::{Picker, Table};
use super::contract_lists;
use super::forms::{ImportBox, answer, optional_number, optional_text};
use super::{Shell, list_notes};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Params;
use crate::i18n::Lang;
use crate::imports::ImportKind;

use super::contracts::can;

pub(super) const STATUSES: [&str; 6] = [
    "draft",
    "in_approval",
    "approved",
    "rejected",
    "withdrawn",
    "void",
];

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub(crate) q: String,
    #[serde(default)]
    pub(crate) view: String,
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) ending: String,
    /// Only this customer's records (from the customer's page).
    #[serde(default)]
    pub(crate) customer_id: String,
    #[serde(default)]
    pub(super) from: String,
    #[serde(default)]
    pub(super) to: String,
    #[serde(default)]
    owner_id: Vec<String>,
    /// Only records in this currency (a dashboard money figure's).
    #[serde(default)]
    currency: String,
    #[serde(default)]
    pub(super) cursor: String,
    /// A column, `-` first for descending; the newest first when blank.
    #[serde(default)]
    pub(crate) sort: String,
    pub(super) done: Option<String>,
    /// How many records the batch action that led here touched.
    n: Option<u64>,
    /// `open` when the column picker should show open.
    #[serde(default)]
    pub(crate) columns: String,
    /// Payments: conditions on custom fields kept so far, as JSON
    /// `[[field, op, value], ...]`, and the one being added (`cond` as
    /// `field|operator`, its value `cv`, a range of days `cvf`–`cvt`, or
    /// the picked choices `cvc`), as the record lists take them.
    #[serde(default)]
    pub(crate) c: String,
    #[serde(default)]
    pub(crate) cond: String,
    #[serde(default)]
    pub(crate) cv: String,
    #[serde(default)]
    pub(super) cvf: String,
    #[serde(default)]
    pub(super) cvt: String,
    #[serde(default)]
    pub(crate) cvc: Vec<String>,
}

impl ListQuery {
    /// Every condition of the address: those kept and the one added.
    pub(crate) fn conditions(&self) -> Vec<(String, String, String)> {
        let cv = super::records::added_value(&self.cv, &self.cvf, &self.cvt);
        super::records::conditions_of(&self.c, &self.cond, &cv, &self.cvc)
    }

    /// The conditions, as the address keeps them.
    pub(crate) fn kept_conditions(&self) -> String {
        super::records::kept(&self.conditions())
    }

    pub(crate) fn keep(&self) -> String {
        self.keep_with(&self.conditions())
    }

    /// The address's query with these conditions in place of its own.
    pub(crate) fn keep_with(&self, conditions: &[(String, String, String)]) -> String {
        let mut parts = form_urlencoded::Serializer::new(String::new());
        let kept = super::records::kept(conditions);
        for (key, value) in [
            ("q", &self.q),
            ("view", &self.view),
            ("status", &self.status),
            ("ending", &self.ending),
            ("customer_id", &self.customer_id),
            ("c", &kept),
        ] {
            if !value.is_empty() {
                parts.append_pair(key, value);
            }
        }
        super::drill::keep(&mut parts, &self.drill());
        parts.finish()
    }

    /// Whether anything narrows the list beyond its view: a search, a
    /// status, the contracts ending soon, a customer or a dashboard's days
    /// and people.
    pub(crate) fn is_narrowed(&self) -> bool {
        [&self.q, &self.status, &self.ending, &self.customer_id]
            .iter()
            .any(|v| !v.trim().is_empty())
            || !self.drill().filters().is_empty()
    }

    /// The list (`/contracts`, `/payments`) of the same view without the
    /// narrowing.
    pub(crate) fn clear_href(&self, path: &str) -> String {
        match self.view.as_str() {
            "" => path.to_string(),
            view => format!("{path}?view={}", crate::auth::url_encode(view)),
        }
    }

    pub(super) fn drill(&self) -> kuijing_service::dashboard::Drill {
        super::drill::of_money(&self.from, &self.to, &self.owner_id, &self.currency)
    }

    /// The dashboard's narrowing and the customer, for the search form to keep.
    pub(crate) fn drill_inputs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = super::drill::pairs(&self.drill());
        pairs.extend(super::drill::customer_pair(&self.customer_id));
        pairs
    }

    /// The address of `path` sorted by `column`: the other way round when
    /// it already is, else names and numbers up and the rest newest first.
    pub(crate) fn sort_href(&self, path: &str, column: &str) -> String {
        let sort = if self.sort == column {
            format!("-{column}")
        } else if self.sort == format!("-{column}") || UPWARDS.contains(&column) {
            column.to_string()
        } else {
            format!("-{column}")
        };
        let keep = self.keep();
        let joint = if keep.is_empty() { "" } else { "&" };
        format!(
            "{path}?{keep}{joint}sort={}",
            crate::auth::url_encode(&sort)
        )
    }

    /// The `aria-sort` of a column header.
    pub(crate) fn sorted(&self, column: &str) -> &'static str {
        if self.sort == column {
            "ascending"
        } else if self.sort == format!("-{column}") {
            "descending"
        } else {
            "none"
        }
    }
}

/// Columns a first click sorts upwards (names, numbers, people); the
/// others (days, amounts) start with the latest or largest.
const UPWARDS: &[&str] = &[
    "number",
    "name",
    "customer_id",
    "contract_id",
    "owner_id",
    "method_id",
    "status",
];

#[derive(Template)]
#[template(path = "contracts.html")]
pub(super) struct ContractsView {
    pub(super) shell: Shell,
    list: ListPage<ContractRow>,
    totals: Vec<CurrencyTotal>,
    query: ListQuery,
    keep: String,
    views: Vec<SavedView>,
    can_create: bool,
    can_transfer: bool,
    people: Vec<Choice>,
    /// The import box, for those who may import.
    import: Option<ImportBox>,
    can_delete: bool,
    can_export: bool,
    table: Table,
    picker: Picker,
}

impl ContractsView {
    fn statuses(&self) -> [&'static str; 6] {
        STATUSES
    }

    /// Whether rows can be ticked for a batch action.
    fn batch(&self) -> bool {
        self.can_transfer || self.can_delete || self.can_export
    }
}

pub async fn list_contracts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<ListQuery>,
) -> Response {
    answer(
        contracts_view(&state, &caller, lang, query, None).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub(super) async fn contracts_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    mut query: ListQuery,
    import: Option<ImportBox>,
) -> Result<ContractsView, ServiceError> {
    super::drill::checked(&query.from, &query.to, lang)?;
    let view_note = list_notes::check_view(lang, &mut query.view, &list_notes::SALES_VIEWS);
    let service = ContractListQuery {
        search: optional_text(&query.q),
        status: optional_text(&query.status),
        view: optional_text(&query.view),
        ending_within_days: (query.ending == "30").then_some(30),
        customer_id: optional_number(&query.customer_id),
        drill: query.drill(),
    };
    let asked = (&mut query.sort, &mut query.cursor);
    let ((list, totals), note) = list_notes::listed(lang, asked, true, |sort, page| {
        let service = &service;
        async move {
            state
                .app
                .list_contracts_sorted(caller, service, sort.as_deref(), page)
                .await
        }
    })
    .await?;
    let mut shell = Shell::new(state, caller, lang, "/contracts", "contracts.title")
        .with_notice(query.done.as_deref())
        .with_count(query.n);
    shell.list_note = list_notes::joined(view_note, note);
    let signed = (service.drill.from.is_some() || service.drill.to.is_some())
        .then(|| shell.t("insight2.signed_days"));
    let customer = super::drill::customer_note(state, caller, &shell, &query.customer_id).await;
    super::drill::note(
        &mut shell,
        &service.drill,
        super::drill::and(signed, customer),
        "/contracts",
    );
    let may_import = super::forms::may_import(caller, Kind::Contract).is_ok();
    let (table, picker) =
        contract_lists::contract_table(state, caller, &shell, &query, &list.items).await?;
    Ok(ContractsView {
        can_delete: can(caller, Kind::Contract, Action::Delete),
        can_export: can(caller, Kind::Contract, Action::Export),
        table,
        picker,
        shell,
        keep: query.keep(),
        views: state.app.saved_views(caller, "contract").await?,
        list,
        totals,
        query,
        can_create: can(caller, Kind::Contract, Action::Create),
        can_transfer: can(caller, Kind::Contract, Action::Transfer),
        people: state.app.user_choices(caller).await.unwrap_or_default(),
        import: may_import.then(|| import.unwrap_or_else(|| ImportBox::new(ImportKind::Contract))),
    })
}

/// The list with its import box as an upload left it (or opened for one);
/// contracts are imported as drafts.
pub(super) async fn list_with_import(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    shown: ImportBox,
) -> Response {
    answer(
        contracts_view(state, caller, lang, ListQuery::default(), Some(shown)).await,
        StatusCode::OK,
        caller,
        lang,
    )
}
