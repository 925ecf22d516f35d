//! Roles: the list, and the editor of permissions and data scopes.

use std::collections::BTreeMap;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::{Action, DataScope, Kind, Permission, RoleKind};
use kuijing_service::changelog::LogView;
use kuijing_service::roles::{NewRole, RolePatch, RoleView, ScopeInput};
use kuijing_service::{Caller, ServiceError};

use super::departments::{TreeRow, tree};
use super::forms::{FormErrors, done, error_page, optional_text, status_of};
use super::profile::DoneQuery;
use super::{Shell, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "roles.html")]
struct RolesPage {
    shell: Shell,
    roles: Vec<RoleView>,
    can_create: bool,
}

pub async fn list_roles(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<DoneQuery>,
) -> Response {
    match state.app.list_roles(&caller, None).await {
        Ok(roles) => {
            let page = RolesPage {
                shell: Shell::new(&state, &caller, lang, "/roles", "roles.title")
                    .with_notice(query.done.as_deref()),
                roles,
                can_create: caller.can(Permission::new(Kind::Role, Action::Create)),
            };
            render(&page, StatusCode::OK)
        }
        Err(error) => error_page(error, &caller, lang),
    }
}

/// What the role editor shows and sends back.
#[derive(Debug, Default)]
pub struct RoleForm {
    name: String,
    description: String,
    permissions: Vec<String>,
    scopes: BTreeMap<String, ScopeInput>,
    version: String,
}

impl RoleForm {
    fn of(view: &RoleView) -> Self {
        let role = &view.role;
        Self {
            name: role.name.clone(),
            description: role.description.clone().unwrap_or_default(),
            permissions: role.permissions.iter().map(Permission::to_string).collect(),
            scopes: role
                .scopes
                .iter()
                .map(|(k, g)| {
                    (
                        k.as_str().to_string(),
                        ScopeInput {
                            scope: g.scope.as_str().into(),
                            departments: g.departments.clone(),
                        },
                    )
                })
                .collect(),
            version: role.version.to_string(),
        }
    }

    /// Reads the posted pairs: `permissions=customer.view`, `scope.customer=own`,
    /// `departments.customer=3`.
    fn parse(pairs: Vec<(String, String)>) -> Self {
        let mut form = RoleForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "name" => form.name = value,
                "description" => form.description = value,
                "version" => form.version = value,
                "permissions" => form.permissions.push(value),
                _ => {
                    if let Some(kind) = key.strip_prefix("scope.") {
                        form.scopes.entry(kind.to_string()).or_default().scope = value;
                    } else if let Some(kind) = key.strip_prefix("departments.")
                        && let Ok(id) = value.parse()
                    {
                        form.scopes
                            .entry(kind.to_string())
                            .or_default()
                            .departments
                            .push(id);
                    }
                }
            }
        }
        // A kind whose scope was not chosen keeps none; departments alone mean nothing.
        form.scopes.retain(|_, s| !s.scope.is_empty());
        for scope in form.scopes.values_mut() {
            if scope.scope != DataScope::ChosenDepartments.as_str() {
                scope.departments.clear();
            }
        }
        form
    }

    fn has(&self, kind: &Kind, action: &Action) -> bool {
        let permission = Permission::new(*kind, *action).to_string();
        self.permissions.contains(&permission)
    }

    fn scope_of(&self, kind: &Kind) -> String {
        self.scopes
            .get(kind.as_str())
            .map(|s| s.scope.clone())
            .unwrap_or_else(|| DataScope::Own.as_str().to_string())
    }

    fn chose(&self, kind: &Kind, department: &i64) -> bool {
        self.scopes
            .get(kind.as_str())
            .is_some_and(|s| s.departments.contains(department))
    }
}

#[derive(Template)]
#[template(path = "role_form.html")]
struct RoleFormPage {
    shell: Shell,
    id: Option<i64>,
    fixed: bool,
    kind: Option<RoleKind>,
    user_count: i64,
    can_edit: bool,
    can_delete: bool,
    form: RoleForm,
    kinds: &'static [Kind],
    scopes: &'static [DataScope],
    departments: Vec<TreeRow>,
    change_log: Vec<LogView>,
    errors: FormErrors,
}

async fn form_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    form: Option<RoleForm>,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<RoleFormPage, ServiceError> {
    let detail = match id {
        Some(id) => Some(state.app.get_role(caller, id).await?),
        None => None,
    };
    let departments = if caller.can(Permission::new(Kind::Department, Action::View)) {
        tree(state.app.list_departments(caller, None).await?)
    } else {
        Vec::new()
    };
    let mut shell = Shell::new(state, caller, lang, "/roles", "roles.new").with_notice(done);
    if let Some(detail) = &detail {
        shell.title = detail.view.role.name.clone();
    }
    let kind = detail.as_ref().map(|d| d.view.role.kind);
    Ok(RoleFormPage {
        shell,
        id,
        fixed: kind == Some(RoleKind::SuperAdmin),
        kind,
        user_count: detail.as_ref().map(|d| d.view.user_count).unwrap_or(0),
        can_edit: caller.can(Permission::new(
            Kind::Role,
            if id.is_some() {
                Action::Edit
            } else {
                Action::Create
            },
        )),
        can_delete: caller.can(Permission::new(Kind::Role, Action::Delete))
            && kind == Some(RoleKind::Custom),
        form: form.unwrap_or_else(|| {
            detail
                .as_ref()
                .map(|d| RoleForm::of(&d.view))
                .unwrap_or_default()
        }),
        kinds: Kind::ALL,
        scopes: DataScope::ALL,
        departments,
        change_log: detail.map(|d| d.change_log).unwrap_or_default(),
        errors,
    })
}

fn answer(
    result: Result<RoleFormPage, ServiceError>,
    status: StatusCode,
    caller: &Caller,
    lang: Lang,
) -> Response {
    match result {
        Ok(page) => render(&page, status),
        Err(error) => error_page(error, caller, lang),
    }
}

pub async fn new_role(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
) -> Response {
    if !caller.can(Permission::new(Kind::Role, Action::Create)) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    answer(
        form_page(
            &state,
            &caller,
            lang,
            None,
            None,
            FormErrors::default(),
            None,
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn show_role(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Params(query): Params<DoneQuery>,
) -> Response {
    answer(
        form_page(
            &state,
            &caller,
            lang,
            Some(id),
            None,
            FormErrors::default(),
            query.done.as_deref(),
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn create_role(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let form = RoleForm::parse(pairs);
    let input = NewRole {
        name: form.name.clone(),
        description: optional_text(&form.description),
        permissions: form.permissions.clone(),
        scopes: form.scopes.clone(),
    };
    match state.app.create_role(&caller, input).await {
        Ok(detail) => done(&format!("/roles/{}", detail.view.role.id), "created"),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => answer(
                form_page(&state, &caller, lang, None, Some(form), errors, None).await,
                status_of(&error),
                &caller,
                lang,
            ),
            None => error_page(error, &caller, lang),
        },
    }
}

pub async fn update_role(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let form = RoleForm::parse(pairs);
    let patch = RolePatch {
        version: form.version.trim().parse().ok(),
        name: Some(form.name.clone()),
        description: Some(optional_text(&form.description)),
        permissions: Some(form.permissions.clone()),
        scopes: Some(form.scopes.clone()),
    };
    match state.app.update_role(&caller, id, patch).await {
        Ok(_) => done(&format!("/roles/{id}"), "saved"),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => answer(
                form_page(&state, &caller, lang, Some(id), Some(form), errors, None).await,
                status_of(&error),
                &caller,
                lang,
            ),
            None => error_page(error, &caller, lang),
        },
    }
}

pub async fn delete_role(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    match state.app.delete_role(&caller, id).await {
        Ok(()) => done("/roles", "deleted"),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => answer(
                form_page(&state, &caller, lang, Some(id), None, errors, None).await,
                StatusCode::CONFLICT,
                &caller,
                lang,
            ),
            None => error_page(error, &caller, lang),
        },
    }
}
