//! `/api/v1/number-rules`: how contracts and payments are numbered.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use kuijing_domain::sales::NumberRule;
use kuijing_service::numbering::NumberRuleView;

use super::{Body, respond};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::i18n::Lang;

#[utoipa::path(get, path = "/api/v1/number-rules", tag = "settings",
    responses((status = 200, description = "The rule of each numbered kind, with the number it gives today", body = Vec<NumberRuleView>),
        (status = 403, body = Problem)))]
pub async fn list_number_rules(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
) -> Response {
    respond(state.app.number_rules(&caller).await, &caller, lang)
}

#[utoipa::path(put, path = "/api/v1/number-rules/{kind}", tag = "settings", request_body = NumberRule,
    params(("kind" = String, Path, description = "`contract` or `payment`")),
    description = "Numbers already given stay; numbers typed by hand are passed over when the rule reaches them. A sequence may not start again more often than its date part changes (`reset_finer_than_date`).",
    responses((status = 200, body = NumberRuleView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_number_rule(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Path(kind): Path<String>,
    Body(body): Body<NumberRule>,
) -> Response {
    respond(
        state.app.set_number_rule(&caller, &kind, body).await,
        &caller,
        lang,
    )
}
