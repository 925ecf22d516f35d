//! Request kinds: the form an administrator defines for each, and checking it.

use kuijing_domain::fields::{FieldDef, FieldType};
use kuijing_domain::{FieldError, FieldErrors, text};
use kuijing_store::requests::{self, RequestKindRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::approvals::RECORD_KINDS;
use crate::error::{Result, ServiceError};
use crate::{App, Caller};

use super::{corrupt, manage, view};

/// One field of a kind's form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    /// Letters, digits and `_`, unique in the form.
    pub key: String,
    pub label: String,
    pub field_type: FieldType,
    #[serde(default)]
    pub required: bool,
    /// The choices of a choice field.
    #[serde(default)]
    pub options: Vec<String>,
}

impl FormField {
    /// Whether a multiple choice's text has `option` among its choices.
    pub fn has_chosen(&self, text: &str, option: &str) -> bool {
        kuijing_domain::fields::has_chosen(text, option)
    }
}

/// The field types a request form offers.
pub const FORM_TYPES: &[FieldType] = &[
    FieldType::Text,
    FieldType::LongText,
    FieldType::Number,
    FieldType::Money,
    FieldType::Date,
    FieldType::Choice,
    FieldType::Bool,
];

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequestKind {
    pub id: i64,
    /// The kind's code, which its approval flow names.
    pub kind: String,
    pub name: String,
    pub fields: Vec<FormField>,
    pub active: bool,
    pub version: i64,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestKindInput {
    pub kind: String,
    pub name: String,
    pub fields: Vec<FormField>,
    #[serde(default = "yes")]
    pub active: bool,
    /// The version read, to save an existing kind.
    pub version: Option<i64>,
}

fn yes() -> bool {
    true
}

pub(super) fn kind_of(row: RequestKindRow) -> Result<RequestKind> {
    Ok(RequestKind {
        fields: serde_json::from_str(&row.fields).map_err(corrupt)?,
        id: row.id,
        kind: row.kind,
        name: row.name,
        active: row.active,
        version: row.version,
    })
}

/// The form's fields as custom-field definitions, to check values with.
pub(crate) fn defs_of(form: &[FormField]) -> Vec<FieldDef> {
    form.iter()
        .enumerate()
        .map(|(index, field)| FieldDef {
            id: index as i64,
            key: field.key.clone(),
            label: field.label.clone(),
            field_type: field.field_type,
            required: field.required,
            unique: false,
            default_value: None,
            options: field.options.clone(),
            sort_order: index as i64,
        })
        .collect()
}

/// Checks a kind's definition; errors name the field (`fields.2.label`).
fn check_kind(input: &RequestKindInput) -> Result<(String, String, String)> {
    let mut errors = FieldErrors::new();
    let kind = input.kind.trim().to_ascii_lowercase();
    let well_formed =
        (2..=30).contains(&kind.len()) && kind.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    if !well_formed {
        errors.add("kind", "invalid_kind");
    } else if RECORD_KINDS.contains(&kind.as_str()) {
        errors.add("kind", "kind_reserved");
    }
    let name = match text::parse_name(&input.name, 60) {
        Ok(name) => name,
        Err(refusal) => {
            errors.push(refusal.on("name"));
            String::new()
        }
    };
    if input.fields.len() > 30 {
        errors.add("fields", "too_many_fields");
    }
    let mut keys = Vec::new();
    let mut form: Vec<FormField> = Vec::new();
    for (index, field) in input.fields.iter().enumerate() {
        let key = field.key.trim();
        let key_ok = (1..=40).contains(&key.len())
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !key_ok {
            errors.add(format!("fields.{index}.key"), "key_invalid");
        } else if keys.contains(&key) {
            errors.add(format!("fields.{index}.key"), "key_taken");
        }
        keys.push(key);
        if field.label.trim().is_empty() || field.label.chars().count() > 60 {
            errors.add(format!("fields.{index}.label"), "required");
        }
        if !FORM_TYPES.contains(&field.field_type) {
            errors.add(format!("fields.{index}.field_type"), "invalid_choice");
        }
        let choice = field.field_type == FieldType::Choice;
        // Options follow the custom fields' rule: trimmed, blank ones left
        // out, two that read the same refused naming both.
        let options = match kuijing_domain::fields::parse_options(&field.options) {
            Ok(options) => options,
            Err(mut error) => {
                error.field = format!("fields.{index}.options");
                errors.push(error.with("name", field.label.trim()));
                Vec::new()
            }
        };
        if choice && field.options.iter().all(|o| o.trim().is_empty()) {
            errors.add(format!("fields.{index}.options"), "options_required");
        }
        form.push(FormField {
            key: key.to_string(),
            label: field.label.trim().to_string(),
            field_type: field.field_type,
            required: field.required,
            options,
        });
    }
    errors.into_result()?;
    let form = serde_json::to_string(&form).map_err(corrupt)?;
    Ok((kind, name, form))
}

impl App {
    /// The kinds with a form, for everyone who makes requests.
    pub async fn request_kinds(&self, caller: &Caller) -> Result<Vec<RequestKind>> {
        caller.require(view())?;
        let mut tx = self.db.read().await?;
        requests::kinds(&mut tx)
            .await?
            .into_iter()
            .map(kind_of)
            .collect()
    }

    /// Defines a kind's form, or saves it on the version read.
    pub async fn save_request_kind(
        &self,
        caller: &Caller,
        input: &RequestKindInput,
    ) -> Result<RequestKind> {
        caller.require(manage())?;
        let (kind, name, form) = check_kind(input)?;
        let mut tx = self.db.write().await?;
        let now = self.now();
        let current = requests::kind(&mut tx, &kind).await?;
        match (current, input.version) {
            (Some(current), Some(version)) => {
                if !requests::update_kind(
                    &mut tx,
                    (current.id, version),
                    (&name, &form, input.active),
                    now,
                )
                .await?
                {
                    return Err(ServiceError::Stale {
                        version: current.version,
                    });
                }
            }
            (Some(_), None) => {
                return Err(FieldError::new("kind", "kind_taken").into());
            }
            (None, _) => {
                requests::insert_kind(&mut tx, (&kind, &name, &form, input.active), now).await?;
            }
        }
        let saved = requests::kind(&mut tx, &kind)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit().await?;
        tracing::info!(kind = %kind, actor.id = caller.user.id, "request form saved");
        kind_of(saved)
    }
}
