//! `/api/v1/pools`: the public pools the caller sees, their settings, their
//! customers, and releasing customers into one.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use kuijing_service::ListPage;
use kuijing_service::customers::CustomerView;
use kuijing_service::edits::keep_absent;
use kuijing_service::pools::{
    AssignInput, ClaimInput, ClaimResult, MoveInput, MoveResult, PoolInput, PoolView, ReleaseInput,
};
use kuijing_service::recycling::DueCustomer;
use serde_json::Value;

use super::customers::{Affected, CustomerParams};
use super::edits::Edit;
use super::{Body, body_error, respond, respond_created_in, respond_done, respond_in};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[utoipa::path(get, path = "/api/v1/pools", tag = "pools",
    responses((status = 200, description = "The pools the caller belongs to or administers (every pool for a super administrator)", body = Vec<PoolView>)))]
pub async fn list_pools(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
) -> Response {
    respond(state.app.list_pools(&caller).await, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/pools", tag = "pools", request_body = PoolInput,
    responses((status = 201, body = PoolView), (status = 422, body = Problem)))]
pub async fn create_pool(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<PoolInput>,
) -> Response {
    let result = state.app.create_pool(&caller, body).await;
    respond_created_in("pool", result, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/pools/{id}", tag = "pools",
    responses((status = 200, body = PoolView), (status = 404, body = Problem)))]
pub async fn get_pool(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(state.app.get_pool(&caller, id).await, &caller, lang)
}

#[utoipa::path(patch, path = "/api/v1/pools/{id}", tag = "pools", request_body = PoolInput,
    description = "Fields left out keep their stored values. `rules` changes only the rule keys it sends, within `limits` too (`{\"rules\": {\"limits\": {\"per_day\": 5}}}` leaves the weekly and monthly limits and every other rule as they are); `null` clears a limit; `role_limits` and `recycle`, when sent, replace the stored lists. A limit over a shorter span above one over a longer span (a day's above the week's) is refused (`limit_above_wider`).",
    responses((status = 200, body = PoolView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_pool(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Edit(mut body): Edit,
) -> Response {
    // The rule keys left out keep their stored values.
    if let Some(sent @ Value::Object(_)) = body.get_mut("rules") {
        let stored = match state.app.get_pool(&caller, id).await {
            Ok(pool) => serde_json::to_value(&pool.rules).unwrap_or_default(),
            Err(error) => return respond::<()>(Err(error), &caller, lang),
        };
        *sent = keep_absent(stored, sent.take());
    }
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let input: PoolInput = match Json::<PoolInput>::from_bytes(&bytes) {
        Ok(Json(input)) => input,
        Err(rejection) => {
            return body_error(rejection, lang, &caller.request_id).into_response();
        }
    };
    let result = state.app.update_pool(&caller, id, input).await;
    respond_in("pool", result, &caller, lang)
}

#[utoipa::path(delete, path = "/api/v1/pools/{id}", tag = "pools",
    responses((status = 204), (status = 409, description = "Customers still wait in the pool, or it is the last one", body = Problem)))]
pub async fn delete_pool(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond_done(state.app.delete_pool(&caller, id).await, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/pools/{id}/customers", tag = "pools", params(CustomerParams),
    responses((status = 200, body = ListPage<CustomerView>), (status = 404, body = Problem)))]
pub async fn list_pool_customers(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Params(params): Params<CustomerParams>,
) -> Response {
    let result = match params.into_query() {
        Ok(query) => state.app.list_pool_customers(&caller, id, &query).await,
        Err(error) => Err(error),
    };
    respond(result, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/pools/{id}/claim", tag = "pools", request_body = ClaimInput,
    responses((status = 200, body = ClaimResult), (status = 409, description = "Taken by someone else, or over the claim limit", body = Problem)))]
pub async fn claim_from_pool(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<ClaimInput>,
) -> Response {
    respond(
        state.app.claim_from_pool(&caller, id, body).await,
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/pools/{id}/assign", tag = "pools", request_body = AssignInput,
    responses((status = 200, body = ClaimResult), (status = 422, body = Problem)))]
pub async fn assign_from_pool(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<AssignInput>,
) -> Response {
    let result = state.app.assign_from_pool(&caller, id, body).await;
    respond_in("pool", result, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/pools/{id}/move", tag = "pools", request_body = MoveInput,
    responses((status = 200, description = "`moved` lists the customers moved; `not_in_pool` those not waiting in this pool (no such customer, owned, or in another pool)", body = MoveResult), (status = 422, body = Problem)))]
pub async fn move_between_pools(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<MoveInput>,
) -> Response {
    let result = state.app.move_between_pools(&caller, id, body).await;
    respond_in("pool", result, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/pools/recycling", tag = "pools",
    responses((status = 200, description = "The caller's customers that go back to a pool soon", body = Vec<DueCustomer>)))]
pub async fn recycling_soon(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
) -> Response {
    respond(state.app.recycling_soon(&caller).await, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/customers/release", tag = "pools", request_body = ReleaseInput,
    responses((status = 200, body = Affected), (status = 422, body = Problem)))]
pub async fn release_to_pool(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<ReleaseInput>,
) -> Response {
    let result = state
        .app
        .release_to_pool(&caller, body)
        .await
        .map(|count| Affected { count });
    respond_in("pool", result, &caller, lang)
}
