//! The actions on a contract's payment plan: add, change and delete an instalment.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::Form;

use super::forms::{after_post, done};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::name_fields_as;
use crate::extract::Id;
use crate::i18n::Lang;

use super::contracts::{PlanEdit, PlanForm, contract_view, on_contract};

pub async fn add_plan(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<PlanForm>,
) -> Response {
    let result = state.app.add_payment_plan(&caller, id, &form.input()).await;
    let result = result.map_err(|error| name_fields_as(error, "payment", lang));
    // Refused: the page again with the new instalment open as it was typed.
    let again = async |errors| {
        let mut view = contract_view(&state, &caller, lang, id, errors, None).await?;
        view.plan_add = form;
        view.plan_add_open = true;
        Ok(view)
    };
    let back = format!("/contracts/{id}");
    after_post(result, |_| done(&back, "saved"), again, &caller, lang).await
}

pub async fn update_plan(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Path((id, plan)): Path<(i64, i64)>,
    Form(form): Form<PlanForm>,
) -> Response {
    let result = state
        .app
        .update_payment_plan(&caller, (id, plan), &form.input())
        .await
        .map_err(|error| name_fields_as(error, "payment", lang));
    // Refused: the page again with the form open as it was typed.
    let again = async |errors| {
        let mut view = contract_view(&state, &caller, lang, id, errors, None).await?;
        let instalment = view.detail.plans.iter().find(|p| p.id == plan);
        let instalment = instalment.map(|p| p.instalment).unwrap_or_default();
        view.plan_edit = Some(PlanEdit {
            id: plan,
            instalment,
            form,
        });
        Ok(view)
    };
    let back = format!("/contracts/{id}");
    after_post(result, |_| done(&back, "saved"), again, &caller, lang).await
}

pub async fn delete_plan(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Path((id, plan)): Path<(i64, i64)>,
) -> Response {
    let result = state.app.delete_payment_plan(&caller, id, plan).await;
    on_contract(
        &state,
        &caller,
        lang,
        id,
        result,
        (&format!("/contracts/{id}"), "deleted"),
    )
    .await
}
