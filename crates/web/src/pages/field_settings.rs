//! Settings of what records hold: the custom fields of customers, leads and
//! contacts, which customer field each lead field becomes on conversion,
//! and the options of the choice fields administrators edit (level,
//! industry, source, follow-up method, payment method).

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kuijing_domain::fields::{FieldDef, FieldType};
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::fields::{FieldPatch, NewField};
use kuijing_service::options::{EDITABLE, NewOption, OptionPatch, OptionRow};
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::forms::{FormErrors, after_post, answer, optional_number};
use super::{Shell, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

/// The kinds whose forms, pages, lists, imports and exports carry custom
/// fields.
pub(super) const FIELD_KINDS: &[Kind] = &[
    Kind::Customer,
    Kind::Lead,
    Kind::Contact,
    Kind::Opportunity,
    Kind::Contract,
    Kind::Payment,
    Kind::Product,
];

const PATH: &str = "/settings/fields";

#[derive(Template)]
#[template(path = "settings_fields.html")]
pub(super) struct FieldsView {
    shell: Shell,
    kind: &'static str,
    fields: Vec<FieldDef>,
    options: Vec<OptionRow>,
    form: FieldForm,
    /// The field whose edit failed, to show its errors beside it.
    editing: Option<i64>,
    errors: FormErrors,
    /// The options typed into the field whose edit failed, shown again as
    /// typed.
    edit_options: Option<String>,
    /// On the leads' tab: the customer fields a lead field may become, and
    /// the mapping as set.
    customer_fields: Vec<FieldDef>,
    mapping: Vec<kuijing_service::lead_convert::FieldPair>,
}

impl FieldsView {
    fn kinds(&self) -> Vec<&'static str> {
        FIELD_KINDS.iter().map(|k| k.as_str()).collect()
    }

    fn is_kind(&self, kind: &str) -> bool {
        self.kind == kind
    }

    /// Whether a lead field maps to this customer field.
    fn maps(&self, lead_key: &str, customer_key: &str) -> bool {
        self.mapping
            .iter()
            .any(|p| p.lead_key == lead_key && p.customer_key == customer_key)
    }

    fn is_editing(&self, id: &i64) -> bool {
        self.editing == Some(*id)
    }

    fn types(&self) -> Vec<&'static str> {
        FieldType::ALL.iter().map(|t| t.as_str()).collect()
    }

    /// The option lists, each with its options in order.
    fn lists(&self) -> Vec<(String, String, Vec<&OptionRow>)> {
        EDITABLE
            .iter()
            .map(|(kind, field)| {
                let title = self.shell.t(&format!("settings.options_of.{kind}_{field}"));
                let rows = self
                    .options
                    .iter()
                    .filter(|o| o.kind == *kind && o.field == *field)
                    .collect();
                (format!("{kind}:{field}"), title, rows)
            })
            .collect()
    }

    /// The options a field's edit form shows: as typed when its edit
    /// failed, else as stored.
    fn options_of(&self, field: &FieldDef) -> String {
        match (&self.edit_options, self.editing == Some(field.id)) {
            (Some(typed), true) => typed.clone(),
            _ => field.options.join(", "),
        }
    }

    fn errors_for(&self, id: &i64, field: &str) -> Option<&String> {
        (self.editing == Some(*id))
            .then(|| self.errors.get(field))
            .flatten()
    }
}

/// The form of a new field, or the changes to one.
#[derive(Debug, Default, Deserialize)]
pub struct FieldForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    field_type: String,
    #[serde(default)]
    required: String,
    #[serde(default)]
    unique: String,
    #[serde(default)]
    default_value: String,
    #[serde(default)]
    options: String,
    #[serde(default)]
    sort_order: String,
}

impl FieldForm {
    fn options(&self) -> Vec<String> {
        self.options
            .split([',', '，', '、', '\n'])
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty())
            .collect()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
    done: Option<String>,
}

fn kind_of(text: &str) -> &'static str {
    FIELD_KINDS
        .iter()
        .find(|k| k.as_str() == text)
        .unwrap_or(&FIELD_KINDS[0])
        .as_str()
}

pub(super) async fn fields_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    kind: &str,
    (form, editing, errors): (FieldForm, Option<i64>, FormErrors),
) -> Result<FieldsView, ServiceError> {
    caller.require(Permission::new(Kind::Settings, Action::Manage))?;
    let kind = kind_of(kind);
    Ok(FieldsView {
        shell: Shell::new(state, caller, lang, PATH, "settings.fields_title"),
        kind,
        fields: state.app.list_fields(caller, kind).await?,
        options: state.app.list_options(caller).await?,
        form,
        editing,
        errors,
        edit_options: None,
        customer_fields: if kind == "lead" {
            state.app.list_fields(caller, "customer").await?
        } else {
            Vec::new()
        },
        mapping: state.app.lead_field_mapping().await?,
    })
}

pub async fn show(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<KindQuery>,
) -> Response {
    let built = async {
        let mut view = fields_view(
            &state,
            &caller,
            lang,
            &query.kind,
            (FieldForm::default(), None, FormErrors::default()),
        )
        .await?;
        view.shell = view.shell.with_notice(query.done.as_deref());
        Ok(view)
    }
    .await;
    answer(built, StatusCode::OK, &caller, lang)
}

pub(super) fn back_to(kind: &str, what: &str) -> Response {
    Redirect::to(&format!("{PATH}?kind={kind}&done={what}")).into_response()
}

pub async fn create_field(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<FieldForm>,
) -> Response {
    let kind = kind_of(&form.kind);
    let input = NewField {
        kind: kind.to_string(),
        key: form.key.trim().to_string(),
        label: form.label.clone(),
        field_type: form.field_type.clone(),
        required: !form.required.is_empty(),
        unique: !form.unique.is_empty(),
        default_value: Some(form.default_value.clone()).filter(|d| !d.trim().is_empty()),
        options: form.options(),
        sort_order: optional_number(&form.sort_order).unwrap_or(0),
    };
    let builtin = |kind| crate::field_labels::builtin_labels(kind, lang);
    let result = state.app.create_field(&caller, input, &builtin).await;
    after_post(
        result,
        |_| back_to(kind, "saved"),
        async |errors| fields_view(&state, &caller, lang, kind, (form, None, errors)).await,
        &caller,
        lang,
    )
    .await
}

pub async fn update_field(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<FieldForm>,
) -> Response {
    let kind = kind_of(&form.kind);
    let patch = FieldPatch {
        label: Some(form.label.clone()),
        required: Some(!form.required.is_empty()),
        unique: Some(!form.unique.is_empty()),
        default_value: Some(form.default_value.clone()),
        options: Some(form.options()),
        sort_order: optional_number(&form.sort_order),
    };
    let builtin = |kind| crate::field_labels::builtin_labels(kind, lang);
    let result = state.app.update_field(&caller, id, patch, &builtin).await;
    after_post(
        result,
        |_| back_to(kind, "saved"),
        async |errors| {
            let mut view = fields_view(
                &state,
                &caller,
                lang,
                kind,
                (FieldForm::default(), Some(id), errors),
            )
            .await?;
            view.edit_options = Some(form.options.clone());
            Ok(view)
        },
        &caller,
        lang,
    )
    .await
}

pub async fn delete_field(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<FieldForm>,
) -> Response {
    let kind = kind_of(&form.kind);
    match state.app.delete_field(&caller, id).await {
        Ok(()) => back_to(kind, "deleted"),
        Err(error) => super::forms::error_page(error, &caller, lang),
    }
}

/// A new option, a renamed one, or one retired or offered again.
#[derive(Debug, Default, Deserialize)]
pub struct OptionForm {
    /// `kind:field` of the list, for a new option.
    #[serde(default)]
    list: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    sort_order: String,
    /// `retire` or `restore`; empty to rename.
    #[serde(default)]
    change: String,
    #[serde(default)]
    kind: String,
}

pub async fn create_option(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<OptionForm>,
) -> Response {
    let kind = kind_of(&form.kind);
    let (list_kind, field) = form.list.split_once(':').unwrap_or_default();
    let input = NewOption {
        kind: list_kind.to_string(),
        field: field.to_string(),
        label: form.label.clone(),
        sort_order: optional_number(&form.sort_order).unwrap_or(100),
    };
    let result = state.app.create_option(&caller, input).await;
    option_answer(&state, &caller, lang, kind, result).await
}

pub async fn update_option(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<OptionForm>,
) -> Response {
    let kind = kind_of(&form.kind);
    let patch = OptionPatch {
        label: (form.change.is_empty()).then(|| form.label.clone()),
        sort_order: optional_number(&form.sort_order),
        active: match form.change.as_str() {
            "retire" => Some(false),
            "restore" => Some(true),
            _ => None,
        },
    };
    let result = state.app.update_option(&caller, id, patch).await;
    option_answer(&state, &caller, lang, kind, result).await
}

async fn option_answer(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    kind: &'static str,
    result: Result<OptionRow, ServiceError>,
) -> Response {
    match result {
        Ok(_) => back_to(kind, "saved"),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => match fields_view(
                state,
                caller,
                lang,
                kind,
                (FieldForm::default(), None, errors),
            )
            .await
            {
                Ok(view) => render(&view, StatusCode::UNPROCESSABLE_ENTITY),
                Err(error) => super::forms::error_page(error, caller, lang),
            },
            None => super::forms::error_page(error, caller, lang),
        },
    }
}
