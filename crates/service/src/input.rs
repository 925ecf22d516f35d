//! Helpers for reading patches: a field left out is kept, a `null` clears it.

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
