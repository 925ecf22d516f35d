//! The contract and payment lists in the columns each user chose, the
//! batch actions on contracts (transfer, delete, export, on ticked rows or
//! on all that match) and the exports of both lists.

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kuijing_service::contracts::{ContractBatch, ContractRow, Payment};
use kuijing_service::list_columns::ListKind;
use kuijing_service::selection::ContractMatch;
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::Shell;
use super::columns::{Cell, Picker, Table, query_of, without_notices};
use super::contracts::ListQuery;
use super::forms::{optional_number, optional_text};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Params;
use crate::i18n::Lang;

/// The contract list's table and column picker.
pub(crate) async fn contract_table(
    state: &AppState,
    caller: &Caller,
    shell: &Shell,
    query: &ListQuery,
    rows: &[ContractRow],
) -> Result<(Table, Picker), ServiceError> {
    let columns = state.app.list_columns(caller, ListKind::Contract).await?;
    let table = Table::build(
        shell,
        &columns,
        rows,
        (
            |r: &ContractRow| r.contract.id,
            |r: &ContractRow| r.contract.number.clone(),
        ),
        |row, column| contract_cell(shell, row, column),
        |column| {
            kuijing_service::contracts::contract_sorts_by(column)
                .then(|| (query.sort_href("/contracts", column), query.sorted(column)))
        },
    );
    let back = format!("/contracts?{}", query.keep());
    let picker = Picker::new(
        shell,
        ListKind::Contract,
        &columns,
        back,
        query.columns == "open",
    );
    Ok((table, picker))
}

/// The fields a payment list's conditions are put on: its custom fields
/// (its own have the search, status and view above the list).
pub(crate) async fn payment_conditions(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<super::records::ConditionField>, ServiceError> {
    let defs = state
        .app
        .custom_fields(kuijing_domain::Kind::Payment)
        .await?;
    if defs.is_empty() {
        return Ok(Vec::new());
    }
    let pickable = super::records::Pickable::load(state, caller).await?;
    Ok(super::records::condition_fields(
        &[],
        &defs,
        |f| f.to_string(),
        &pickable,
    ))
}

/// The payment list's table and column picker.
pub(crate) async fn payment_table(
    state: &AppState,
    caller: &Caller,
    shell: &Shell,
    query: &ListQuery,
    rows: &[Payment],
) -> Result<(Table, Picker), ServiceError> {
    let columns = state.app.list_columns(caller, ListKind::Payment).await?;
    let people: std::collections::BTreeMap<i64, String> =
        if columns.columns.iter().any(|c| c == "owner_id") {
            state.app.user_choices(caller).await?.into_iter().collect()
        } else {
            Default::default()
        };
    let table = Table::build(
        shell,
        &columns,
        rows,
        (|p: &Payment| p.id, |p: &Payment| p.number.clone()),
        |row, column| payment_cell(shell, &people, row, column),
        |column| {
            kuijing_service::contracts::payment_sorts_by(column)
                .then(|| (query.sort_href("/payments", column), query.sorted(column)))
        },
    );
    let back = format!("/payments?{}", query.keep());
    let picker = Picker::new(
        shell,
        ListKind::Payment,
        &columns,
        back,
        query.columns == "open",
    );
    Ok((table, picker))
}

fn date(shell: &Shell, day: Option<chrono::NaiveDate>) -> Cell {
    Cell::text(day.map(|d| shell.date(&d)).unwrap_or_default()).with_class("muted")
}

/// A money cell of a contract paid past its amount (each time confirmed),
/// tagged with the excess, so the received and outstanding figures add up.
fn paid_over(shell: &Shell, row: &ContractRow, cell: Cell) -> Cell {
    match &row.overpaid_text {
        Some(over) => cell.tag(
            "tag-delete paid-over",
            format!("{} {over}", shell.t("review_fix13.paid_over")),
        ),
        None => cell,
    }
}

fn contract_cell(shell: &Shell, row: &ContractRow, column: &str) -> Cell {
    let c = &row.contract;
    if let Some(cell) = Cell::custom(shell, &c.custom, column) {
        return cell;
    }
    let money = |amount: i64| Cell::text(shell.money(&amount, &c.currency)).with_class("num");
    match column {
        "number" => Cell::link(c.number.clone(), format!("/contracts/{}", c.id)),
        "name" => Cell::text(c.name.clone()),
        "customer_id" => Cell::link(
            c.customer_name.clone(),
            format!("/customers/{}", c.customer_id),
        ),
        "signed_on" => date(shell, c.signed_on),
        "starts_on" => date(shell, c.starts_on),
        "ends_on" => date(shell, c.ends_on),
        "amount" => money(c.amount),
        "received" => paid_over(shell, row, money(c.received)),
        // Only an approved contract expects payments; the others owe nothing yet.
        "outstanding" => match row.outstanding {
            Some(outstanding) => paid_over(shell, row, money(outstanding)),
            None => Cell::text("—".to_string()).with_class("num muted"),
        },
        "status" => Cell::default().tag(
            format!("status-{}", c.status.as_str()),
            shell.tk("doc_status", c.status.as_str()),
        ),
        "owner_id" => Cell::optional(row.owner_name.as_ref()),
        "created_at" => Cell::text(shell.datetime(&c.created_at)).with_class("muted"),
        _ => Cell::default(),
    }
}

fn payment_cell(
    shell: &Shell,
    people: &std::collections::BTreeMap<i64, String>,
    p: &Payment,
    column: &str,
) -> Cell {
    if let Some(cell) = Cell::custom(shell, &p.custom, column) {
        return cell;
    }
    match column {
        "number" => Cell::link(p.number.clone(), format!("/payments/{}", p.id)),
        "contract_id" => Cell::link(
            p.contract_number.clone(),
            format!("/contracts/{}", p.contract_id),
        ),
        "customer_id" => Cell::link(
            p.customer_name.clone(),
            format!("/customers/{}", p.customer_id),
        ),
        "received_on" => date(shell, Some(p.received_on)),
        "amount" => Cell::text(shell.money(&p.amount, &p.currency)).with_class("num"),
        "status" => Cell::default().tag(
            format!("status-{}", p.status.as_str()),
            shell.tk("doc_status", p.status.as_str()),
        ),
        "owner_id" => Cell::optional(p.owner_id.and_then(|o| people.get(&o))),
        "created_at" => Cell::text(shell.datetime(&p.created_at)).with_class("muted"),
        _ => Cell::default(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct BatchForm {
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    owner_id: String,
    #[serde(default)]
    keep_former_owner: String,
    /// `1` when the batch is every contract that matches the list's filter.
    #[serde(default)]
    all_matching: String,
    /// The list's query, for "all that match".
    #[serde(default)]
    matching: String,
}

impl BatchForm {
    fn batch(&self) -> ContractBatch {
        if self.all_matching == "1" {
            let query: ListQuery = query_of(&self.matching);
            return ContractBatch {
                ids: Vec::new(),
                matching: Some(ContractMatch {
                    q: optional_text(&query.q),
                    view: optional_text(&query.view),
                    status: optional_text(&query.status),
                    ending_within_days: (query.ending == "30").then_some(30),
                    customer_id: optional_number(&query.customer_id),
                    drill: query.drill(),
                }),
            };
        }
        ContractBatch {
            ids: self
                .ids
                .iter()
                .filter_map(|id| optional_number(id))
                .collect(),
            matching: None,
        }
    }

    /// Back to the list with its filter and how many the action touched.
    fn done(&self, count: u64) -> Response {
        let query = without_notices(&self.matching);
        let separator = if query.is_empty() { "" } else { "&" };
        Redirect::to(&format!(
            "/contracts?{query}{separator}done=batch_done&n={count}"
        ))
        .into_response()
    }
}

/// The ticked contracts (or all that match) given to another owner.
pub async fn transfer_contracts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    let owner = optional_number(&form.owner_id).unwrap_or(-1);
    let keep = optional_text(&form.keep_former_owner);
    match state
        .app
        .transfer_contracts(&caller, &form.batch(), owner, keep.as_deref())
        .await
    {
        Ok(count) => form.done(count),
        Err(error) => {
            super::approvals::refused(&state, &caller, lang, (error, "/contracts", "/contracts"))
        }
    }
}

/// The ticked contracts (or all that match) deleted, all or none.
pub async fn delete_contracts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    match state.app.delete_contracts(&caller, &form.batch()).await {
        Ok(count) => form.done(count),
        Err(error) => {
            super::approvals::refused(&state, &caller, lang, (error, "/contracts", "/contracts"))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    format: String,
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    all_matching: String,
    #[serde(default)]
    matching: String,
}

impl ExportForm {
    /// The list's filter (the one sent for "all that match", or the page's
    /// own) and the ticked ids.
    fn scope(&self, query: ListQuery) -> (ListQuery, Option<String>) {
        if self.all_matching == "1" {
            return (query_of(&self.matching), None);
        }
        let ids: Vec<&str> = self
            .ids
            .iter()
            .map(|i| i.trim())
            .filter(|i| !i.is_empty())
            .collect();
        (query, (!ids.is_empty()).then(|| ids.join(",")))
    }

    fn format(&self) -> &str {
        if self.format.is_empty() {
            "xlsx"
        } else {
            &self.format
        }
    }
}

fn export_filter(query: &ListQuery, ids: Option<String>) -> crate::api::SalesExportFilter {
    crate::api::SalesExportFilter {
        ids,
        columns: Some("mine".into()),
        q: optional_text(&query.q),
        view: optional_text(&query.view),
        status: optional_text(&query.status),
        ending: (query.ending == "30").then_some(30),
        customer_id: optional_number(&query.customer_id),
        filter: Some(serde_json::to_string(&super::records::filters_of(
            query.conditions(),
        )))
        .and_then(Result::ok)
        .filter(|f| f != "[]"),
        ..Default::default()
    }
}

/// Exports the contract list as filtered, the ticked rows, or all that
/// match, in the columns the user chose.
pub async fn export_contracts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    headers: axum::http::HeaderMap,
    Params(query): Params<ListQuery>,
    axum_extra::extract::Query(extra): axum_extra::extract::Query<ExportForm>,
) -> Response {
    let (query, ids) = extra.scope(query);
    let filter = export_filter(&query, ids);
    crate::api::exports_page(
        &state,
        (&caller, &headers),
        lang,
        "contracts",
        (Some(extra.format()), &filter),
    )
    .await
}

/// Exports the payment list as filtered, in the columns the user chose.
pub async fn export_payments(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    headers: axum::http::HeaderMap,
    Params(query): Params<ListQuery>,
    axum_extra::extract::Query(extra): axum_extra::extract::Query<ExportForm>,
) -> Response {
    let (query, ids) = extra.scope(query);
    let filter = export_filter(&query, ids);
    crate::api::exports_page(
        &state,
        (&caller, &headers),
        lang,
        "payments",
        (Some(extra.format()), &filter),
    )
    .await
}
