//! Names of what the product ships with, in the caller's language: a
//! built-in role and a built-in payment method are stored in the language
//! the company first started in, and shown in each viewer's own until an
//! administrator renames them (see `kuijing_domain::builtin_names`).

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
        options
            .into_iter()
            .map(|option| OptionRow {
                label: self.option_label(&option),
                ..option
            })
            .collect()
    }
}
