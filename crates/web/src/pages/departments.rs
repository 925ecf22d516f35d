//! The department tree, a department's page, and their forms.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::departments::{
    DepartmentDetail, DepartmentPatch, DepartmentView, NewDepartment,
};
use kuijing_service::users::UserView;
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::forms::{FormErrors, done, error_page, optional_number, status_of};
use super::profile::DoneQuery;
use super::{Shell, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

/// A department with its depth in the tree, for indented lists and pickers.
pub struct TreeRow {
    pub depth: usize,
    pub view: DepartmentView,
}

impl TreeRow {
    pub fn indent(&self) -> String {
        "\u{3000}".repeat(self.depth)
    }
}

/// Orders departments parent before children; those whose parent is out of
/// sight start a tree of their own.
pub fn tree(views: Vec<DepartmentView>) -> Vec<TreeRow> {
    let ids: BTreeSet<i64> = views.iter().map(|v| v.department.id).collect();
    let mut children: BTreeMap<Option<i64>, Vec<DepartmentView>> = BTreeMap::new();
    for view in views {
        let parent = view.department.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(view);
    }
    let mut rows = Vec::new();
    let mut stack: Vec<(usize, DepartmentView)> = children
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|v| (0, v))
        .collect();
    while let Some((depth, view)) = stack.pop() {
        if let Some(kids) = children.remove(&Some(view.department.id)) {
            stack.extend(kids.into_iter().rev().map(|v| (depth + 1, v)));
        }
        rows.push(TreeRow { depth, view });
    }
    rows
}

#[derive(Template)]
#[template(path = "departments.html")]
struct DepartmentsPage {
    shell: Shell,
    rows: Vec<TreeRow>,
    can_create: bool,
    people: Vec<UserView>,
    form: DepartmentForm,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "department.html")]
struct DepartmentPage {
    shell: Shell,
    detail: DepartmentDetail,
    parents: Vec<TreeRow>,
    people: Vec<UserView>,
    can_edit: bool,
    can_delete: bool,
    form: DepartmentForm,
    errors: FormErrors,
}

/// Parent, head and order, as typed.
type Numbers = (Option<i64>, Option<i64>, Option<i64>);

#[derive(Debug, Default, Deserialize)]
pub struct DepartmentForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub parent_id: String,
    #[serde(default)]
    pub head_id: String,
    #[serde(default)]
    pub sort_order: String,
    #[serde(default)]
    pub version: String,
}

impl DepartmentForm {
    fn of(detail: &DepartmentDetail) -> Self {
        let d = &detail.view.department;
        Self {
            name: d.name.clone(),
            parent_id: d.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            head_id: d.head_id.map(|h| h.to_string()).unwrap_or_default(),
            sort_order: d.sort_order.to_string(),
            version: d.version.to_string(),
        }
    }

    fn numbers(&self) -> Numbers {
        (
            optional_number(&self.parent_id),
            optional_number(&self.head_id),
            optional_number(&self.sort_order),
        )
    }
}

async fn people(state: &AppState, caller: &Caller) -> Vec<UserView> {
    if caller.can(Permission::new(Kind::User, Action::View)) {
        state.app.pick_users(caller, None).await.unwrap_or_default()
    } else {
        Vec::new()
    }
}

async fn list_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    form: DepartmentForm,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<DepartmentsPage, ServiceError> {
    let rows = tree(state.app.list_departments(caller, None).await?);
    Ok(DepartmentsPage {
        shell: Shell::new(state, caller, lang, "/departments", "departments.title")
            .with_notice(done),
        rows,
        can_create: caller.can(Permission::new(Kind::Department, Action::Create)),
        people: people(state, caller).await,
        form,
        errors,
    })
}

pub async fn list_departments(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<DoneQuery>,
) -> Response {
    match list_page(
        &state,
        &caller,
        lang,
        DepartmentForm::default(),
        FormErrors::default(),
        query.done.as_deref(),
    )
    .await
    {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => error_page(error, &caller, lang),
    }
}

pub async fn create_department(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<DepartmentForm>,
) -> Response {
    let (parent_id, head_id, sort_order) = form.numbers();
    let input = NewDepartment {
        name: form.name.clone(),
        parent_id,
        head_id,
        sort_order,
    };
    let result = state.app.create_department(&caller, input).await;
    match result {
        Ok(detail) => done(
            &format!("/departments/{}", detail.view.department.id),
            "created",
        ),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => match list_page(&state, &caller, lang, form, errors, None).await {
                Ok(page) => render(&page, status_of(&error)),
                Err(error) => error_page(error, &caller, lang),
            },
            None => error_page(error, &caller, lang),
        },
    }
}

async fn detail_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    form: Option<DepartmentForm>,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<DepartmentPage, ServiceError> {
    let detail = state.app.get_department(caller, id).await?;
    let parents = tree(state.app.list_departments(caller, None).await?);
    let mut shell =
        Shell::new(state, caller, lang, "/departments", "departments.title").with_notice(done);
    shell.title = detail.view.department.name.clone();
    Ok(DepartmentPage {
        shell,
        form: form.unwrap_or_else(|| DepartmentForm::of(&detail)),
        detail,
        parents,
        people: people(state, caller).await,
        can_edit: caller.can(Permission::new(Kind::Department, Action::Edit)),
        can_delete: caller.can(Permission::new(Kind::Department, Action::Delete)),
        errors,
    })
}

pub async fn show_department(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Params(query): Params<DoneQuery>,
) -> Response {
    match detail_page(
        &state,
        &caller,
        lang,
        id,
        None,
        FormErrors::default(),
        query.done.as_deref(),
    )
    .await
    {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => error_page(error, &caller, lang),
    }
}

pub async fn update_department(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<DepartmentForm>,
) -> Response {
    let (parent_id, head_id, sort_order) = form.numbers();
    let patch = DepartmentPatch {
        version: form.version.trim().parse().ok(),
        name: Some(form.name.clone()),
        parent_id,
        head_id: Some(head_id),
        sort_order: Some(sort_order.unwrap_or(0)),
    };
    let result = state.app.update_department(&caller, id, patch).await;
    match result {
        Ok(_) => done(&format!("/departments/{id}"), "saved"),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => {
                match detail_page(&state, &caller, lang, id, Some(form), errors, None).await {
                    Ok(page) => render(&page, status_of(&error)),
                    Err(error) => error_page(error, &caller, lang),
                }
            }
            None => error_page(error, &caller, lang),
        },
    }
}

pub async fn delete_department(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    match state.app.delete_department(&caller, id).await {
        Ok(()) => done("/departments", "deleted"),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => {
                match detail_page(&state, &caller, lang, id, None, errors, None).await {
                    Ok(page) => render(&page, StatusCode::CONFLICT),
                    Err(error) => error_page(error, &caller, lang),
                }
            }
            None => error_page(error, &caller, lang),
        },
    }
}
