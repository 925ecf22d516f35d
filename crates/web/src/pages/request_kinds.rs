//! The settings of request kinds: the form of each kind, which administrators define.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kuijing_domain::fields::FieldType;
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::requests::{FORM_TYPES, FormField, RequestKind, RequestKindInput};
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::Shell;
use super::forms::{FormErrors, after_post, answer, optional_number};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Params;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "settings_requests.html")]
struct KindsView {
    shell: Shell,
    kinds: Vec<RequestKind>,
    /// The kind being edited (or a new one) with the form's rows.
    editing: KindForm,
    errors: FormErrors,
}

impl KindsView {
    fn field_count(&self, kind: &RequestKind) -> String {
        self.shell.tn("requests.n_fields", &kind.fields.len())
    }

    fn types(&self) -> Vec<&'static str> {
        FORM_TYPES.iter().map(|t| t.as_str()).collect()
    }
}

/// Blank rows offered under a kind's fields for new ones.
const BLANK_ROWS: usize = 3;

/// The settings form of one kind: its fields as rows `key_<n>`,
/// `label_<n>`, `type_<n>`, `required_<n>`, `options_<n>`.
#[derive(Debug, Default, Deserialize)]
pub struct KindForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    active: String,
    #[serde(default)]
    version: String,
    #[serde(flatten)]
    rest: HashMap<String, String>,
}

/// One row of the settings form.
pub struct KindRow {
    pub index: usize,
    pub key: String,
    pub label: String,
    pub field_type: String,
    pub required: bool,
    pub options: String,
}

impl KindForm {
    fn of(kind: &RequestKind) -> Self {
        let mut rest = HashMap::new();
        for (index, field) in kind.fields.iter().enumerate() {
            rest.insert(format!("key_{index}"), field.key.clone());
            rest.insert(format!("label_{index}"), field.label.clone());
            rest.insert(format!("type_{index}"), field.field_type.as_str().into());
            if field.required {
                rest.insert(format!("required_{index}"), "on".into());
            }
            rest.insert(format!("options_{index}"), field.options.join(", "));
        }
        Self {
            kind: kind.kind.clone(),
            name: kind.name.clone(),
            active: if kind.active {
                "on".into()
            } else {
                String::new()
            },
            version: kind.version.to_string(),
            rest,
        }
    }

    fn get(&self, key: &str) -> String {
        self.rest.get(key).cloned().unwrap_or_default()
    }

    /// The rows posted (or stored), then a few blank ones.
    fn rows(&self) -> Vec<KindRow> {
        let filled = (0..30)
            .take_while(|i| self.rest.contains_key(&format!("key_{i}")))
            .count();
        (0..filled + BLANK_ROWS)
            .map(|index| KindRow {
                index,
                key: self.get(&format!("key_{index}")),
                label: self.get(&format!("label_{index}")),
                field_type: self.get(&format!("type_{index}")),
                required: !self.get(&format!("required_{index}")).is_empty(),
                options: self.get(&format!("options_{index}")),
            })
            .collect()
    }

    /// The rows with a key or a label; blank rows are left out.
    fn input(&self) -> RequestKindInput {
        let fields = self
            .rows()
            .into_iter()
            .filter(|row| !row.key.trim().is_empty() || !row.label.trim().is_empty())
            .map(|row| FormField {
                key: row.key,
                label: row.label,
                field_type: FieldType::parse(&row.field_type).unwrap_or(FieldType::Text),
                required: row.required,
                options: row
                    .options
                    .split([',', '，', '、', '\n'])
                    .map(|o| o.trim().to_string())
                    .filter(|o| !o.is_empty())
                    .collect(),
            })
            .collect();
        RequestKindInput {
            kind: self.kind.clone(),
            name: self.name.clone(),
            fields,
            active: !self.active.is_empty() || self.version.is_empty(),
            version: optional_number(&self.version),
        }
    }
}

async fn kinds_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    editing: KindForm,
    errors: FormErrors,
) -> Result<KindsView, ServiceError> {
    caller.require(Permission::new(Kind::Approval, Action::Manage))?;
    Ok(KindsView {
        shell: Shell::new(
            state,
            caller,
            lang,
            "/settings/request-forms",
            "requests.forms",
        ),
        kinds: state.app.request_kinds(caller).await?,
        editing,
        errors,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
    done: Option<String>,
}

pub async fn request_kinds(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<KindQuery>,
) -> Response {
    let built = async {
        let kinds = state.app.request_kinds(&caller).await?;
        let editing = kinds
            .iter()
            .find(|k| k.kind == query.kind)
            .map(KindForm::of)
            .unwrap_or_default();
        let mut view = kinds_view(&state, &caller, lang, editing, FormErrors::default()).await?;
        view.shell = view.shell.with_notice(query.done.as_deref());
        Ok(view)
    }
    .await;
    answer(built, StatusCode::OK, &caller, lang)
}

pub async fn save_request_kind(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<KindForm>,
) -> Response {
    let result = state.app.save_request_kind(&caller, &form.input()).await;
    after_post(
        result,
        |kind| {
            Redirect::to(&format!(
                "/settings/request-forms?kind={}&done=saved",
                kind.kind
            ))
            .into_response()
        },
        async |errors| kinds_view(&state, &caller, lang, form, errors).await,
        &caller,
        lang,
    )
    .await
}
