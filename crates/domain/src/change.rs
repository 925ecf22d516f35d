//! Entries of the change log: who created, changed or deleted what.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Create,
    Update,
    Delete,
}

impl ChangeAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "create" => Some(Self::Create),
            "update" => Some(Self::Update),
            "delete" => Some(Self::Delete),
            _ => None,
        }
    }
}

/// One field's old and new value, as the text a person would read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A change about to be written to the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: crate::Kind,
    pub record_id: i64,
    pub action: ChangeAction,
    pub fields: Vec<FieldChange>,
}

/// Collects the fields whose value differs between two versions of a record.
#[derive(Debug, Default)]
pub struct Diff(Vec<FieldChange>);

impl Diff {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `field` when `old` and `new` differ.
    pub fn field<T: ToString + PartialEq>(&mut self, field: &str, old: Option<T>, new: Option<T>) {
        if old != new {
            self.0.push(FieldChange {
                field: field.to_string(),
                old: old.map(|v| v.to_string()),
                new: new.map(|v| v.to_string()),
            });
        }
    }

    /// Records each custom field (`custom.<key>`) whose value differs,
    /// as its text.
    pub fn custom(
        &mut self,
        old: &serde_json::Map<String, serde_json::Value>,
        new: &serde_json::Map<String, serde_json::Value>,
    ) {
        let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        for key in keys {
            let text = |m: &serde_json::Map<String, serde_json::Value>| {
                m.get(key.as_str())
                    .filter(|v| !v.is_null())
                    .map(crate::fields::display)
            };
            self.field(&format!("custom.{key}"), text(old), text(new));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_fields(self) -> Vec<FieldChange> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_keeps_only_changed_fields() {
        let mut diff = Diff::new();
        diff.field("name", Some("a"), Some("b"));
        diff.field("post", Some("x"), Some("x"));
        diff.field("email", None, Some("e@x.io"));
        let fields = diff.into_fields();
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[0].field, "name");
        assert_eq!(fields[1].old, None);
    }
}
