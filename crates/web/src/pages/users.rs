//! The users list, a user's page, and the user form.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::{Action, Kind, Permission, RoleKind};
use kuijing_service::users::{NewUser, UserDetail, UserPatch, UserQuery, UserView};
use kuijing_service::{Caller, ListPage, PageRequest, ServiceError};
use serde::Deserialize;

use super::departments::{TreeRow, tree};
use super::forms::{FormErrors, done, error_page, optional_number, optional_text, status_of};
use super::profile::DoneQuery;
use super::{Shell, render};
use crate::AppState;
use crate::auth::{PageUser, url_encode};
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    shell: Shell,
    list: ListPage<UserView>,
    departments: Vec<TreeRow>,
    filter: ListFilter,
    next_href: Option<String>,
    can_create: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListFilter {
    #[serde(default)]
    q: String,
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    cursor: String,
    #[serde(default)]
    limit: String,
    done: Option<String>,
}

impl ListFilter {
    fn query_without_cursor(&self) -> String {
        format!(
            "q={}&department_id={}&status={}&limit={}",
            url_encode(&self.q),
            url_encode(&self.department_id),
            url_encode(&self.status),
            url_encode(&self.limit)
        )
    }

    fn is_filtered(&self) -> bool {
        !self.q.is_empty() || !self.department_id.is_empty() || !self.status.is_empty()
    }
}

pub async fn list_users(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(filter): Params<ListFilter>,
) -> Response {
    let query = UserQuery {
        search: optional_text(&filter.q),
        department_id: optional_number(&filter.department_id),
        with_sub_departments: true,
        status: optional_text(&filter.status),
    };
    let limit = filter
        .limit
        .parse::<u64>()
        .ok()
        .filter(|l| [20, 50, 100].contains(l))
        .unwrap_or(20);
    let page = PageRequest {
        cursor: filter.cursor.parse().ok(),
        limit: Some(limit),
        anchor: None,
    };
    let list = match state.app.list_users(&caller, &query, page).await {
        Ok(list) => list,
        Err(error) => return error_page(error, &caller, lang),
    };
    let departments = if caller.can(Permission::new(Kind::Department, Action::View)) {
        tree(
            state
                .app
                .list_departments(&caller, None)
                .await
                .unwrap_or_default(),
        )
    } else {
        Vec::new()
    };
    let next_href = list
        .next_cursor
        .as_ref()
        .map(|c| format!("/users?{}&cursor={c}", filter.query_without_cursor()));
    let page = UsersPage {
        shell: Shell::new(&state, &caller, lang, "/users", "users.title")
            .with_notice(filter.done.as_deref()),
        list,
        departments,
        next_href,
        can_create: caller.can(Permission::new(Kind::User, Action::Create)),
        filter,
    };
    render(&page, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "user_form.html")]
struct UserFormPage {
    shell: Shell,
    id: Option<i64>,
    form: UserForm,
    departments: Vec<TreeRow>,
    people: Vec<UserView>,
    roles: Vec<(i64, String, RoleKind)>,
    errors: FormErrors,
    super_admin: bool,
}

/// Department, superior and roles, as typed.
type Numbers = (Option<i64>, Option<i64>, Vec<i64>);

#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    gender: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    post: String,
    #[serde(default)]
    superior_id: String,
    #[serde(default)]
    role_ids: Vec<String>,
    #[serde(default)]
    version: String,
}

impl UserForm {
    fn of(detail: &UserDetail) -> Self {
        let u = &detail.view.user;
        Self {
            phone: u.phone.clone(),
            password: String::new(),
            name: u.name.clone(),
            gender: u.gender.map(|g| g.as_str().to_string()).unwrap_or_default(),
            email: u.email.clone().unwrap_or_default(),
            department_id: u.department_id.to_string(),
            post: u.post.clone().unwrap_or_default(),
            superior_id: u.superior_id.map(|s| s.to_string()).unwrap_or_default(),
            role_ids: detail.view.role_ids.iter().map(i64::to_string).collect(),
            version: u.version.to_string(),
        }
    }

    fn has_role(&self, id: &i64) -> bool {
        self.role_ids.iter().any(|r| r == &id.to_string())
    }

    fn numbers(&self) -> Numbers {
        let roles = self
            .role_ids
            .iter()
            .filter_map(|r| optional_number(r))
            .collect();
        (
            optional_number(&self.department_id),
            optional_number(&self.superior_id),
            roles,
        )
    }
}

async fn form_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    form: UserForm,
    errors: FormErrors,
) -> Result<UserFormPage, ServiceError> {
    let title = if id.is_some() {
        "users.edit"
    } else {
        "users.new"
    };
    let departments = tree(state.app.list_departments(caller, None).await?);
    let people = state
        .app
        .pick_users(caller, None)
        .await?
        .into_iter()
        .filter(|p| Some(p.user.id) != id)
        .collect();
    Ok(UserFormPage {
        shell: Shell::new(state, caller, lang, "/users", title),
        id,
        form,
        departments,
        people,
        roles: state.app.role_choices(caller).await?,
        errors,
        super_admin: caller.actor.super_admin,
    })
}

fn answer_form(
    result: Result<UserFormPage, ServiceError>,
    status: StatusCode,
    caller: &Caller,
    lang: Lang,
) -> Response {
    match result {
        Ok(page) => render(&page, status),
        Err(error) => error_page(error, caller, lang),
    }
}

pub async fn new_user(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
) -> Response {
    if !caller.can(Permission::new(Kind::User, Action::Create)) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let form = UserForm {
        department_id: caller.user.department_id.to_string(),
        ..UserForm::default()
    };
    answer_form(
        form_page(&state, &caller, lang, None, form, FormErrors::default()).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn create_user(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<UserForm>,
) -> Response {
    let (department_id, superior_id, role_ids) = form.numbers();
    let input = NewUser {
        phone: form.phone.clone(),
        password: form.password.clone(),
        name: form.name.clone(),
        gender: optional_text(&form.gender),
        email: optional_text(&form.email),
        department_id,
        post: optional_text(&form.post),
        superior_id,
        role_ids,
    };
    let result = state.app.create_user(&caller, input).await;
    match result {
        Ok(detail) => done(&format!("/users/{}", detail.view.user.id), "created"),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => {
                let form = UserForm {
                    password: String::new(),
                    ..form
                };
                answer_form(
                    form_page(&state, &caller, lang, None, form, errors).await,
                    status_of(&error),
                    &caller,
                    lang,
                )
            }
            None => error_page(error, &caller, lang),
        },
    }
}

pub async fn edit_user(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    if !caller.can(Permission::new(Kind::User, Action::Edit)) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let detail = match state.app.get_user(&caller, id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(error, &caller, lang),
    };
    answer_form(
        form_page(
            &state,
            &caller,
            lang,
            Some(id),
            UserForm::of(&detail),
            FormErrors::default(),
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn update_user(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<UserForm>,
) -> Response {
    let (department_id, superior_id, role_ids) = form.numbers();
    let patch = UserPatch {
        version: form.version.trim().parse().ok(),
        phone: Some(form.phone.clone()),
        name: Some(form.name.clone()),
        gender: Some(optional_text(&form.gender)),
        email: Some(optional_text(&form.email)),
        department_id,
        post: Some(optional_text(&form.post)),
        superior_id: Some(superior_id),
        role_ids: Some(role_ids),
        status: None,
    };
    let result = state.app.update_user(&caller, id, patch).await;
    match result {
        Ok(_) => done(&format!("/users/{id}"), "saved"),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => answer_form(
                form_page(&state, &caller, lang, Some(id), form, errors).await,
                status_of(&error),
                &caller,
                lang,
            ),
            None => error_page(error, &caller, lang),
        },
    }
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    shell: Shell,
    initial: String,
    detail: UserDetail,
    can_edit: bool,
    can_disable: bool,
    can_reset: bool,
    /// May hand over the seats of approvals waiting for the user.
    can_reassign: bool,
    errors: FormErrors,
}

async fn user_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<UserPage, ServiceError> {
    let detail = state.app.get_user(caller, id).await?;
    let mut shell = Shell::new(state, caller, lang, "/users", "users.title").with_notice(done);
    shell.title = detail.view.user.name.clone();
    let protected = detail.super_admin && !caller.actor.super_admin;
    Ok(UserPage {
        can_edit: caller.can(Permission::new(Kind::User, Action::Edit)) && !protected,
        can_disable: caller.can(Permission::new(Kind::User, Action::Disable))
            && !protected
            && id != caller.user.id,
        can_reset: caller.can(Permission::new(Kind::User, Action::ResetPassword)) && !protected,
        can_reassign: caller.can(Permission::new(Kind::Approval, Action::Manage)),
        shell,
        initial: detail
            .view
            .user
            .name
            .chars()
            .next()
            .map(String::from)
            .unwrap_or_default(),
        detail,
        errors,
    })
}

pub async fn show_user(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Params(query): Params<DoneQuery>,
) -> Response {
    match user_page(
        &state,
        &caller,
        lang,
        id,
        FormErrors::default(),
        query.done.as_deref(),
    )
    .await
    {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => error_page(error, &caller, lang),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<StatusForm>,
) -> Response {
    let patch = UserPatch {
        status: Some(form.status.clone()),
        ..UserPatch::default()
    };
    let result = state.app.update_user(&caller, id, patch).await;
    answer_action(
        &state,
        &caller,
        lang,
        id,
        result.map(|_| ()),
        if form.status == "disabled" {
            "disabled"
        } else {
            "enabled"
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct ResetForm {
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<ResetForm>,
) -> Response {
    let result = state.app.reset_password(&caller, id, &form.password).await;
    answer_action(&state, &caller, lang, id, result, "password_reset").await
}

async fn answer_action(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    result: Result<(), ServiceError>,
    what: &str,
) -> Response {
    match result {
        Ok(()) => done(&format!("/users/{id}"), what),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => match user_page(state, caller, lang, id, errors, None).await {
                Ok(page) => render(&page, status_of(&error)),
                Err(error) => error_page(error, caller, lang),
            },
            None => error_page(error, caller, lang),
        },
    }
}
