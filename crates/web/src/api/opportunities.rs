//! `/api/v1/opportunities`: the list, the board, stage changes one by one or
//! in bulk, transfer and follow-ups.

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kuijing_domain::Kind;
use kuijing_service::ServiceError;
use kuijing_service::customers::FollowUpInput;
use kuijing_service::opportunities::{
    Board, BulkMoveInput, FollowUp, MoveInput, Opportunity, OpportunityBatch, OpportunityDetail,
    OpportunityInput, OpportunityListQuery, OpportunityRow, OpportunityTransferInput,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::all_fields::{AllFields, first_per_field};
use super::customers::Affected;
use super::edits::{Edit, stale};
use super::{Body, respond, respond_created_in, respond_done, respond_in, sorted_page_of};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

/// Invalid fields are named as an opportunity's form names them.
const KIND: &str = "opportunity";

/// Cards per column of the board when the client does not say.
const BOARD_CARDS: u64 = 20;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpportunityParams {
    /// Text found in the name or the customer's name.
    pub q: Option<String>,
    pub pipeline_id: Option<i64>,
    pub stage_id: Option<i64>,
    /// `open`, `won`, `lost`, `invalid`, or `all` (the default).
    pub outcome: Option<String>,
    pub customer_id: Option<i64>,
    /// `mine` for the caller's own; everything in scope when left out.
    pub view: Option<String>,
    /// Any column the list shows (`name`, `customer_id`, `stage_id`,
    /// `amount`, `expected_close_on`, `owner_id`, `updated_at`, ...) or a
    /// custom field (`custom.<key>`); `-` first for descending (`-amount`).
    /// Ties break on the id and empty values come last. Newest first when
    /// left out.
    pub sort: Option<String>,
    /// With `to`: only records of these days (both included; created,
    /// approved or received, as the dashboard's figure counts them).
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    /// Only records of these owners, comma-separated ids.
    pub owner_ids: Option<String>,
    /// Only records in this currency (ISO code, `USD`), as a dashboard
    /// figure in it sums them.
    pub currency: Option<String>,
    /// `true`: `from` and `to` are the days the opportunities were won or
    /// lost on (the dashboard funnel's figures), not created on.
    pub closed: Option<bool>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50); a number outside the range is refused (422, `limit_out_of_range`).
    pub limit: Option<u64>,
}

impl OpportunityParams {
    fn query(&self) -> OpportunityListQuery {
        OpportunityListQuery {
            search: self.q.clone(),
            pipeline_id: self.pipeline_id,
            stage_id: self.stage_id,
            outcome: self.outcome.clone(),
            customer_id: self.customer_id,
            view: self.view.clone(),
            sort: self.sort.clone(),
            drill: kuijing_service::dashboard::Drill {
                closed: self.closed.unwrap_or(false),
                currency: self.currency.clone(),
                ..super::dashboard::drill_of(self.from, self.to, self.owner_ids.as_deref())
            },
        }
    }
}

/// A page of opportunities with the count and amount of every one that
/// matches, per currency.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct OpportunityPage {
    pub items: Vec<OpportunityRow>,
    pub total: i64,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Count and amount per currency, in minor units.
    pub totals: Vec<kuijing_service::opportunities::AmountTotal>,
}

#[utoipa::path(get, path = "/api/v1/opportunities", tag = "opportunities", params(OpportunityParams),
    responses((status = 200, body = OpportunityPage), (status = 422, body = Problem)))]
pub async fn list_opportunities(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<OpportunityParams>,
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
    let result = state
        .app
        .list_opportunities_totalled(&caller, &p.query(), page)
        .await
        .map(|(page, totals)| OpportunityPage {
            items: page.items,
            total: page.total,
            next_cursor: page.next_cursor,
            totals,
        });
    respond(result, &caller, lang)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardParams {
    /// The default pipeline (the first the caller may use) when left out.
    pub pipeline_id: Option<i64>,
    pub q: Option<String>,
    pub customer_id: Option<i64>,
    /// `mine` for the caller's own.
    pub view: Option<String>,
    /// Cards per stage, 1 to 100 (default 20); counts and amounts cover all.
    pub per_stage: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/opportunities/board", tag = "opportunities", params(BoardParams),
    responses((status = 200, description = "Each stage with the count and the amount per currency of its open opportunities", body = Board), (status = 404, body = Problem)))]
pub async fn opportunity_board(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<BoardParams>,
) -> Response {
    let query = OpportunityListQuery {
        search: p.q,
        customer_id: p.customer_id,
        view: p.view,
        ..OpportunityListQuery::default()
    };
    let cards = p.per_stage.unwrap_or(BOARD_CARDS).clamp(1, 100);
    let result = state
        .app
        .opportunity_board(&caller, p.pipeline_id, &query, cards)
        .await;
    respond(result, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/opportunities", tag = "opportunities", request_body = OpportunityInput,
    description = "Left without a pipeline, the opportunity goes into the default one; without a stage, into its first stage. Left without an amount, the amount follows the product lines.",
    responses((status = 201, body = OpportunityDetail), (status = 422, body = Problem)))]
pub async fn create_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    AllFields(body): AllFields<OpportunityInput>,
) -> Response {
    let result = state.app.create_opportunity_via(&caller, body, "api").await;
    let result = first_per_field(result);
    respond_created_in(KIND, result, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/opportunities/{id}", tag = "opportunities",
    responses((status = 200, body = OpportunityDetail), (status = 404, body = Problem)))]
pub async fn get_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(state.app.get_opportunity(&caller, id).await, &caller, lang)
}

#[utoipa::path(put, path = "/api/v1/opportunities/{id}", tag = "opportunities", request_body = OpportunityInput,
    description = "Changes everything but the stage and the outcome, which change through `POST /api/v1/opportunities/{id}/stage`: `pipeline_id` and `stage_id` are read only after create; sent equal to the stored values they are accepted, sent with other values they are refused (422: `pipeline_fixed` on `pipeline_id`, which no action changes; `stage_through_stage_action` on `stage_id`). A PUT that changes nothing answers the stored record with its `version` unchanged. Fields left out keep their stored values; `null` (or `[]` for a list) clears one. Custom fields sent replace the stored ones key by key; the others are kept. `amount` left out keeps its rule: an amount set by hand stays as it is, one that follows the product lines goes on following them; `null` makes it follow them. `contact_ids` and `lines` sent replace the stored ones. `version` is the version read; a save on a newer one answers 409 with the stored record as `current` and, as `changes`, each field sent whose stored value is now different (`field`, `label`, `theirs` as stored, `yours` as sent).",
    responses((status = 200, body = OpportunityDetail), (status = 404, body = Problem), (status = 409, description = "Saved by someone else meanwhile; `current` is the stored record", body = Problem), (status = 422, body = Problem)))]
pub async fn update_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    edit: Edit,
) -> Response {
    let sent = edit.clone();
    let body: OpportunityInput = match edit
        .fields(&state, &caller, lang, (Kind::Opportunity, id))
        .await
    {
        Ok(body) => body,
        Err(response) => return response,
    };
    match first_per_field(state.app.update_opportunity(&caller, id, body).await) {
        Err(error @ ServiceError::Changed { .. }) => {
            stale(&state, &caller, lang, (Kind::Opportunity, id), &sent, error).await
        }
        result => respond_in(KIND, result, &caller, lang),
    }
}

#[utoipa::path(delete, path = "/api/v1/opportunities/{id}", tag = "opportunities",
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem), (status = 409, description = "Contracts were made from it (`opportunity_has_contracts`)", body = Problem)))]
pub async fn delete_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond_done(
        state.app.delete_opportunity(&caller, id).await,
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/opportunities/delete", tag = "opportunities", request_body = OpportunityBatch,
    description = "Deletes the opportunities of `ids`, or every opportunity that matches `matching` and that the caller may change; all or none: one with contracts refuses the batch (`opportunity_has_contracts`).",
    responses((status = 200, body = Affected), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn delete_opportunities(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<OpportunityBatch>,
) -> Response {
    let result = state
        .app
        .delete_opportunities(&caller, &body)
        .await
        .map(|count| Affected { count });
    respond(result, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/opportunities/{id}/stage", tag = "opportunities", request_body = MoveInput,
    description = "Moves to a stage of the same pipeline, or sets the outcome (`won`, `lost` with a `reason`, `invalid`, or `open` to reopen, optionally with a `stage_id` to reopen into). `stage_id` with `won`, `lost` or `invalid` is refused (422 `stage_with_outcome` on both fields): move the stage first, then close. The move is kept in the stage history with who made it, from where, to where, and `via` = `api`.",
    responses((status = 200, body = Opportunity), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, description = "`unknown_stage`, `closed`, `already_open`, `unchanged`, `stage_with_outcome`, or `reason` required", body = Problem)))]
pub async fn move_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<MoveInput>,
) -> Response {
    let result = state.app.move_opportunity(&caller, id, &body, "api").await;
    respond_in(KIND, result, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/opportunities/stage", tag = "opportunities", request_body = BulkMoveInput,
    description = "The same stage change on every opportunity of `ids`, all or none.",
    responses((status = 200, body = Affected), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn move_opportunities(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<BulkMoveInput>,
) -> Response {
    let result = state
        .app
        .move_opportunities(&caller, &body)
        .await
        .map(|count| Affected { count });
    respond_in(KIND, result, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/opportunities/transfer", tag = "opportunities", request_body = OpportunityTransferInput,
    responses((status = 200, body = Affected), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn transfer_opportunities(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<OpportunityTransferInput>,
) -> Response {
    let result = state
        .app
        .transfer_opportunities(&caller, &body)
        .await
        .map(|count| Affected { count });
    respond(result, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/opportunities/{id}/follow-ups", tag = "opportunities", request_body = FollowUpInput,
    responses((status = 201, body = FollowUp), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_opportunity_follow_up(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<FollowUpInput>,
) -> Response {
    let result = state
        .app
        .add_opportunity_follow_up(&caller, id, body, Vec::new())
        .await;
    respond_created_in("follow_up", result, &caller, lang)
}
