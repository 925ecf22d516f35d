//! The form of a request of a custom approval kind: new, edit, and a save
//! that met a newer version, shown side by side with what the other person
//! saved (see `conflict`).

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kuijing_service::requests::{FormField, RequestDetail, RequestInput, RequestKind};
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::Shell;
use super::conflict;
use super::forms::{
    CustomValues, FormErrors, after_post, answer, done, error_page, optional_number, status_of,
};
use super::stale_form::Stale;
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

/// What the request form posts: the title and `custom.<key>` values.
#[derive(Debug, Default, Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    version: String,
    /// The values the edit was opened with (see `conflict`).
    #[serde(default, rename = "_read")]
    read: String,
    #[serde(flatten)]
    custom: CustomValues,
}

impl Stale for RequestForm {
    fn version_and_read(&mut self) -> (&mut String, &mut String) {
        (&mut self.version, &mut self.read)
    }
}

impl conflict::Take for RequestForm {
    fn take(&mut self, key: &str, value: &str) {
        match key {
            "title" => self.title = value.to_string(),
            _ => self.custom.take(key, value),
        }
    }
}

impl RequestForm {
    fn of(detail: &RequestDetail) -> Self {
        Self {
            kind: detail.request.kind.clone(),
            title: detail.request.title.clone(),
            version: detail.request.version.to_string(),
            read: String::new(),
            custom: CustomValues::of(&detail.request.fields),
        }
    }

    /// The fields an edit changes, in the form's order: the title, then
    /// the kind's own fields.
    fn values(&self, fields: &[FormField]) -> conflict::Values {
        let mut values = vec![("title".to_string(), self.title.clone())];
        values.extend(
            fields
                .iter()
                .map(|f| (format!("custom.{}", f.key), self.custom.value(&f.key))),
        );
        values
    }

    fn custom_value(&self, key: &str) -> String {
        self.custom.value(key)
    }

    fn input(&self) -> RequestInput {
        RequestInput {
            kind: Some(self.kind.clone()),
            title: self.title.clone(),
            fields: self.custom.input(),
            version: optional_number(&self.version),
        }
    }
}

#[derive(Template)]
#[template(path = "request_form.html")]
struct RequestFormView {
    shell: Shell,
    id: Option<i64>,
    kind: RequestKind,
    form: RequestForm,
    errors: FormErrors,
    /// What someone else saved meanwhile, when a save met their version.
    conflict: Option<conflict::Conflict>,
}

async fn request_form_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    mut form: RequestForm,
    errors: FormErrors,
) -> Result<RequestFormView, ServiceError> {
    let kind = state
        .app
        .request_kinds(caller)
        .await?
        .into_iter()
        .find(|k| k.kind == form.kind && (k.active || id.is_some()))
        .ok_or(ServiceError::NotFound)?;
    // An edit opened now keeps what it shows, to tell later what someone
    // else changed meanwhile.
    if id.is_some() && form.read.is_empty() {
        form.read = conflict::mark(&form.values(&kind.fields));
    }
    Ok(RequestFormView {
        shell: Shell::new(state, caller, lang, "/approvals", "requests.new"),
        id,
        kind,
        form,
        errors,
        conflict: None,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewRequestQuery {
    #[serde(default)]
    kind: String,
}

pub async fn new_request(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<NewRequestQuery>,
) -> Response {
    // Without a kind, the requests page is where one is chosen.
    if query.kind.trim().is_empty() {
        return Redirect::to("/requests").into_response();
    }
    let form = RequestForm {
        kind: query.kind,
        ..RequestForm::default()
    };
    answer(
        request_form_view(&state, &caller, lang, None, form, FormErrors::default()).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn create_request(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<RequestForm>,
) -> Response {
    let result = state.app.create_request(&caller, &form.input()).await;
    after_post(
        result,
        |detail| done(&format!("/requests/{}", detail.request.id), "saved"),
        async |errors| request_form_view(&state, &caller, lang, None, form, errors).await,
        &caller,
        lang,
    )
    .await
}

pub async fn edit_request(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let built = async {
        let detail = state.app.get_request(&caller, id).await?;
        if !detail.can_edit {
            return Err(ServiceError::Refused {
                code: "request_not_editable",
            });
        }
        request_form_view(
            &state,
            &caller,
            lang,
            Some(id),
            RequestForm::of(&detail),
            FormErrors::default(),
        )
        .await
    }
    .await;
    answer(built, StatusCode::OK, &caller, lang)
}

pub async fn update_request(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<RequestForm>,
) -> Response {
    let result = match state.app.update_request(&caller, id, &form.input()).await {
        Err(error @ (ServiceError::Changed { .. } | ServiceError::Stale { .. })) => {
            return stale_request(&state, &caller, lang, (id, form), error).await;
        }
        result => result,
    };
    after_post(
        result,
        |_| done(&format!("/requests/{id}"), "saved"),
        async |errors| request_form_view(&state, &caller, lang, Some(id), form, errors).await,
        &caller,
        lang,
    )
    .await
}

/// The form again after a save met a newer version: every entry kept,
/// their version taken (so saving again is a deliberate overwrite), what
/// they changed shown beside what was typed, and each field only they
/// changed holding their value (so saving over puts back none of it).
async fn stale_request(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (id, form): (i64, RequestForm),
    error: ServiceError,
) -> Response {
    let detail = match state.app.get_request(caller, id).await {
        Ok(detail) if detail.can_edit => detail,
        Ok(_) => {
            let refused = ServiceError::Refused {
                code: "request_not_editable",
            };
            return error_page(refused, caller, lang);
        }
        Err(error) => return error_page(error, caller, lang),
    };
    let stored = RequestForm::of(&detail);
    let fields = match state.app.request_kinds(caller).await {
        Ok(kinds) => kinds
            .into_iter()
            .find(|k| k.kind == stored.kind)
            .map(|k| k.fields)
            .unwrap_or_default(),
        Err(error) => return error_page(error, caller, lang),
    };
    let mut names = conflict::Names::new("request", lang, &[]);
    for field in &fields {
        let yes_no = field.field_type.as_str() == "bool";
        names.custom_field(&field.key, &field.label, yes_no);
    }
    let theirs = stored.values(&fields);
    let yours = form.values(&fields);
    let mut form = form;
    let reload = format!("/requests/{id}/edit");
    let shown = form.meet(&stored.version, (&theirs, &yours), &names, reload);
    let page = request_form_view(state, caller, lang, Some(id), form, FormErrors::default())
        .await
        .map(|mut page| {
            page.conflict = Some(shown);
            page
        });
    answer(page, status_of(&error), caller, lang)
}
