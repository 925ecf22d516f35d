//! The team card of customer, lead, opportunity and contract pages: a
//! member as typed, the form that removes one, and the lead's,
//! opportunity's and contract's handlers (the customer's live with its page).

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::{FieldError, Kind};
use kuijing_service::teams::TeamInput;
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::contracts::contract_view;
use super::follow_ups::Composer;
use super::forms::{FormErrors, after_post, done, optional_number};
use super::lead_page::lead_page;
use super::opportunities::record_view;
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Id;
use crate::i18n::Lang;

/// A team member as typed.
#[derive(Debug, Default, Deserialize)]
pub struct TeamForm {
    #[serde(default)]
    pub user_id: String,
    /// `write`, or anything else to read only.
    #[serde(default)]
    pub access: String,
    #[serde(default)]
    pub expires_on: String,
}

impl TeamForm {
    /// What the service takes, or the date that is not one.
    pub fn input(&self) -> Result<TeamInput, ServiceError> {
        let expires_on = match self.expires_on.trim() {
            "" => None,
            text => Some(kuijing_domain::dates::iso_day(text).ok_or_else(|| {
                ServiceError::Invalid(FieldError::new("expires_on", "date_invalid").into())
            })?),
        };
        Ok(TeamInput {
            user_id: optional_number(&self.user_id).unwrap_or(-1),
            can_write: self.access == "write",
            expires_on,
        })
    }
}

/// The member a remove button names.
#[derive(Debug, Default, Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    user_id: String,
}

impl RemoveForm {
    pub fn user(&self) -> i64 {
        optional_number(&self.user_id).unwrap_or(-1)
    }
}

/// Adds or changes a member of a record's team (`Ok`), or removes one
/// (`Err`): what the service answered.
async fn save(
    state: &AppState,
    caller: &Caller,
    record: (Kind, i64),
    change: Result<&TeamForm, &RemoveForm>,
) -> Result<(), ServiceError> {
    match change {
        Ok(form) => {
            let input = form.input()?;
            state.app.put_team_member(caller, record, input).await
        }
        Err(form) => {
            state
                .app
                .remove_team_member(caller, record, form.user())
                .await
        }
    }
}

pub async fn put_lead_member(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<TeamForm>,
) -> Response {
    let result = save(&state, &caller, (Kind::Lead, id), Ok(&form)).await;
    let again = async |errors: FormErrors| {
        let blank = (Composer::default(), errors);
        let mut page = lead_page(&state, &caller, lang, id, blank).await?;
        page.team_form = form;
        Ok(page)
    };
    let back = format!("/leads/{id}");
    after_post(result, |_| done(&back, "team_saved"), again, &caller, lang).await
}

pub async fn remove_lead_member(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<RemoveForm>,
) -> Response {
    let result = save(&state, &caller, (Kind::Lead, id), Err(&form)).await;
    let again = async |errors| {
        let blank = (Composer::default(), errors);
        lead_page(&state, &caller, lang, id, blank).await
    };
    let back = format!("/leads/{id}");
    after_post(
        result,
        |_| done(&back, "team_removed"),
        again,
        &caller,
        lang,
    )
    .await
}

pub async fn put_opportunity_member(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<TeamForm>,
) -> Response {
    let result = save(&state, &caller, (Kind::Opportunity, id), Ok(&form)).await;
    let again = async |errors: FormErrors| {
        let mut view = record_view(&state, &caller, lang, id, errors, None).await?;
        view.team_form = form;
        Ok(view)
    };
    let back = format!("/opportunities/{id}");
    after_post(result, |_| done(&back, "saved"), again, &caller, lang).await
}

pub async fn remove_opportunity_member(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<RemoveForm>,
) -> Response {
    let result = save(&state, &caller, (Kind::Opportunity, id), Err(&form)).await;
    let again = async |errors| record_view(&state, &caller, lang, id, errors, None).await;
    let back = format!("/opportunities/{id}");
    after_post(result, |_| done(&back, "saved"), again, &caller, lang).await
}

pub async fn put_contract_member(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<TeamForm>,
) -> Response {
    let result = save(&state, &caller, (Kind::Contract, id), Ok(&form)).await;
    let again = async |errors: FormErrors| {
        let mut view = contract_view(&state, &caller, lang, id, errors, None).await?;
        view.team_form = form;
        Ok(view)
    };
    let back = format!("/contracts/{id}");
    after_post(result, |_| done(&back, "saved"), again, &caller, lang).await
}

pub async fn remove_contract_member(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<RemoveForm>,
) -> Response {
    let result = save(&state, &caller, (Kind::Contract, id), Err(&form)).await;
    let again = async |errors| contract_view(&state, &caller, lang, id, errors, None).await;
    let back = format!("/contracts/{id}");
    after_post(result, |_| done(&back, "saved"), again, &caller, lang).await
}
