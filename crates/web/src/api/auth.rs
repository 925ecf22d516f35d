//! Signing in for API clients: a bearer token for a phone and password.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use kuijing_service::SessionKind;
use kuijing_service::users::UserView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Body, respond};
use crate::AppState;
use crate::auth::{ApiUser, Context};
use crate::error::{ApiError, Problem};
use crate::i18n::Lang;

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub phone: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub user: Me,
}

/// The signed-in user with what they may do.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    #[serde(flatten)]
    pub user: kuijing_domain::User,
    pub roles: Vec<String>,
    pub super_admin: bool,
    pub permissions: Vec<String>,
}

impl Me {
    fn of(caller: &kuijing_service::Caller) -> Self {
        let permissions = if caller.actor.super_admin {
            kuijing_domain::Permission::all()
                .map(|p| p.to_string())
                .collect()
        } else {
            caller
                .actor
                .permissions
                .iter()
                .map(|p| p.to_string())
                .collect()
        };
        Me {
            user: caller.user.clone(),
            roles: caller.role_names.clone(),
            super_admin: caller.actor.super_admin,
            permissions,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, description = "Wrong phone or password", body = Problem),
        (status = 429, description = "Too many failed attempts", body = Problem),
    ))]
pub async fn login(
    State(state): State<AppState>,
    context: Context,
    Body(body): Body<LoginRequest>,
) -> Response {
    match state
        .app
        .sign_in(
            &body.phone,
            &body.password,
            SessionKind::Token,
            &context.request_id,
        )
        .await
    {
        Ok(signed) => Json(LoginResponse {
            token: signed.secret,
            user: Me::of(&signed.caller),
        })
        .into_response(),
        Err(error) => {
            ApiError::from_service(error, context.lang, &context.request_id).into_response()
        }
    }
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "The token or session has ended")))]
pub async fn logout(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
) -> Response {
    match state.app.sign_out(&caller).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => ApiError::from_service(error, lang, &caller.request_id).into_response(),
    }
}

#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", responses((status = 200, body = Me)))]
pub async fn me(ApiUser(caller): ApiUser) -> Json<Me> {
    Json(Me::of(&caller))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = PasswordChange,
    responses((status = 204, description = "Changed; other sessions have ended"), (status = 422, body = Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<PasswordChange>,
) -> Response {
    match state
        .app
        .change_own_password(&caller, &body.current_password, &body.new_password)
        .await
    {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => respond::<UserView>(Err(error), &caller, lang),
    }
}
