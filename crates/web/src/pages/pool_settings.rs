//! The pools' settings pages: the pools an administrator manages, a new
//! pool, and one pool's members, administrators and rules.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kuijing_service::pool_settings::PoolChoices;
use kuijing_service::pools::{Named, PoolInput, PoolView};
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::forms::{FormErrors, error_page, status_of};
use super::pool_draft::{Draft, SettingsForm};
use super::{Shell, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "pool_settings.html")]
struct PoolsPage {
    shell: Shell,
    pools: Vec<PoolView>,
    new_name: String,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "pool_settings_edit.html")]
struct PoolPage {
    shell: Shell,
    pool: PoolView,
    draft: Draft,
    choices: PoolChoices,
    /// Messages by field, by `role.<id>` and by `recycle.<row>`.
    errors: HashMap<String, String>,
    form_error: Option<String>,
    kinds: [&'static str; 3],
}

impl PoolPage {
    fn error(&self, key: &str) -> Option<&String> {
        self.errors.get(key)
    }

    fn row_error(&self, prefix: &str, id: &impl std::fmt::Display) -> Option<&String> {
        self.errors.get(&format!("{prefix}.{id}"))
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// Confirmations of these pages, in the pools' own locale section.
const DONE: &[&str] = &["created", "saved", "deleted"];

fn shell(state: &AppState, caller: &Caller, lang: Lang, done: Option<&str>) -> Shell {
    let mut shell = Shell::new(
        state,
        caller,
        lang,
        "/settings/pools",
        "pools.settings.title",
    );
    if let Some(done) = done.filter(|d| DONE.contains(d)) {
        shell.notice = Some(lang.t(&format!("pools.done.{done}")));
    }
    shell
}

pub async fn list(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<DoneQuery>,
) -> Response {
    match state.app.managed_pools(&caller).await {
        Ok(pools) => render(
            &PoolsPage {
                shell: shell(&state, &caller, lang, query.done.as_deref()),
                pools,
                new_name: String::new(),
                errors: FormErrors::default(),
            },
            StatusCode::OK,
        ),
        Err(error) => error_page(error, &caller, lang),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NewPoolForm {
    #[serde(default)]
    name: String,
}

/// Creates a pool with a name; its members and rules are set on its page.
pub async fn create(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    axum::Form(form): axum::Form<NewPoolForm>,
) -> Response {
    let input = PoolInput {
        name: Some(form.name.clone()),
        ..PoolInput::default()
    };
    match state.app.create_pool(&caller, input).await {
        Ok(pool) => {
            Redirect::to(&format!("/settings/pools/{}?done=created", pool.id)).into_response()
        }
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => match state.app.managed_pools(&caller).await {
                Ok(pools) => render(
                    &PoolsPage {
                        shell: shell(&state, &caller, lang, None),
                        pools,
                        new_name: form.name,
                        errors,
                    },
                    status_of(&error),
                ),
                Err(error) => error_page(error, &caller, lang),
            },
            None => error_page(error, &caller, lang),
        },
    }
}

/// The page of one pool: a pool the caller sees but does not manage is
/// refused, one they do not see is not found.
async fn pool_page(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<(PoolView, PoolChoices), ServiceError> {
    let pool = state.app.get_pool(caller, id).await?;
    if !pool.can_manage {
        return Err(ServiceError::Forbidden);
    }
    let mut choices = state.app.pool_choices(caller).await?;
    // Members the caller cannot look up stay listed, so saving keeps them.
    keep_listed(&mut choices.users, &pool.member_users);
    keep_listed(&mut choices.users, &pool.administrators);
    keep_listed(&mut choices.departments, &pool.member_departments);
    Ok((pool, choices))
}

fn keep_listed(list: &mut Vec<Named>, members: &[Named]) {
    for member in members {
        if !list.iter().any(|n| n.id == member.id) {
            list.push(member.clone());
        }
    }
}

fn edit_page(
    (state, caller, lang): (&AppState, &Caller, Lang),
    (pool, choices): (PoolView, PoolChoices),
    draft: Draft,
    errors: Option<&ServiceError>,
    done: Option<&str>,
) -> PoolPage {
    let (placed, form_error) = match errors {
        Some(ServiceError::Invalid(found)) => {
            (draft.placed(found, lang), Some(lang.t("problems.invalid")))
        }
        Some(other) => (HashMap::new(), Some(crate::error::message(other, lang))),
        None => (HashMap::new(), None),
    };
    let mut shell = shell(state, caller, lang, done);
    shell.title = pool.name.clone();
    PoolPage {
        shell,
        pool,
        draft,
        choices,
        errors: placed,
        form_error,
        kinds: ["no_follow_up", "no_opportunity", "not_won"],
    }
}

pub async fn show(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Params(query): Params<DoneQuery>,
) -> Response {
    match pool_page(&state, &caller, id).await {
        Ok((pool, choices)) => {
            let draft = Draft::from_view(&pool, &choices);
            let page = edit_page(
                (&state, &caller, lang),
                (pool, choices),
                draft,
                None,
                query.done.as_deref(),
            );
            render(&page, StatusCode::OK)
        }
        Err(error) => error_page(error, &caller, lang),
    }
}

/// Saves the settings; on a refusal the form comes back as typed, with
/// each message beside its field or row.
pub async fn save(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<SettingsForm>,
) -> Response {
    let (pool, choices) = match pool_page(&state, &caller, id).await {
        Ok(found) => found,
        Err(error) => return error_page(error, &caller, lang),
    };
    let draft = Draft::from_form(&form, &choices);
    let result = match draft.input() {
        Ok(input) => state.app.update_pool(&caller, id, input).await,
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    match result {
        Ok(_) => Redirect::to(&format!("/settings/pools/{id}?done=saved")).into_response(),
        Err(error) if FormErrors::from_service(&error, lang).is_some() => {
            let status = status_of(&error);
            let page = edit_page(
                (&state, &caller, lang),
                (pool, choices),
                draft,
                Some(&error),
                None,
            );
            render(&page, status)
        }
        Err(error) => error_page(error, &caller, lang),
    }
}

/// Deletes an empty pool; one that holds customers is shown again with
/// the reason.
pub async fn delete(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    match state.app.delete_pool(&caller, id).await {
        Ok(()) => Redirect::to("/settings/pools?done=deleted").into_response(),
        Err(error @ ServiceError::Refused { .. }) => match pool_page(&state, &caller, id).await {
            Ok((pool, choices)) => {
                let draft = Draft::from_view(&pool, &choices);
                let page = edit_page(
                    (&state, &caller, lang),
                    (pool, choices),
                    draft,
                    Some(&error),
                    None,
                );
                render(&page, StatusCode::CONFLICT)
            }
            Err(error) => error_page(error, &caller, lang),
        },
        Err(error) => error_page(error, &caller, lang),
    }
}
