//! What the server remembers of a check of an uploaded file between the
//! check and the confirmation: the mapping and the duplicate choice it was
//! checked with, kept beside the upload. A confirmation is written only
//! when it asks for exactly that; otherwise the file is checked again and
//! shown, so no row is written that was not checked as it will be written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How a file was (or is asked to be) read: each column, by its number,
/// read as a field (columns left out are not read), and what to do with
/// duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct CheckedAs {
    pub mapping: BTreeMap<String, String>,
    pub duplicates: String,
}

impl CheckedAs {
    /// A mapping as a page posts it (`#<n>` → field, `""` for a column read
    /// as nothing)
    /// or as a check used it.
    pub fn new(mapping: &BTreeMap<String, String>, duplicates: &str) -> Self {
        Self {
            mapping: mapping
                .iter()
                .filter(|(_, field)| !field.is_empty())
                .map(|(header, field)| (header.clone(), field.clone()))
                .collect(),
            duplicates: duplicates.to_string(),
        }
    }
}

/// The field each column is read as, keyed by the column's number (`#1`
/// is the first), as the page posts a mapping.
pub(super) fn by_number(columns: &[String]) -> BTreeMap<String, String> {
    columns
        .iter()
        .enumerate()
        .map(|(at, field)| (format!("#{}", at + 1), field.clone()))
        .collect()
}

/// Where the check of an upload is remembered.
fn note_of(upload: &Path) -> PathBuf {
    let mut name = upload.as_os_str().to_owned();
    name.push(".checked");
    PathBuf::from(name)
}

/// Remembers the mapping a check of `upload` read it with.
pub(super) async fn remember(upload: &Path, checked: &CheckedAs) -> std::io::Result<()> {
    let text = serde_json::to_vec(checked).map_err(std::io::Error::other)?;
    tokio::fs::write(note_of(upload), text).await
}

/// The mapping the last check of `upload` read it with; none when the file
/// was never checked (or its note cannot be read).
pub(super) async fn recall(upload: &Path) -> Option<CheckedAs> {
    let text = tokio::fs::read(note_of(upload)).await.ok()?;
    serde_json::from_slice(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ignored_column_is_the_same_as_one_left_out() {
        let posted = BTreeMap::from([
            ("Name".to_string(), "name".to_string()),
            ("Fax".to_string(), String::new()),
        ]);
        let used = BTreeMap::from([("Name".to_string(), "name".to_string())]);
        assert_eq!(
            CheckedAs::new(&posted, "skip"),
            CheckedAs::new(&used, "skip")
        );
        assert_ne!(
            CheckedAs::new(&posted, "skip"),
            CheckedAs::new(&used, "update")
        );
    }
}
