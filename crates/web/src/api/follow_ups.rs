//! `/api/v1/follow-ups`: follow-ups across records in the caller's scope,
//! narrowed to a dashboard figure's days and authors.

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use kuijing_service::follow_ups::FollowUpRow;
use kuijing_service::{ListPage, PageRequest};
use serde::Deserialize;
use utoipa::IntoParams;

use super::respond;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::extract::Params;
use crate::i18n::Lang;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowUpParams {
    /// With `to`: only follow-ups of these days (both included, in the
    /// company's time zone).
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    /// Only follow-ups by these authors, comma-separated ids.
    pub owner_ids: Option<String>,
    pub cursor: Option<i64>,
    pub limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/follow-ups", tag = "dashboard", params(FollowUpParams),
    description = "Follow-ups the caller's scope sees (by author), the last written first: what the dashboard's follow-up figure counts.",
    responses((status = 200, body = ListPage<FollowUpRow>), (status = 403, body = Problem)))]
pub async fn list_follow_ups(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<FollowUpParams>,
) -> Response {
    let drill = super::dashboard::drill_of(p.from, p.to, p.owner_ids.as_deref());
    let page = PageRequest {
        cursor: p.cursor,
        limit: p.limit,
        anchor: None,
    };
    respond(
        state.app.list_follow_ups(&caller, &drill, page).await,
        &caller,
        lang,
    )
}
