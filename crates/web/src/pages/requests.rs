//! Requests of custom approval kinds: the list, a request's page,
//! submitting and deleting one.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::fields::FieldType;
use kuijing_service::requests::{FormField, Request, RequestDetail, RequestKind};
use kuijing_service::{ListPage, PageRequest, ServiceError};

use super::Shell;
use super::approvals::{Panel, refused};
use super::contracts::SubmitForm;
use super::forms::{answer, done};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

use super::inbox::InboxQuery;

#[derive(Template)]
#[template(path = "requests.html")]
struct RequestsView {
    shell: Shell,
    list: ListPage<Request>,
    kinds: Vec<RequestKind>,
}

impl RequestsView {
    fn kind_name(&self, kind: &str) -> String {
        self.kinds
            .iter()
            .find(|k| k.kind == kind)
            .map(|k| k.name.clone())
            .unwrap_or_else(|| kind.to_string())
    }
}

pub async fn list_requests(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<InboxQuery>,
) -> Response {
    let page = PageRequest {
        cursor: query.cursor.parse().ok(),
        limit: Some(50),
        anchor: None,
    };
    let built = async {
        Ok::<_, ServiceError>(RequestsView {
            shell: Shell::new(&state, &caller, lang, "/approvals", "requests.title")
                .with_notice(query.done.as_deref()),
            list: state.app.my_requests(&caller, page).await?,
            kinds: state.app.request_kinds(&caller).await?,
        })
    }
    .await;
    answer(built, StatusCode::OK, &caller, lang)
}

#[derive(Template)]
#[template(path = "request.html")]
struct RequestPage {
    shell: Shell,
    detail: RequestDetail,
    panel: Option<Panel>,
    people: Vec<(i64, String)>,
    /// Steps of the flow whose approvers the submitter picks.
    to_choose: Vec<(usize, String, &'static str)>,
}

impl RequestPage {
    fn value(&self, field: &FormField) -> String {
        let Some(value) = self.detail.request.fields.get(&field.key) else {
            return String::new();
        };
        let text = kuijing_domain::fields::display(value);
        match field.field_type {
            FieldType::Money => match (
                kuijing_domain::money::parse_amount(&text),
                &self.detail.request.currency,
            ) {
                (Ok(minor), Some(currency)) => self.shell.money(&minor, currency),
                _ => text,
            },
            FieldType::Bool if text == "true" => self.shell.t("customers.yes"),
            FieldType::Bool => self.shell.t("customers.no"),
            _ => text,
        }
    }

    fn back(&self) -> String {
        format!("/requests/{}", self.detail.request.id)
    }
}

pub async fn request_page(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Params(query): Params<InboxQuery>,
) -> Response {
    let built = async {
        let detail = state.app.get_request(&caller, id).await?;
        let to_choose = if detail.can_edit {
            state
                .app
                .steps_to_choose(&detail.request.kind, Some(id))
                .await?
        } else {
            Vec::new()
        };
        let mut shell = Shell::new(&state, &caller, lang, "/approvals", "requests.title")
            .with_notice(query.done.as_deref());
        shell.title = detail.request.title.clone();
        Ok::<_, ServiceError>(RequestPage {
            shell,
            panel: detail.approval.as_ref().map(Panel::of),
            people: state.app.user_choices(&caller).await?,
            to_choose,
            detail,
        })
    }
    .await;
    answer(built, StatusCode::OK, &caller, lang)
}

pub async fn submit_request(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<SubmitForm>,
) -> Response {
    let chosen = form.input().approvers;
    let back = format!("/requests/{id}");
    match state.app.submit_request(&caller, id, &chosen).await {
        Ok(_) => done(&back, "submitted"),
        Err(error) => refused(&state, &caller, lang, (error, &back, "/approvals")),
    }
}

pub async fn delete_request(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    match state.app.delete_request(&caller, id).await {
        Ok(()) => done("/requests", "deleted"),
        Err(error) => refused(
            &state,
            &caller,
            lang,
            (error, &format!("/requests/{id}"), "/approvals"),
        ),
    }
}
