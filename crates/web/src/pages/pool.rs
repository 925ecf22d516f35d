//! The public pool page: customers waiting for an owner, to claim or assign,
//! and releasing a customer from its record page.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::customers::{CustomerListQuery, CustomerView};
use kuijing_service::pools::{AssignInput, ClaimInput, PoolView, ReleaseInput};
use kuijing_service::users::UserView;
use kuijing_service::{Caller, ListPage, ServiceError};
use serde::Deserialize;

use super::forms::{FormErrors, done, error_page, optional_number, optional_text};
use super::{Shell, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "pool.html")]
struct PoolPage {
    shell: Shell,
    pool: PoolView,
    list: ListPage<CustomerView>,
    q: String,
    can_claim: bool,
    can_assign: bool,
    people: Vec<UserView>,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
pub struct PoolQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    cursor: String,
    done: Option<String>,
}

async fn page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    query: &PoolQuery,
    errors: FormErrors,
) -> Result<PoolPage, ServiceError> {
    let pool = state
        .app
        .list_pools(caller)
        .await?
        .into_iter()
        .next()
        .ok_or(ServiceError::NotFound)?;
    let list_query = CustomerListQuery {
        search: optional_text(&query.q),
        cursor: optional_text(&query.cursor),
        limit: Some(50),
        ..CustomerListQuery::default()
    };
    let list = state
        .app
        .list_pool_customers(caller, pool.id, &list_query)
        .await?;
    let can_assign = caller.can(Permission::new(Kind::Pool, Action::Assign));
    let people = if can_assign {
        state.app.pick_users(caller, None).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut shell =
        Shell::new(state, caller, lang, "/pool", "pool.title").with_notice(query.done.as_deref());
    shell.title = pool.name.clone();
    Ok(PoolPage {
        shell,
        pool,
        list,
        q: query.q.clone(),
        can_claim: caller.can(Permission::new(Kind::Pool, Action::Claim)),
        can_assign,
        people,
        errors,
    })
}

pub async fn show_pool(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<PoolQuery>,
) -> Response {
    match page(&state, &caller, lang, &query, FormErrors::default()).await {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => error_page(error, &caller, lang),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PoolForm {
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    pool_id: String,
}

impl PoolForm {
    fn ids(&self) -> Vec<i64> {
        self.ids.iter().filter_map(|i| optional_number(i)).collect()
    }
}

async fn answer(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    result: Result<(), ServiceError>,
    what: &str,
) -> Response {
    match result {
        Ok(()) => done("/pool", what),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => match page(state, caller, lang, &PoolQuery::default(), errors).await {
                Ok(page) => render(&page, super::forms::status_of(&error)),
                Err(error) => error_page(error, caller, lang),
            },
            None => error_page(error, caller, lang),
        },
    }
}

pub async fn claim(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<PoolForm>,
) -> Response {
    let pool = optional_number(&form.pool_id).unwrap_or(-1);
    let result = state
        .app
        .claim_from_pool(&caller, pool, ClaimInput { ids: form.ids() })
        .await
        .map(|_| ());
    answer(&state, &caller, lang, result, "claimed").await
}

pub async fn assign(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<PoolForm>,
) -> Response {
    let pool = optional_number(&form.pool_id).unwrap_or(-1);
    let input = AssignInput {
        ids: form.ids(),
        user_id: optional_number(&form.user_id).unwrap_or(-1),
    };
    let result = state
        .app
        .assign_from_pool(&caller, pool, input)
        .await
        .map(|_| ());
    answer(&state, &caller, lang, result, "assigned").await
}

#[derive(Debug, Default, Deserialize)]
pub struct ReleaseForm {
    #[serde(default)]
    reason: String,
}

/// Puts one customer back into the pool from its record page.
pub async fn release(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    axum::Form(form): axum::Form<ReleaseForm>,
) -> Response {
    let input = ReleaseInput {
        ids: vec![id],
        pool_id: None,
        reason: form.reason,
    };
    match state.app.release_to_pool(&caller, input).await {
        Ok(_) => done("/customers", "released"),
        Err(error) => error_page(error, &caller, lang),
    }
}
