//! `/api/v1/approvals`: approval flows (審批流), the approvals waiting for
//! the caller or submitted by them, the actions on one, and the figures.

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kuijing_service::ListPage;
use kuijing_service::approvals::{
    ApprovalActionInput, ApprovalItem, ApprovalView, Flow, FlowInput, KindStats, SavedFlow,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Body, page_of, respond, respond_created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[utoipa::path(get, path = "/api/v1/approvals/flows", tag = "approvals",
    responses((status = 200, body = Vec<Flow>), (status = 403, body = Problem)))]
pub async fn list_flows(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
) -> Response {
    respond(state.app.approval_flows(&caller).await, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/approvals/flows", tag = "approvals", request_body = FlowInput,
    description = "The active flow of a kind is the one records of that kind are submitted into. One flow of a kind is active at a time: saving an active flow switches the others of its kind off, and the answer names them in `switched_off` (a flow's steps carry conditions for the cases it must tell apart).",
    responses((status = 201, body = SavedFlow), (status = 403, body = Problem), (status = 422, description = "A step's problems are named `definition.steps.<n>`", body = Problem)))]
pub async fn create_flow(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<FlowInput>,
) -> Response {
    let steps = step_names(&body);
    let result = state.app.create_approval_flow(&caller, body).await;
    respond_created(
        result.map_err(|error| crate::error::name_flow_fields(error, &steps, lang)),
        &caller,
        lang,
    )
}

#[utoipa::path(put, path = "/api/v1/approvals/flows/{id}", tag = "approvals", request_body = FlowInput,
    description = "Approvals already under way keep the plan they were given. Saving an active flow switches the other flows of its kind off; the answer names them in `switched_off`.",
    responses((status = 200, body = SavedFlow), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_flow(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<FlowInput>,
) -> Response {
    let steps = step_names(&body);
    let result = state.app.update_approval_flow(&caller, id, body).await;
    respond(
        result.map_err(|error| crate::error::name_flow_fields(error, &steps, lang)),
        &caller,
        lang,
    )
}

/// The names of a flow's steps, to name a step's problems by.
fn step_names(body: &FlowInput) -> Vec<String> {
    body.definition
        .steps
        .iter()
        .map(|step| step.name.clone())
        .collect()
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApprovalPageParams {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50); a number outside the range is refused (422, `limit_out_of_range`).
    pub limit: Option<u64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WaitingParams {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50); a number outside the range is refused (422, `limit_out_of_range`).
    pub limit: Option<u64>,
    /// The approvals waiting for this user rather than for the caller
    /// (needs `approval.manage` for anyone else): to hand over the seats
    /// of someone disabled or away, each with `hand_over` and `from`.
    pub approver_id: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/approvals/waiting", tag = "approvals", params(WaitingParams),
    responses((status = 200, description = "Approvals waiting for the caller's decision (or `approver_id`'s), newest first", body = ListPage<ApprovalItem>),
        (status = 403, body = Problem), (status = 422, description = "`approver_id` is no user", body = Problem)))]
pub async fn approvals_waiting(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<WaitingParams>,
) -> Response {
    let page = match page_of(p.cursor, p.limit, lang, &caller.request_id) {
        Ok(page) => page,
        Err(error) => return error.into_response(),
    };
    respond(
        state
            .app
            .approvals_waiting(&caller, p.approver_id, page)
            .await,
        &caller,
        lang,
    )
}

#[utoipa::path(get, path = "/api/v1/approvals/submitted", tag = "approvals", params(ApprovalPageParams),
    responses((status = 200, description = "Approvals the caller submitted, newest first", body = ListPage<ApprovalItem>)))]
pub async fn approvals_submitted(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<ApprovalPageParams>,
) -> Response {
    let page = match page_of(p.cursor, p.limit, lang, &caller.request_id) {
        Ok(page) => page,
        Err(error) => return error.into_response(),
    };
    respond(
        state.app.approvals_submitted(&caller, page).await,
        &caller,
        lang,
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingCount {
    pub count: i64,
}

#[utoipa::path(get, path = "/api/v1/approvals/waiting/count", tag = "approvals",
    responses((status = 200, description = "How many approvals wait for the caller", body = WaitingCount)))]
pub async fn approvals_waiting_count(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
) -> Response {
    let result = state
        .app
        .approvals_waiting_count(&caller)
        .await
        .map(|count| WaitingCount { count });
    respond(result, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/approvals/{id}/actions", tag = "approvals", request_body = ApprovalActionInput,
    description = "`approve`, `reject` (with a `comment`) or `hand_over` (`to` a user) by someone the approval waits for; `withdraw` by the submitter. With `approval.manage`, `hand_over` with `from` passes the seat of anyone the approval waits for (a disabled user, say) to `to`. A record is submitted again through its own `submit`.",
    responses((status = 200, body = ApprovalView), (status = 404, description = "No such approval, or the caller is neither its submitter nor one it waits for", body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn act_on_approval(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<ApprovalActionInput>,
) -> Response {
    respond(
        state.app.act_on_approval(&caller, id, &body).await,
        &caller,
        lang,
    )
}

#[utoipa::path(get, path = "/api/v1/approvals/stats", tag = "approvals",
    description = "Needs `approval.manage` (every approval) or `report.view` (the approvals the approvals report counts for the caller: those submitted by the people whose contracts they see, and those they held a seat on). Records approved on submit with no active flow count only in `approved_without_flow`: the pass rate is of approvals decided by people.",
    responses((status = 200, description = "Per kind: approvals, the pass rate and the average time a step takes", body = Vec<KindStats>), (status = 403, description = "Neither `approval.manage` nor `report.view`", body = Problem)))]
pub async fn approval_stats(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
) -> Response {
    respond(state.app.approval_stats(&caller).await, &caller, lang)
}
