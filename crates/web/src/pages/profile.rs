//! The user's own account: who they are and their password.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;

use super::forms::{FormErrors, INVALID, done, error_page};
use super::{Shell, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Params;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    shell: Shell,
    department: String,
    roles: Vec<String>,
    errors: FormErrors,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

async fn page(
    state: &AppState,
    caller: &kuijing_service::Caller,
    lang: Lang,
    errors: FormErrors,
    done: Option<&str>,
) -> ProfilePage {
    let shell = Shell::new(state, caller, lang, "/profile", "profile.title").with_notice(done);
    let department = state
        .app
        .department_name(caller.user.department_id)
        .await
        .unwrap_or_default();
    ProfilePage {
        shell,
        department,
        roles: caller.role_names.clone(),
        errors,
    }
}

pub async fn show_profile(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<DoneQuery>,
) -> Response {
    let page = page(
        &state,
        &caller,
        lang,
        FormErrors::default(),
        query.done.as_deref(),
    )
    .await;
    render(&page, axum::http::StatusCode::OK)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<PasswordForm>,
) -> Response {
    if form.new_password != form.confirm_password {
        let mut errors = FormErrors::default();
        errors.fields.insert(
            "confirm_password".into(),
            lang.t("errors.password_mismatch"),
        );
        return render(&page(&state, &caller, lang, errors, None).await, INVALID);
    }
    match state
        .app
        .change_own_password(&caller, &form.current_password, &form.new_password)
        .await
    {
        Ok(()) => done("/profile", "password_changed"),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => render(&page(&state, &caller, lang, errors, None).await, INVALID),
            None => error_page(error, &caller, lang),
        },
    }
}
