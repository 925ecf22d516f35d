//! Validation errors that name the field and say what is wrong, as message codes.

use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field. `code` is a message key the web layer translates into the
/// user's language (`errors.<code>`); `field` is the name used in forms and JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    /// The name a person knows the field by, when it is not one of ours
    /// (a custom field's label).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Values the message names (`%{name}` in its text), such as counts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Vec<String>>)]
    pub params: Vec<(&'static str, String)>,
    /// Records the message counts and names: the payments not yet approved
    /// that an amount past what a contract (or an instalment) has
    /// outstanding is measured against (`exceeds_outstanding`,
    /// `exceeds_instalment`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<PendingRecord>,
}

/// A record not yet approved that an error counts, as the error names it:
/// its number, amount (in minor units of `currency`) and status code. An
/// earlier row of the file an import checks is named by its `row`, with
/// neither id nor number (it is not saved, and its number may go to another).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PendingRecord {
    pub id: Option<i64>,
    pub number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    pub amount: i64,
    pub currency: String,
    pub status: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        Self {
            field: field.into(),
            code,
            label: None,
            params: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// The error with a value its message names as `%{name}`.
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.push((name, value.to_string()));
        self
    }

    /// The error naming the records it counts (see [`PendingRecord`]).
    pub fn counting(mut self, pending: Vec<PendingRecord>) -> Self {
        self.pending = pending;
        self
    }

    /// The error naming its field by `label` (a record's or a custom field's name).
    pub fn labelled(mut self, label: &str) -> Self {
        self.label = Some(label.to_string());
        self
    }
}

/// A collection of field errors gathered while parsing one input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, code: &'static str) {
        self.0.push(FieldError::new(field, code));
    }

    /// As `add`, for a field named by its label.
    pub fn add_labelled(&mut self, field: impl Into<String>, label: &str, code: &'static str) {
        self.0.push(FieldError {
            label: Some(label.to_string()),
            ..FieldError::new(field, code)
        });
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// Keeps the value of a parse, or records its error under `field`
    /// (with the values its message names, such as a maximum length).
    pub fn take<T, E: Into<Refusal>>(&mut self, field: &str, parsed: Result<T, E>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(refusal) => {
                self.push(refusal.into().on(field));
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was wrong.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl From<FieldError> for FieldErrors {
    fn from(error: FieldError) -> Self {
        Self(vec![error])
    }
}

/// Why a typed value was refused: a message code and the values its message
/// names (`too_long` names the maximum length as `%{max}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub params: Vec<(&'static str, String)>,
}

impl Refusal {
    /// Longer than `max` characters.
    pub fn too_long(max: usize) -> Self {
        Self {
            code: "too_long",
            params: vec![("max", max.to_string())],
        }
    }

    /// The refusal as the error of `field`.
    pub fn on(self, field: impl Into<String>) -> FieldError {
        FieldError {
            params: self.params,
            ..FieldError::new(field, self.code)
        }
    }
}

impl From<&'static str> for Refusal {
    fn from(code: &'static str) -> Self {
        Self {
            code,
            params: Vec::new(),
        }
    }
}

impl PartialEq<&str> for Refusal {
    fn eq(&self, code: &&str) -> bool {
        self.code == *code
    }
}
