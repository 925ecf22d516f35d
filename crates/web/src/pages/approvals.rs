//! Approval pages: what waits for me and what I submitted, the panel a
//! contract's or a payment's page shows, and the actions posted from it.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kuijing_service::approvals::{ApprovalActionInput, ApprovalItem, ApprovalView};
use kuijing_service::{ListPage, PageRequest};
use serde::Deserialize;

use super::forms::{error_page, optional_number, optional_text};
use super::{Shell, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

/// One step of a plan as the panel shows it.
pub struct PanelStep {
    pub name: String,
    pub mode: String,
    /// As `StepReading::state` says.
    pub state: String,
    /// Each approver's name and where their seat stands.
    pub seats: Vec<(String, String)>,
}

/// One line of an approval's history.
pub struct PanelEvent {
    pub who: Option<String>,
    pub action: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub comment: Option<String>,
    pub target: Option<String>,
    /// Whose seat a hand-over passed on, when not the actor's own.
    pub from: Option<String>,
}

/// What the approval panel of a record shows.
pub struct Panel {
    pub approval_id: i64,
    pub status: &'static str,
    pub flow_name: Option<String>,
    pub steps: Vec<PanelStep>,
    pub history: Vec<PanelEvent>,
    /// Who the approval waits for, each with whether they were disabled.
    pub waiting_for: Vec<(String, bool)>,
    /// What the caller typed as a comment, when the page is shown again
    /// after a refused action, and the message beside it.
    pub comment: String,
    pub error: Option<String>,
    /// Who the approval waits for, for a manager's hand-over.
    pub waiting_ids: Vec<(i64, String)>,
    pub can_decide: bool,
    /// The step being decided, sent back with a decision.
    pub current_step: usize,
    pub can_withdraw: bool,
    /// The caller may hand over any waiting seat (approval managers).
    pub can_reassign: bool,
    /// Those a seat cannot be handed to: the submitter and whoever already
    /// holds a seat on the current step (the server refuses them).
    pub no_hand_over: Vec<i64>,
}

impl Panel {
    /// Whether someone the approval waits for was disabled.
    pub fn any_disabled(&self) -> bool {
        self.waiting_for.iter().any(|(_, disabled)| *disabled)
    }

    pub fn of(view: &ApprovalView) -> Self {
        let name = |id: i64| {
            view.people
                .iter()
                .find(|(person, _)| *person == id)
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| format!("#{id}"))
        };
        let state = &view.approval.state;
        let steps = view
            .steps
            .iter()
            .map(|step| PanelStep {
                name: step.name.clone(),
                mode: step.mode.clone(),
                state: step.state.clone(),
                seats: step
                    .seats
                    .iter()
                    .map(|seat| (name(seat.user_id), seat.state.clone()))
                    .collect(),
            })
            .collect();
        let history = view
            .history
            .iter()
            .filter(|h| h.action != "step_started")
            .map(|h| PanelEvent {
                who: h.actor_name.clone(),
                action: h.action.clone(),
                at: h.created_at,
                comment: h.comment.clone(),
                target: h.target_id.map(name),
                from: h.from_id.filter(|from| Some(*from) != h.actor_id).map(name),
            })
            .collect();
        let mut no_hand_over: Vec<i64> = state
            .plan
            .get(state.current)
            .map(|step| step.approvers.iter().map(|seat| seat.user).collect())
            .unwrap_or_default();
        no_hand_over.push(view.approval.submitter_id);
        Panel {
            no_hand_over,
            approval_id: view.approval.id,
            status: state.status.as_str(),
            flow_name: view.flow_name.clone(),
            steps,
            history,
            waiting_for: view
                .waiting_for
                .iter()
                .map(|(id, n)| (n.clone(), view.waiting_disabled.contains(id)))
                .collect(),
            comment: String::new(),
            error: None,
            waiting_ids: view.waiting_for.clone(),
            can_decide: view.can_decide,
            current_step: state.current,
            can_withdraw: view.can_withdraw,
            can_reassign: view.can_reassign,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ActForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    to: String,
    /// Whose seat a manager hands over.
    #[serde(default)]
    from: String,
    /// The step the page showed.
    #[serde(default)]
    step: String,
    /// The page to go back to.
    #[serde(default)]
    back: String,
}

/// Approve, reject, hand over or withdraw from a record's page.
pub async fn act(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<ActForm>,
) -> Response {
    let input = ApprovalActionInput {
        action: form.action.clone(),
        comment: optional_text(&form.comment),
        to: optional_number(&form.to),
        from: optional_number(&form.from),
        step: optional_number(&form.step),
    };
    // Only a page of this application is a place to go back to.
    let back = if form.back.starts_with('/') && !form.back.starts_with("//") {
        form.back.clone()
    } else {
        "/approvals".to_string()
    };
    match state.app.act_on_approval(&caller, id, &input).await {
        Ok(view) => {
            // An approver outside the record's scope read it only while it
            // waited for them: after their decision the record's page is no
            // longer theirs, so they go to what still waits for them.
            let kind = view.approval.kind.as_str();
            let record = view.approval.record_id;
            let back = if state.app.may_view_record(&caller, kind, record).await {
                back
            } else {
                "/approvals".to_string()
            };
            let joint = if back.contains('?') { '&' } else { '?' };
            Redirect::to(&format!(
                "{back}{joint}done=approval_{}",
                form.action.replace('-', "_")
            ))
            .into_response()
        }
        Err(error) => {
            if let Some(page) = record_again(&state, (&caller, lang), &back, &error, &form).await {
                return page;
            }
            refused(&state, &caller, lang, (error, &back, "/approvals"))
        }
    }
}

/// The record's page again, for an action refused for its input (a
/// rejection without a comment): the message beside the comment box and
/// what was typed kept, answered 422. `None` where the action came from
/// elsewhere than a contract's or a payment's page, or where the page has
/// no panel for the viewer (they may no longer act on it).
async fn record_again(
    state: &AppState,
    (caller, lang): (&kuijing_service::Caller, Lang),
    back: &str,
    error: &kuijing_service::ServiceError,
    form: &ActForm,
) -> Option<Response> {
    let errors = super::forms::FormErrors::from_service(error, lang)?;
    let mut message = errors.form.clone().unwrap_or_default();
    for text in errors.fields.values() {
        if !message.is_empty() {
            message.push(' ');
        }
        message.push_str(text);
    }
    let path = back.split(['?', '#']).next().unwrap_or_default();
    let again = |panel: &mut Option<Panel>| {
        if let Some(panel) = panel.as_mut() {
            panel.comment = form.comment.clone();
            panel.error = Some(message.clone());
        }
    };
    if let Some(id) = path
        .strip_prefix("/contracts/")
        .and_then(|n| n.parse().ok())
    {
        let mut view = super::contracts::contract_view(
            state,
            caller,
            lang,
            id,
            super::forms::FormErrors::default(),
            None,
        )
        .await
        .ok()?;
        // Someone who may no longer act has no panel to show the message
        // in: they are told on a page of its own.
        view.panel.as_ref()?;
        again(&mut view.panel);
        return Some(render(&view, StatusCode::UNPROCESSABLE_ENTITY));
    }
    if let Some(id) = path.strip_prefix("/payments/").and_then(|n| n.parse().ok()) {
        let mut view = super::payments::payment_view(
            state,
            caller,
            lang,
            id,
            super::forms::FormErrors::default(),
            None,
        )
        .await
        .ok()?;
        // Someone who may no longer act has no panel to show the message
        // in: they are told on a page of its own.
        view.panel.as_ref()?;
        again(&mut view.panel);
        return Some(render(&view, StatusCode::UNPROCESSABLE_ENTITY));
    }
    None
}

#[derive(Template)]
#[template(path = "approval_problem.html")]
struct Problem {
    shell: Shell,
    message: String,
    back: String,
}

/// A refused action shown with its messages and a way back, for actions
/// posted from a list or a panel rather than from a form of their own.
pub(crate) fn refused(
    state: &AppState,
    caller: &kuijing_service::Caller,
    lang: Lang,
    (error, back, active): (kuijing_service::ServiceError, &str, &'static str),
) -> Response {
    match super::forms::FormErrors::from_service(&error, lang) {
        Some(errors) => {
            let mut message = errors.form.unwrap_or_default();
            for text in errors.fields.values() {
                message.push(' ');
                message.push_str(text);
            }
            let page = Problem {
                shell: Shell::new(state, caller, lang, active, "approvals.title"),
                message,
                back: back.to_string(),
            };
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        None => error_page(error, caller, lang),
    }
}

#[derive(Template)]
#[template(path = "approvals.html")]
struct ListView {
    shell: Shell,
    list: ListPage<ApprovalItem>,
    tab: String,
    /// The names of custom approval kinds, by code.
    kind_names: Vec<(String, String)>,
    /// Whose waiting approvals are listed, when an approval manager lists
    /// another user's (to hand them over).
    approver: Option<(i64, String)>,
    /// Who may be handed a seat, per kind on the page.
    hand_over_to: HashMap<String, Vec<(i64, String)>>,
}

impl ListView {
    fn link(&self, kind: &str, record: &i64) -> String {
        super::inbox::record_link(kind, *record)
    }

    /// Those a seat of an approval of `kind` may be handed to, the
    /// listed approver aside.
    fn choices(&self, kind: &str) -> Vec<(i64, String)> {
        let listed = self.approver.as_ref().map(|(id, _)| *id);
        self.hand_over_to
            .get(kind)
            .map(|people| {
                people
                    .iter()
                    .filter(|(id, _)| Some(*id) != listed)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// This page, to come back to after handing a seat over.
    fn here(&self) -> String {
        match &self.approver {
            Some((id, _)) => format!("/approvals?approver={id}"),
            None => "/approvals".to_string(),
        }
    }

    fn kind_label(&self, kind: &str) -> String {
        match self.kind_names.iter().find(|(code, _)| code == kind) {
            Some((_, name)) => name.clone(),
            None => self.shell.tk("kinds", kind),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    tab: String,
    #[serde(default)]
    cursor: String,
    /// List the approvals waiting for this user (approval managers).
    #[serde(default)]
    approver: String,
    /// The confirmation of an action taken on a record's page.
    #[serde(default)]
    done: Option<String>,
}

pub async fn list_approvals(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<ListQuery>,
) -> Response {
    let page = PageRequest {
        cursor: query.cursor.parse().ok(),
        limit: Some(50),
        anchor: None,
    };
    let submitted = query.tab == "submitted";
    let approver = query.approver.trim().parse::<i64>().ok();
    let list = if submitted {
        state.app.approvals_submitted(&caller, page).await
    } else {
        state.app.approvals_waiting(&caller, approver, page).await
    };
    let list = match list {
        Ok(list) => match others_waiting(&state, approver.filter(|_| !submitted), &list).await {
            Ok(others) => Ok((list, others)),
            Err(error) => Err(error),
        },
        Err(error) => Err(error),
    };
    match list {
        Ok((list, (approver, hand_over_to))) => {
            let view = ListView {
                approver,
                hand_over_to,
                shell: Shell::new(&state, &caller, lang, "/approvals", "approvals.title")
                    .with_notice(query.done.as_deref()),
                list,
                tab: if submitted { "submitted" } else { "waiting" }.into(),
                kind_names: state
                    .app
                    .request_kinds(&caller)
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .map(|k| (k.kind, k.name))
                    .collect(),
            };
            render(&view, StatusCode::OK)
        }
        Err(error) => error_page(error, &caller, lang),
    }
}

/// Whose approvals are listed (when not the caller's own), and who may
/// be handed their seats, per kind of the approvals listed.
async fn others_waiting(
    state: &AppState,
    approver: Option<i64>,
    list: &ListPage<ApprovalItem>,
) -> Result<WaitingOn, kuijing_service::ServiceError> {
    let Some(approver) = approver else {
        return Ok((None, HashMap::new()));
    };
    let name = state.app.user_name(approver).await?;
    let mut choices = HashMap::new();
    for item in &list.items {
        let kind = &item.approval.kind;
        if !choices.contains_key(kind) {
            choices.insert(kind.clone(), state.app.approver_choices(kind).await?);
        }
    }
    Ok((name.map(|name| (approver, name)), choices))
}

type WaitingOn = (Option<(i64, String)>, HashMap<String, Vec<(i64, String)>>);
