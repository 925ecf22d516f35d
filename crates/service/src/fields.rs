//! Custom fields: administrators define them per kind.

use kuijing_domain::fields::{FieldDef, FieldType};
use kuijing_domain::{Action, FieldErrors, Kind, Permission, text};
use kuijing_store::{lead_field_maps, unique_values};
use serde::Deserialize;
use utoipa::ToSchema;

use std::collections::BTreeMap;

use crate::error::{Result, ServiceError, unique_to_field};
use crate::{App, Caller};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewField {
    /// The kind the field belongs to: `customer`, `lead`, `contact`, ...
    pub kind: String,
    /// Lowercase letters, digits and `_`, starting with a letter.
    pub key: String,
    pub label: String,
    /// `text`, `long_text`, `number`, `money`, `date`, `date_time`, `choice`,
    /// `multi_choice`, `phone`, `email`, `url`, `user`, `department`, `bool`, `percent`.
    pub field_type: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub unique: bool,
    pub default_value: Option<String>,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub sort_order: i64,
}

/// Changes to a field; its key and type stay.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldPatch {
    pub label: Option<String>,
    pub required: Option<bool>,
    pub unique: Option<bool>,
    pub default_value: Option<String>,
    pub options: Option<Vec<String>>,
    pub sort_order: Option<i64>,
}

impl App {
    /// The custom fields of a kind, for forms and pages: definitions, not
    /// record data, so they need no scope.
    pub async fn custom_fields(&self, kind: Kind) -> Result<Vec<FieldDef>> {
        let mut tx = self.db.read().await?;
        self.field_defs_in(&mut tx, kind).await
    }

    /// Changes a field; `builtin` is as for [`App::create_field`].
    pub async fn update_field(
        &self,
        caller: &Caller,
        id: i64,
        patch: FieldPatch,
        builtin: &(dyn Fn(Kind) -> BuiltinLabels + Sync),
    ) -> Result<FieldDef> {
        caller.require(Permission::new(Kind::Settings, Action::Manage))?;
        let mut tx = self.db.write().await?;
        let kind = kuijing_store::field_defs::kind_of(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let kind: Kind = kind.parse().map_err(|()| ServiceError::NotFound)?;
        let mut def = self
            .field_defs_in(&mut tx, kind)
            .await?
            .into_iter()
            .find(|d| d.id == id)
            .ok_or(ServiceError::NotFound)?;
        let mut errors = FieldErrors::new();
        if let Some(label) = patch
            .label
            .and_then(|l| errors.take("label", text::parse_name(&l, 50)))
        {
            if label_key(&label) != label_key(&def.label) {
                let others = self.field_defs_in(&mut tx, kind).await?;
                check_label(&label, &builtin(kind), &others, Some(id), &mut errors);
            }
            def.label = label;
        }
        def.required = patch.required.unwrap_or(def.required);
        let was_unique = def.unique;
        def.unique = patch.unique.unwrap_or(def.unique);
        def.sort_order = patch.sort_order.unwrap_or(def.sort_order);
        if let Some(options) = patch.options {
            def.options = match kuijing_domain::fields::parse_options(&options) {
                Ok(options) => options,
                Err(error) => {
                    errors.push(error.with("name", &def.label));
                    def.options.clone()
                }
            };
            if matches!(def.field_type, FieldType::Choice | FieldType::MultiChoice)
                && def.options.is_empty()
            {
                errors.add("options", "options_required");
            }
        }
        if let Some(default) = patch.default_value {
            def.default_value = Some(default).filter(|d| !d.trim().is_empty());
        }
        errors.into_result()?;
        kuijing_store::field_defs::update(&mut tx, id, &def).await?;
        // The values held already become what new ones are checked against.
        match (was_unique, def.unique) {
            (false, true) => unique_values::fill_field(&mut tx, kind.as_str(), &def.key).await?,
            (true, false) => unique_values::forget_field(&mut tx, kind.as_str(), &def.key).await?,
            _ => {}
        }
        tx.commit().await?;
        Ok(def)
    }

    pub async fn delete_field(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(Permission::new(Kind::Settings, Action::Manage))?;
        let mut tx = self.db.write().await?;
        let kind = kuijing_store::field_defs::kind_of(&mut tx, id).await?;
        let key = match kind.as_deref().and_then(|k| k.parse::<Kind>().ok()) {
            Some(kind) => self
                .field_defs_in(&mut tx, kind)
                .await?
                .into_iter()
                .find(|d| d.id == id)
                .map(|d| (kind, d.key)),
            None => None,
        };
        if !kuijing_store::field_defs::delete(&mut tx, id).await? {
            return Err(ServiceError::NotFound);
        }
        if let Some((kind, key)) = &key {
            unique_values::forget_field(&mut tx, kind.as_str(), key).await?;
        }
        // A conversion mapping naming the field forgets it.
        match &key {
            Some((Kind::Lead, key)) => lead_field_maps::forget(&mut tx, Some(key), None).await?,
            Some((Kind::Customer, key)) => {
                lead_field_maps::forget(&mut tx, None, Some(key)).await?
            }
            _ => {}
        }
        tx.commit().await?;
        tracing::info!(field.id = id, "custom field deleted");
        Ok(())
    }

    pub async fn list_fields(&self, caller: &Caller, kind: &str) -> Result<Vec<FieldDef>> {
        let kind: Kind = kind.parse().map_err(|()| ServiceError::NotFound)?;
        caller.require(Permission::new(kind, Action::View))?;
        let mut tx = self.db.read().await?;
        self.field_defs_in(&mut tx, kind).await
    }

    /// Adds a custom field to a kind. `builtin` gives the labels of a
    /// kind's built-in fields in every language (as [`label_key`] reads
    /// them), each to the label shown to the caller: a custom field named
    /// like one would take its column in an import.
    pub async fn create_field(
        &self,
        caller: &Caller,
        input: NewField,
        builtin: &(dyn Fn(Kind) -> BuiltinLabels + Sync),
    ) -> Result<FieldDef> {
        caller.require(Permission::new(Kind::Settings, Action::Manage))?;
        let mut errors = FieldErrors::new();
        let kind = match input.kind.parse::<Kind>() {
            Ok(kind) if kind.has_data_scope() => Some(kind),
            _ => {
                errors.add("kind", "field_kind_unknown");
                None
            }
        };
        let key_ok = input.key.len() <= 40
            && input
                .key
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase())
            && input
                .key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !key_ok {
            errors.add("key", "key_invalid");
        } else if kuijing_domain::customer::SYSTEM_FIELDS
            .iter()
            .any(|(name, _)| *name == input.key)
        {
            errors.add("key", "key_taken");
        }
        let label = errors.take("label", text::parse_name(&input.label, 50));
        if let (Some(kind), Some(label)) = (kind, &label) {
            let mut tx = self.db.read().await?;
            let others = self.field_defs_in(&mut tx, kind).await?;
            check_label(label, &builtin(kind), &others, None, &mut errors);
        }
        let field_type = errors.take("field_type", FieldType::parse(&input.field_type));
        let options = match kuijing_domain::fields::parse_options(&input.options) {
            Ok(options) => options,
            Err(error) => {
                let name = label.clone().unwrap_or_else(|| input.key.clone());
                errors.push(error.with("name", name));
                Vec::new()
            }
        };
        if matches!(field_type, Some(FieldType::Choice | FieldType::MultiChoice))
            && options.is_empty()
            && !errors.0.iter().any(|e| e.field == "options")
        {
            errors.add("options", "options_required");
        }
        errors.into_result()?;
        let (Some(kind), Some(label), Some(field_type)) = (kind, label, field_type) else {
            return Err(ServiceError::Internal("field".into()));
        };
        let mut def = FieldDef {
            id: 0,
            key: input.key,
            label,
            field_type,
            required: input.required,
            unique: input.unique,
            default_value: input.default_value.filter(|d| !d.trim().is_empty()),
            options,
            sort_order: input.sort_order,
        };
        if def.default_value.is_some() {
            let default = def.default_value.clone().map(serde_json::Value::String);
            if let Err(refusal) = kuijing_domain::fields::parse_value(&def, default.as_ref()) {
                return Err(FieldErrors::from(refusal.on("default_value")).into());
            }
        }
        let mut tx = self.db.write().await?;
        def.id = kuijing_store::field_defs::insert(&mut tx, kind.as_str(), &def)
            .await
            .map_err(|e| unique_to_field(e, "key", "key", "key_taken"))?;
        if def.unique {
            // Records may hold a value under this key from a field deleted before.
            unique_values::fill_field(&mut tx, kind.as_str(), &def.key).await?;
        }
        tx.commit().await?;
        tracing::info!(
            field.id = def.id,
            kind = kind.as_str(),
            "custom field created"
        );
        Ok(def)
    }
}

/// The labels of a kind's built-in fields in every language, read by
/// [`label_key`], each to the label shown to the caller.
pub type BuiltinLabels = BTreeMap<String, String>;

/// A label as two labels are compared: width, case and spaces aside.
pub fn label_key(label: &str) -> String {
    text::normalize(label).split_whitespace().collect()
}

/// Refuses a label named like a built-in field of the kind (in any
/// language) or like another custom field of it, naming the clash.
fn check_label(
    label: &str,
    builtin: &BuiltinLabels,
    others: &[FieldDef],
    own: Option<i64>,
    errors: &mut FieldErrors,
) {
    let key = label_key(label);
    if let Some(shown) = builtin.get(&key) {
        errors.push(
            kuijing_domain::FieldError::new("label", "label_is_builtin")
                .with("label", label)
                .with("builtin", shown),
        );
    } else if let Some(other) = others
        .iter()
        .find(|d| Some(d.id) != own && label_key(&d.label) == key)
    {
        errors.push(
            kuijing_domain::FieldError::new("label", "label_is_custom")
                .with("label", label)
                .with("other", &other.label)
                .with("key", &other.key),
        );
    }
}
