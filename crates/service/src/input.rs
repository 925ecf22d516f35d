//! Helpers for reading input: patches (a field left out is kept, a `null`
//! clears it) and the checks the record kinds share.

use chrono::{DateTime, Datelike, Utc};
use kuijing_domain::FieldErrors;
use kuijing_domain::company::phone_is_valid;
use kuijing_domain::postal::postcode_is_valid;
use serde::{Deserialize, Deserializer};

/// For `Option<Option<T>>` fields with `#[serde(default)]`: absent stays
/// `None`, `null` becomes `Some(None)`, a value `Some(Some(v))`.
pub(crate) fn nullable<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A required id that may come as `null` (a form's empty choice): `0`,
/// which no record has, for the checks to call it required.
pub(crate) fn id_or_zero<'de, D>(deserializer: D) -> Result<i64, D::Error>
where
    D: Deserializer<'de>,
{
    Option::<i64>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// An optional text field of up to `max` characters (trimmed, refused with
/// control characters), stored half-width: phones, mobiles and tax IDs.
pub(crate) fn half_width_text(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<String>,
    max: usize,
) -> Option<String> {
    let value = value.map(|v| kuijing_domain::text::half_width(&v));
    errors
        .take(
            field,
            kuijing_domain::text::parse_optional_text(value.as_deref(), max),
        )
        .flatten()
}

/// Refuses a phone or mobile of a customer, lead or contact that does not
/// read as a number (see [`phone_is_valid`]), under its own field.
pub(crate) fn check_phones<'a>(
    errors: &mut FieldErrors,
    phones: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) {
    for (field, phone) in phones {
        if phone.is_some_and(|p| !phone_is_valid(p)) {
            errors.add(field, "phone_invalid");
        }
    }
}

/// Refuses a next contact time more than ten years ahead (a mistyped year),
/// as a follow-up's is.
pub(crate) fn check_next_contact(
    errors: &mut FieldErrors,
    next_contact_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) {
    if next_contact_at.is_some_and(|next| next.year() > now.year() + 10) {
        errors.add("next_contact_at", "next_contact_too_far");
    }
}

/// An optional postal code of a customer, lead or contact: stored
/// half-width as typed (its leading zeros kept), of 3 to 6 digits or 3
/// digits, a hyphen and 2 or 3 more (`100`, `10048`, `100-01`; see
/// [`postcode_is_valid`]). Other text (`-1-1`, `1--`, `##`) is refused,
/// naming the field and the shapes it takes.
pub(crate) fn postcode(errors: &mut FieldErrors, value: Option<String>) -> Option<String> {
    let code = half_width_text(errors, "postcode", value, 12)?;
    if !postcode_is_valid(&code) {
        errors.add("postcode", "postcode_shape");
        return None;
    }
    Some(code)
}

/// A postal code leading a one-line address (`100臺北市…`, `(100) 臺北市…`)
/// goes to its own field, unless the row gives one apart; the address keeps
/// the rest. Imports of leads and contacts read addresses so.
pub(crate) fn read_postcode(postcode: &mut Option<String>, address: &mut Option<String>) {
    if postcode.is_some() {
        return;
    }
    let split = address
        .as_deref()
        .and_then(kuijing_domain::region::take_postcode);
    if let Some((code, rest)) = split {
        *postcode = Some(code);
        *address = Some(rest);
    }
}
