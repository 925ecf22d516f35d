//! The labels of each kind's built-in fields in every language, which a
//! custom field of the kind may not take: an export's header would then
//! name two columns alike, and an import would read the built-in one's
//! column as the custom field.

use kuijing_domain::Kind;
use kuijing_service::fields::{BuiltinLabels, label_key};
use kuijing_service::list_columns::ListKind;

use crate::i18n::Lang;
use crate::imports::{ImportKind, RecordImport};

/// The built-in fields of `kind`: its list's columns and its import's.
fn builtin_fields(kind: Kind) -> Vec<&'static str> {
    let mut fields: Vec<&'static str> = Vec::new();
    for list in ListKind::ALL.into_iter().filter(|l| l.kind() == kind) {
        fields.extend(list.system_columns());
    }
    for import in RecordImport::ALL.into_iter().filter(|i| i.kind() == kind) {
        fields.extend(import.columns());
    }
    for path in ["products", "opportunities", "contracts", "payments"] {
        if let Some(import) = ImportKind::parse(path).filter(|i| i.kind() == kind) {
            fields.extend(import.columns());
        }
    }
    fields.sort_unstable();
    fields.dedup();
    fields
}

/// The labels of `kind`'s built-in fields in every language, each to the
/// label `lang` shows.
pub fn builtin_labels(kind: Kind, lang: Lang) -> BuiltinLabels {
    let mut labels = BuiltinLabels::new();
    for field in builtin_fields(kind) {
        let key = format!("fields.{field}");
        let shown = lang.t(&key);
        if shown == key {
            continue;
        }
        for other in Lang::ALL {
            labels.insert(label_key(&other.t(&key)), shown.clone());
        }
    }
    labels
}
