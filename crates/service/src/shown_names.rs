//! Names of what the product ships with, in the caller's language: a
//! built-in role (its name and description) and a built-in option (a
//! customer level, industry or source, a follow-up or payment method) are
//! stored in the language the company first started in, and shown in each
//! viewer's own until an administrator renames them (see
//! `kuijing_domain::builtin_names`).

use kuijing_domain::Role;
use kuijing_domain::builtin_names;
use kuijing_store::options::OptionRow;

use crate::Caller;

impl Caller {
    /// The caller in `language` (`zh-Hant`, `zh-Hans` or `en`, as the
    /// request chose it): the names of built-in things, its own roles
    /// among them, are given in that language from now on.
    pub fn in_language(mut self, language: &str) -> Self {
        self.language = language.to_string();
        self.role_names = self
            .role_codes
            .iter()
            .zip(&self.role_names)
            .map(|(code, name)| {
                builtin_names::role_name(code.as_deref(), name, language).to_string()
            })
            .collect();
        self
    }

    /// The name a role is shown by to the caller.
    pub fn role_name(&self, role: &Role) -> String {
        if self.language.is_empty() {
            return role.name.clone();
        }
        role.name_in(&self.language)
    }

    /// The description a role is shown with to the caller.
    pub fn role_description(&self, role: &Role) -> Option<String> {
        let description = role.description.as_deref()?;
        if self.language.is_empty() {
            return Some(description.to_string());
        }
        Some(
            builtin_names::role_description(role.describing_code(), description, &self.language)
                .to_string(),
        )
    }

    /// The role as the caller is shown it: a built-in one's name and
    /// description in their language.
    pub fn shown_role(&self, role: Role) -> Role {
        Role {
            name: self.role_name(&role),
            description: self.role_description(&role),
            ..role
        }
    }

    /// The label an option is shown by to the caller.
    pub fn option_label(&self, option: &OptionRow) -> String {
        if self.language.is_empty() {
            return option.label.clone();
        }
        builtin_names::option_label(
            (&option.kind, &option.field),
            option.builtin_key.as_deref(),
            &option.label,
            &self.language,
        )
        .to_string()
    }

    /// The options with the labels the caller is shown.
    pub fn shown_options(&self, options: Vec<OptionRow>) -> Vec<OptionRow> {
        options_in(&self.language, options)
    }
}

impl Caller {
    /// Names a change log kept for a user's roles and for built-in
    /// options, in the caller's language: the log keeps names as they were
    /// when the change was made, in the language the company started in.
    pub fn shown_log_fields(&self, fields: &mut [kuijing_domain::FieldChange]) {
        if self.language.is_empty() {
            return;
        }
        for field in fields.iter_mut() {
            let name = field.field.clone();
            let shown = |one: &str| -> String {
                let found = match name.as_str() {
                    "roles" => builtin_names::logged_role(one, &self.language),
                    other => builtin_names::logged_option(other, one, &self.language),
                };
                found.map_or_else(|| one.to_string(), str::to_string)
            };
            if !matches!(
                name.as_str(),
                "roles" | "level_id" | "industry_id" | "source_id" | "method_id"
            ) {
                continue;
            }
            for value in [&mut field.old, &mut field.new] {
                if let Some(text) = value.as_mut() {
                    let parts: Vec<String> = text.split(", ").map(shown).collect();
                    *text = parts.join(", ");
                }
            }
        }
    }
}

/// The options with the labels they are shown by in `language` (the
/// stored ones when it is empty).
pub(crate) fn options_in(language: &str, options: Vec<OptionRow>) -> Vec<OptionRow> {
    if language.is_empty() {
        return options;
    }
    options
        .into_iter()
        .map(|option| OptionRow {
            label: builtin_names::option_label(
                (&option.kind, &option.field),
                option.builtin_key.as_deref(),
                &option.label,
                language,
            )
            .to_string(),
            ..option
        })
        .collect()
}
