//! The one error type of the use cases. The web layer turns it into a
//! problem document or a page, in the user's language.

use kuijing_domain::FieldErrors;
use kuijing_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No valid session or token.
    #[error("not signed in")]
    Unauthenticated,
    /// The phone or the password is wrong; which one is not said.
    #[error("bad credentials")]
    BadCredentials,
    /// The user's account is disabled.
    #[error("account disabled")]
    Disabled,
    /// Too many failed sign-ins on one phone.
    #[error("sign-in throttled for {retry_after} s")]
    Throttled { retry_after: i64, locked: bool },
    #[error("forbidden")]
    Forbidden,
    /// Missing, or outside the actor's scope: the two look the same.
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// The record changed since it was read; `version` is the stored one.
    #[error("stale version, stored is {version}")]
    Stale { version: i64 },
    /// As `Stale`, with the record as it is stored now, so nothing typed is
    /// lost: the client shows what changed beside what the user entered.
    #[error("stale version, stored is {version}")]
    Changed {
        version: i64,
        current: Box<serde_json::Value>,
    },
    /// A rule refuses the action; `code` names the reason for the message.
    #[error("refused: {code}")]
    Refused { code: &'static str },
    /// As `Refused`, with numbers the message names (`%{limit}` ...).
    #[error("refused: {code}")]
    RefusedWith {
        code: &'static str,
        params: Vec<(&'static str, String)>,
    },
    /// Leads to convert look like customers already there: each lead with
    /// its matches, so the client offers to link them or create anyway.
    #[error("leads match existing customers")]
    Duplicates(Vec<crate::lead_convert::LeadDuplicates>),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        ServiceError::Internal(error.to_string())
    }
}

impl From<FieldErrors> for ServiceError {
    fn from(errors: FieldErrors) -> Self {
        ServiceError::Invalid(errors)
    }
}

impl From<kuijing_domain::FieldError> for ServiceError {
    fn from(error: kuijing_domain::FieldError) -> Self {
        ServiceError::Invalid(error.into())
    }
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// Turns a unique violation on `constraint` into a field error on `field`.
pub(crate) fn unique_to_field(
    error: StoreError,
    constraint: &str,
    field: &str,
    code: &'static str,
) -> ServiceError {
    match error {
        StoreError::Unique(name) if name.contains(constraint) => {
            ServiceError::Invalid(kuijing_domain::FieldError::new(field, code).into())
        }
        other => other.into(),
    }
}

/// A parameter of fixed values given another (`by=bogus`): `invalid_choice`,
/// with the values it takes as `choices`, which its message lists.
pub(crate) fn not_one_of(field: &str, choices: &[&str]) -> kuijing_domain::FieldError {
    kuijing_domain::FieldError::new(field, "invalid_choice").with("choices", choices.join(", "))
}
