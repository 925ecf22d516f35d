//! How the headers of a file are read as fields: as the user chose, else by
//! key, label in any language or known synonym; two columns chosen for one
//! field are refused, naming both.

use std::collections::BTreeMap;

use kuijing_domain::fields::FieldDef;
use kuijing_domain::{FieldError, FieldErrors, text};

use crate::error::{Result, ServiceError};

/// Errors on custom fields name them by their label.
pub(super) fn named_custom(error: ServiceError, defs: &[FieldDef]) -> ServiceError {
    match error {
        ServiceError::Invalid(mut errors) => {
            for e in &mut errors.0 {
                let key = e.field.strip_prefix("custom.");
                if let Some(def) = defs.iter().find(|d| Some(d.key.as_str()) == key) {
                    e.label = Some(def.label.clone());
                }
            }
            ServiceError::Invalid(errors)
        }
        other => other,
    }
}

/// Header → field: the given mapping first, then field keys, labels in any
/// language and known synonyms, compared normalised.
pub(super) fn map_headers(
    headers: &[String],
    given: Option<&BTreeMap<String, String>>,
    (aliases, synonyms): (&BTreeMap<String, String>, &[(&str, &str)]),
    importable: &[String],
) -> Result<(BTreeMap<String, String>, Vec<String>)> {
    let mut mapping: BTreeMap<String, String> = BTreeMap::new();
    let mut unmapped = Vec::new();
    let mut errors = FieldErrors::new();
    // The headers the user chose a field for (not matched by name).
    let mut chosen_by_user: Vec<&String> = Vec::new();
    for header in headers {
        let chosen = match given.and_then(|g| g.get(header)) {
            Some(field) if field.is_empty() => None,
            Some(field) => {
                if !importable.contains(field) {
                    errors.add(format!("mapping.{header}"), "field_unknown");
                }
                chosen_by_user.push(header);
                Some(field.clone())
            }
            None => {
                let key = text::normalize(header);
                importable
                    .iter()
                    .find(|f| **f == key)
                    .cloned()
                    .or_else(|| {
                        aliases
                            .get(&key)
                            .filter(|f| importable.contains(f))
                            .cloned()
                    })
                    .or_else(|| {
                        synonyms
                            .iter()
                            .find(|(s, _)| text::normalize(s) == key)
                            .map(|(_, f)| f.to_string())
                    })
            }
        };
        let earlier = chosen.as_ref().and_then(|field| {
            mapping
                .iter()
                .find(|(_, f)| *f == field)
                .map(|(h, _)| h.clone())
        });
        match (chosen, earlier) {
            (Some(field), None) => {
                mapping.insert(header.clone(), field);
            }
            // Two columns the user read as one field: refused, naming both,
            // rather than one of them left out unsaid.
            (Some(field), Some(first))
                if chosen_by_user.contains(&header) || chosen_by_user.contains(&&first) =>
            {
                errors.push(
                    FieldError::new(field, "mapping_repeated")
                        .with("first", first)
                        .with("second", header),
                );
            }
            // Matched by name alone, the first column of a field wins; the
            // other is shown unmapped, to be read as another field if need be.
            _ => unmapped.push(header.clone()),
        }
    }
    errors.into_result()?;
    Ok((mapping, unmapped))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn a_header_maps_by_key_alias_or_synonym_and_only_once() {
        let aliases = BTreeMap::from([("名稱".to_string(), "name".to_string())]);
        let importable = vec!["name".to_string(), "phone".to_string()];
        let headers = ["名稱", "電話", "name", "other"].map(String::from);
        let (mapping, unmapped) = map_headers(
            &headers,
            None,
            (&aliases, &[("電話", "phone")]),
            &importable,
        )
        .expect("mapped");
        assert_eq!(mapping.get("名稱").map(String::as_str), Some("name"));
        assert_eq!(mapping.get("電話").map(String::as_str), Some("phone"));
        assert_eq!(unmapped, ["name", "other"]);
        let given = BTreeMap::from([("other".to_string(), "nothing".to_string())]);
        assert!(map_headers(&headers, Some(&given), (&aliases, &[]), &importable).is_err());
    }

    #[test]
    fn two_columns_chosen_for_one_field_are_refused_naming_both() {
        let aliases = BTreeMap::new();
        let importable = vec!["name".to_string(), "phone".to_string()];
        let headers = ["Company", "Tel", "Tel 2"].map(String::from);
        let given = BTreeMap::from([
            ("Company".to_string(), "name".to_string()),
            ("Tel".to_string(), "phone".to_string()),
            ("Tel 2".to_string(), "phone".to_string()),
        ]);
        let Err(ServiceError::Invalid(errors)) =
            map_headers(&headers, Some(&given), (&aliases, &[]), &importable)
        else {
            panic!("refused");
        };
        let error = &errors.0[0];
        assert_eq!(
            (error.field.as_str(), error.code),
            ("phone", "mapping_repeated")
        );
        assert_eq!(
            error.params,
            [
                ("first", "Tel".to_string()),
                ("second", "Tel 2".to_string())
            ]
        );
        // A column chosen for a field another column is matched to by name.
        let headers = ["Company", "phone", "Tel 2"].map(String::from);
        let given = BTreeMap::from([("Tel 2".to_string(), "phone".to_string())]);
        assert!(map_headers(&headers, Some(&given), (&aliases, &[]), &importable).is_err());
    }
}
