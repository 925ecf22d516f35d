//! Custom fields: what an administrator defines per kind, and the checking
//! of the values users give them. Values are kept as JSON in one column.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::{FieldErrors, Refusal};
use crate::text;

mod display;
mod record;
#[cfg(test)]
mod tests;
mod value;

pub use display::{display, display_as, unique_key};
pub use record::{fit_custom_money, parse_custom, parse_custom_edit, parse_custom_in};
pub use value::{parse_value, parse_yes_no};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    LongText,
    Number,
    Money,
    Date,
    DateTime,
    Choice,
    MultiChoice,
    Phone,
    Email,
    Url,
    User,
    Department,
    Bool,
    Percent,
}

impl FieldType {
    pub const ALL: &'static [FieldType] = &[
        Self::Text,
        Self::LongText,
        Self::Number,
        Self::Money,
        Self::Date,
        Self::DateTime,
        Self::Choice,
        Self::MultiChoice,
        Self::Phone,
        Self::Email,
        Self::Url,
        Self::User,
        Self::Department,
        Self::Bool,
        Self::Percent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::LongText => "long_text",
            Self::Number => "number",
            Self::Money => "money",
            Self::Date => "date",
            Self::DateTime => "date_time",
            Self::Choice => "choice",
            Self::MultiChoice => "multi_choice",
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Url => "url",
            Self::User => "user",
            Self::Department => "department",
            Self::Bool => "bool",
            Self::Percent => "percent",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        Self::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == text)
            .ok_or("invalid_choice")
    }
}

/// A custom field of a kind.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldDef {
    pub id: i64,
    pub key: String,
    pub label: String,
    pub field_type: FieldType,
    pub required: bool,
    pub unique: bool,
    pub default_value: Option<String>,
    /// The choices of a choice field.
    pub options: Vec<String>,
    pub sort_order: i64,
}

impl FieldDef {
    /// Whether a multiple choice's text has `option` among its choices
    /// (see [`has_chosen`]).
    pub fn has_chosen(&self, text: &str, option: &str) -> bool {
        has_chosen(text, option)
    }
}

/// Whether a multiple choice's text (`A, B`, as a form keeps it) has
/// `option` among its choices, case, width and spaces aside.
pub fn has_chosen(text: &str, option: &str) -> bool {
    let wanted = text::normalize(option);
    text.split([',', '，', ';'])
        .any(|part| text::normalize(part) == wanted)
}

/// The longest text a custom text or phone field holds, in characters.
pub const TEXT_MAX: usize = 200;
/// The longest text a custom long-text field holds, in characters.
pub const LONG_TEXT_MAX: usize = 5000;

/// The options of a choice field as an administrator typed them, each
/// trimmed and blank ones left out. Two that read the same — case, width
/// and spaces aside (`Gold`, `ＧＯＬＤ`, `go ld`) — would be one option to
/// whoever picks or imports a value, so the list is refused naming the
/// repeated one (`option_repeated` on `options`, with `option`).
pub fn parse_options(options: &[String]) -> Result<Vec<String>, crate::FieldError> {
    let mut kept: Vec<String> = Vec::new();
    for option in options.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
        let key = text::normalize(option).replace(' ', "");
        if let Some(first) = kept
            .iter()
            .find(|k| text::normalize(k).replace(' ', "") == key)
        {
            let error = crate::FieldError::new("options", "option_repeated")
                .with("option", option)
                .with("first", first);
            return Err(error);
        }
        kept.push(option.to_string());
    }
    Ok(kept)
}
