//! Options of choice fields (level, industry, source, follow-up method,
//! payment method), edited by administrators.

use kuijing_domain::{Action, FieldErrors, Kind, Permission, text};
use kuijing_store::options;
pub use kuijing_store::options::OptionRow;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::{Result, ServiceError};
use crate::{App, Caller};

/// The choice fields whose options administrators edit, as (kind, field).
pub const EDITABLE: &[(&str, &str)] = &[
    ("customer", "level_id"),
    ("customer", "industry_id"),
    ("customer", "source_id"),
    ("follow_up", "method_id"),
    ("payment", "method_id"),
];

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOption {
    /// `customer` or `follow_up`.
    pub kind: String,
    /// `level_id`, `industry_id`, `source_id` (customers) or `method_id` (follow-ups).
    pub field: String,
    pub label: String,
    #[serde(default)]
    pub sort_order: i64,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionPatch {
    pub label: Option<String>,
    pub sort_order: Option<i64>,
    /// `false` retires the option: kept on records, no longer offered.
    pub active: Option<bool>,
}

impl App {
    /// Every editable option, active or retired; a built-in one named as
    /// the caller is shown it (see `builtin_key`).
    pub async fn list_options(&self, caller: &Caller) -> Result<Vec<OptionRow>> {
        let mut tx = self.db.read().await?;
        let mut all = Vec::new();
        for (kind, field) in EDITABLE {
            all.extend(options::of_field(&mut tx, kind, field).await?);
        }
        Ok(caller.shown_options(all))
    }

    pub async fn create_option(&self, caller: &Caller, input: NewOption) -> Result<OptionRow> {
        caller.require(Permission::new(Kind::Settings, Action::Manage))?;
        let mut errors = FieldErrors::new();
        if !EDITABLE.contains(&(input.kind.as_str(), input.field.as_str())) {
            errors.add("field", "invalid_choice");
        }
        let label = errors.take("label", text::parse_name(&input.label, 50));
        errors.into_result()?;
        let label = label.unwrap_or_default();
        let mut tx = self.db.write().await?;
        let taken = options::of_field(&mut tx, &input.kind, &input.field).await?;
        if taken
            .iter()
            .any(|o| text::normalize(&o.label) == text::normalize(&label))
        {
            return Err(
                FieldErrors::from(kuijing_domain::FieldError::new("label", "name_taken")).into(),
            );
        }
        let id =
            options::insert(&mut tx, &input.kind, &input.field, &label, input.sort_order).await?;
        tx.commit().await?;
        let mut tx = self.db.read().await?;
        options::get(&mut tx, id)
            .await?
            .map(|option| OptionRow {
                label: caller.option_label(&option),
                ..option
            })
            .ok_or(ServiceError::NotFound)
    }

    pub async fn update_option(
        &self,
        caller: &Caller,
        id: i64,
        patch: OptionPatch,
    ) -> Result<OptionRow> {
        caller.require(Permission::new(Kind::Settings, Action::Manage))?;
        let mut tx = self.db.write().await?;
        let current = options::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut errors = FieldErrors::new();
        // A built-in option's label sent back as the caller was shown it
        // (in their language) is no rename: the stored one stays.
        let (label, renamed) = match patch.label {
            Some(label) if label.trim() != caller.option_label(&current) => {
                (errors.take("label", text::parse_name(&label, 50)), true)
            }
            _ => (Some(current.label.clone()), false),
        };
        errors.into_result()?;
        let label = label.unwrap_or_default();
        // Renamed into another option's name, the two would read as one.
        let taken = options::of_field(&mut tx, &current.kind, &current.field).await?;
        if taken
            .iter()
            .any(|o| o.id != id && text::normalize(&o.label) == text::normalize(&label))
        {
            return Err(
                FieldErrors::from(kuijing_domain::FieldError::new("label", "name_taken")).into(),
            );
        }
        options::update(
            &mut tx,
            id,
            &label,
            patch.sort_order.unwrap_or(current.sort_order),
            patch.active.unwrap_or(current.active),
        )
        .await?;
        // Renamed to what the product calls it in another language, it
        // would still be shown in each viewer's own: the administrator's
        // choice is kept by making it the company's own option.
        if renamed && current.builtin_key.is_some() {
            let shown_alike = ["zh-Hant", "zh-Hans", "en"].iter().all(|language| {
                kuijing_domain::builtin_names::option_label(
                    (&current.kind, &current.field),
                    current.builtin_key.as_deref(),
                    &label,
                    language,
                ) == label
            });
            if !shown_alike {
                options::set_builtin_key(&mut tx, id, None).await?;
            }
        }
        tx.commit().await?;
        let mut tx = self.db.read().await?;
        options::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }
}
