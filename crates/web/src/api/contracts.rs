//! `/api/v1/contracts`: contracts, their submission into the approval flow,
//! voiding, transfer, and their payment plans (回款計劃).

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kuijing_domain::Kind;
use kuijing_service::ServiceError;
use kuijing_service::contracts::{
    ContractBatch, ContractDetail, ContractInput, ContractListQuery, ContractRow, CurrencyTotal,
    Plan, PlanInput, SubmitInput, VoidInput,
};
use kuijing_service::selection::ContractMatch;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::all_fields::{AllFields, first_per_field};
use super::customers::Affected;
use super::edits::{Edit, stale};
use super::{
    Body, BodyOrDefault, respond, respond_created, respond_created_in, respond_done, respond_in,
    sorted_page_of,
};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::extract::{Id, Ids, Params};
use crate::i18n::Lang;

/// A page of a list with the totals of everything that matches, per currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotalledPage<T> {
    pub items: Vec<T>,
    pub total: i64,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Count, amount and received amount per currency, in minor units.
    pub totals: Vec<CurrencyTotal>,
}

impl<T> TotalledPage<T> {
    pub fn new((page, totals): (kuijing_service::ListPage<T>, Vec<CurrencyTotal>)) -> Self {
        Self {
            items: page.items,
            total: page.total,
            next_cursor: page.next_cursor,
            totals,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContractParams {
    /// Text found in the number, the name or the customer's name.
    pub q: Option<String>,
    /// `draft`, `in_approval`, `approved`, `rejected`, `withdrawn`, `void`, or `all`.
    pub status: Option<String>,
    pub customer_id: Option<i64>,
    /// `mine` for the caller's own; everything in scope when left out.
    pub view: Option<String>,
    /// Approved contracts ending within this many days.
    pub ending_within_days: Option<i64>,
    /// With `to`: only contracts signed on these days (both included), the
    /// day every dashboard and report figure counts a contract on.
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    /// Only records of these owners, comma-separated ids.
    pub owner_ids: Option<String>,
    /// Only records in this currency (ISO code, `USD`), as a dashboard
    /// figure in it sums them.
    pub currency: Option<String>,
    /// Any column the list shows (`number`, `name`, `customer_id`,
    /// `signed_on`, `amount`, `outstanding`, `status`, `owner_id`, ...) or a
    /// custom field (`custom.<key>`); `-` first for descending
    /// (`-amount`). A choice sorts by the name it shows. Ties break on the
    /// id and empty values come last. Newest first when left out.
    pub sort: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50); a number outside the range is refused (422, `limit_out_of_range`).
    pub limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/contracts", tag = "contracts", params(ContractParams),
    responses((status = 200, body = TotalledPage<ContractRow>), (status = 422, body = Problem)))]
pub async fn list_contracts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<ContractParams>,
) -> Response {
    let page = match sorted_page_of(
        p.cursor.as_deref(),
        p.sort.as_deref(),
        p.limit,
        lang,
        &caller.request_id,
    ) {
        Ok(page) => page,
        Err(error) => return error.into_response(),
    };
    let query = ContractListQuery {
        search: p.q,
        status: p.status,
        customer_id: p.customer_id,
        view: p.view,
        ending_within_days: p.ending_within_days,
        drill: kuijing_service::dashboard::Drill {
            currency: p.currency.clone(),
            ..super::dashboard::drill_of(p.from, p.to, p.owner_ids.as_deref())
        },
    };
    let result = state
        .app
        .list_contracts_sorted(&caller, &query, p.sort.as_deref(), page)
        .await;
    respond(result.map(TotalledPage::new), &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/contracts", tag = "contracts", request_body = ContractInput,
    description = "A contract starts as a draft. Left without a number it takes the next one of the numbering rule; left without an amount, the amount follows the product lines.",
    responses((status = 201, body = ContractDetail), (status = 422, body = Problem)))]
pub async fn create_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    AllFields(body): AllFields<ContractInput>,
) -> Response {
    respond_created(
        first_per_field(state.app.create_contract(&caller, body).await),
        &caller,
        lang,
    )
}

#[utoipa::path(get, path = "/api/v1/contracts/{id}", tag = "contracts",
    description = "Readable in the caller's data scope, by team members, and by anyone its approval waits for.",
    responses((status = 200, body = ContractDetail), (status = 404, body = Problem)))]
pub async fn get_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(state.app.get_contract(&caller, id).await, &caller, lang)
}

#[utoipa::path(put, path = "/api/v1/contracts/{id}", tag = "contracts", request_body = ContractInput,
    description = "Changes a draft. Fields left out keep their stored values; `null` (or `[]` for a list) clears one. Custom fields sent replace the stored ones key by key; the others are kept. `amount` left out keeps its rule: an amount set by hand stays as it is, one that follows the product lines goes on following them; `null` makes it follow them. `lines` sent replace the stored ones. `version` is the version read; a save on a newer one answers 409 with the stored record as `current` and, as `changes`, each field sent whose stored value is now different (`field`, `label`, `theirs` as stored, `yours` as sent).",
    responses((status = 200, body = ContractDetail), (status = 404, body = Problem), (status = 409, description = "Saved by someone else meanwhile (`stale`), or no longer a draft (`contract_not_editable`)", body = Problem), (status = 422, body = Problem)))]
pub async fn update_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    edit: Edit,
) -> Response {
    let sent = edit.clone();
    let body: ContractInput = match edit
        .fields(&state, &caller, lang, (Kind::Contract, id))
        .await
    {
        Ok(body) => body,
        Err(response) => return response,
    };
    match first_per_field(state.app.update_contract(&caller, id, body).await) {
        Err(error @ ServiceError::Changed { .. }) => {
            stale(&state, &caller, lang, (Kind::Contract, id), &sent, error).await
        }
        result => respond(result, &caller, lang),
    }
}

#[utoipa::path(delete, path = "/api/v1/contracts/{id}", tag = "contracts",
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem), (status = 409, description = "Submitted, or has payments (`contract_not_deletable`)", body = Problem)))]
pub async fn delete_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond_done(state.app.delete_contract(&caller, id).await, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/contracts/{id}/submit", tag = "contracts", request_body = SubmitInput,
    description = "Puts a draft, rejected or withdrawn contract into the contract approval flow; with no active flow it is approved at once. The body may be left out when the flow leaves no approver to choose.",
    responses((status = 200, body = ContractDetail), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn submit_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    BodyOrDefault(body): BodyOrDefault<SubmitInput>,
) -> Response {
    respond(
        state.app.submit_contract(&caller, id, &body).await,
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/contracts/{id}/void", tag = "contracts", request_body = VoidInput,
    description = "Voids an approved contract, with a reason (`reason`, up to 500 characters) that the change log keeps and the contract shows as `void_reason`.",
    responses((status = 200, body = ContractDetail), (status = 404, body = Problem), (status = 409, description = "Not approved (`contract_not_approved`), or money was received (`contract_has_payments`)", body = Problem), (status = 422, description = "No reason given (`reason`: `required`), or one too long", body = Problem)))]
pub async fn void_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    BodyOrDefault(body): BodyOrDefault<VoidInput>,
) -> Response {
    respond(
        state.app.void_contract(&caller, id, &body).await,
        &caller,
        lang,
    )
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractTransferInput {
    #[serde(default)]
    pub ids: Vec<i64>,
    /// Every contract that matches this filter and that the caller may
    /// change, instead of `ids`.
    pub matching: Option<ContractMatch>,
    pub owner_id: i64,
    /// `read` or `write` keeps the former owner in the team; left out, not.
    pub keep_former_owner: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/contracts/transfer", tag = "contracts", request_body = ContractTransferInput,
    responses((status = 200, body = Affected), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn transfer_contracts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<ContractTransferInput>,
) -> Response {
    let result = state
        .app
        .transfer_contracts(
            &caller,
            &ContractBatch {
                ids: body.ids,
                matching: body.matching,
            },
            body.owner_id,
            body.keep_former_owner.as_deref(),
        )
        .await
        .map(|count| Affected { count });
    respond(result, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/contracts/delete", tag = "contracts", request_body = ContractBatch,
    description = "Deletes the contracts of `ids`, or every contract that matches `matching` and that the caller may change; all or none: one that is no longer a draft or has payments refuses the batch (`contract_not_deletable`).",
    responses((status = 200, body = Affected), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn delete_contracts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<ContractBatch>,
) -> Response {
    let result = state
        .app
        .delete_contracts(&caller, &body)
        .await
        .map(|count| Affected { count });
    respond(result, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/contracts/{id}/plans", tag = "contracts", request_body = PlanInput,
    description = "Adds an instalment, numbered after the last one. The instalments together may not plan more than the contract's amount.",
    responses((status = 201, description = "Every instalment of the contract", body = Vec<Plan>), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_payment_plan(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    AllFields(body): AllFields<PlanInput>,
) -> Response {
    let result = first_per_field(state.app.add_payment_plan(&caller, id, &body).await);
    respond_created_in("payment", result, &caller, lang)
}

#[utoipa::path(delete, path = "/api/v1/contracts/{id}/plans/{plan_id}", tag = "contracts",
    params(("id" = i64, Path, description = "The contract"), ("plan_id" = i64, Path, description = "The instalment")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem), (status = 409, description = "Money was received against it (`plan_has_payments`)", body = Problem)))]
pub async fn delete_payment_plan(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Ids(contract, plan): Ids,
) -> Response {
    let result = state.app.delete_payment_plan(&caller, contract, plan).await;
    respond_done(result, &caller, lang)
}

#[utoipa::path(put, path = "/api/v1/contracts/{id}/plans/{plan_id}", tag = "contracts", request_body = PlanInput,
    params(("id" = i64, Path, description = "The contract"), ("plan_id" = i64, Path, description = "The instalment")),
    description = "Changes an instalment. It may not fall below what it already received, nor take the plan past the contract's amount; its status and number follow from the change.",
    responses((status = 200, description = "Every instalment of the contract", body = Vec<Plan>), (status = 404, body = Problem), (status = 409, description = "The contract is void (`contract_void`)", body = Problem), (status = 422, body = Problem)))]
pub async fn update_payment_plan(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Ids(contract, plan): Ids,
    AllFields(body): AllFields<PlanInput>,
) -> Response {
    let result = state
        .app
        .update_payment_plan(&caller, (contract, plan), &body)
        .await;
    let result = first_per_field(result);
    respond_in("payment", result, &caller, lang)
}
