//! How the columns of a file are read as fields: as the user chose (by
//! column number, `#2`, or by header text where no other column has it),
//! else by key, label in any language or known synonym; two columns chosen
//! for one field are refused, naming both.

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

/// The column a mapping key names by number: `#1` is the first.
fn column_number(key: &str) -> Option<usize> {
    key.trim().strip_prefix('#')?.trim().parse().ok()
}

/// How a column is named in a mapping and in messages: its header where
/// no other column has it, else its number (`#3`).
fn column_key(headers: &[String], at: usize) -> String {
    let header = &headers[at];
    let unique = headers.iter().filter(|h| *h == header).count() == 1;
    if unique && !header.trim().is_empty() {
        header.clone()
    } else {
        format!("#{}", at + 1)
    }
}

/// A column as a message names it: its header, with its number where the
/// header does not tell it apart (`#3 電話`).
fn column_label(headers: &[String], at: usize) -> String {
    let key = column_key(headers, at);
    if key.starts_with('#') && !headers[at].trim().is_empty() {
        format!("{key} {}", headers[at].trim())
    } else {
        key
    }
}

/// The field the user chose for each column (`Some("")` for one read as
/// nothing, `None` where they chose nothing): by column number first, then
/// by header text where one column alone has it; a header text two columns
/// share is refused, asking for the column's number.
fn chosen_columns(
    headers: &[String],
    given: Option<&BTreeMap<String, String>>,
    errors: &mut FieldErrors,
) -> Vec<Option<String>> {
    let mut chosen: Vec<Option<String>> = vec![None; headers.len()];
    let Some(given) = given else {
        return chosen;
    };
    let mut by_number = Vec::new();
    for (key, field) in given {
        if let Some(number) = column_number(key) {
            if number == 0 || number > headers.len() {
                errors.push(
                    FieldError::new(format!("mapping.{key}"), "mapping_column_unknown")
                        .with("column", key.trim())
                        .with("count", headers.len()),
                );
            } else {
                by_number.push((number - 1, field));
            }
            continue;
        }
        let at: Vec<usize> = (0..headers.len()).filter(|i| headers[*i] == *key).collect();
        match at[..] {
            // A header the file does not have: nothing to read.
            [] => {}
            [at] => chosen[at] = Some(field.clone()),
            _ => {
                let numbers: Vec<String> = at.iter().map(|i| format!("#{}", i + 1)).collect();
                errors.push(
                    FieldError::new(format!("mapping.{key}"), "mapping_header_repeated")
                        .with("header", key)
                        .with("columns", numbers.join(", "))
                        .with("example", &numbers[0]),
                );
            }
        }
    }
    for (at, field) in by_number {
        chosen[at] = Some(field.clone());
    }
    chosen
}

/// Column → field, by position: the given mapping first, then field keys,
/// labels in any language and known synonyms, compared normalised. Answers
/// the field each column is read as and the headers read as none.
pub(super) fn map_headers(
    headers: &[String],
    given: Option<&BTreeMap<String, String>>,
    (aliases, synonyms): (&BTreeMap<String, String>, &[(&str, &str)]),
    importable: &[String],
) -> Result<(Vec<Option<String>>, Vec<String>)> {
    let mut errors = FieldErrors::new();
    let chosen = chosen_columns(headers, given, &mut errors);
    let mut mapping: Vec<Option<String>> = vec![None; headers.len()];
    let mut unmapped = Vec::new();
    for (at, header) in headers.iter().enumerate() {
        let by_user = chosen[at].is_some();
        let field = match &chosen[at] {
            Some(field) if field.is_empty() => None,
            Some(field) => {
                if !importable.contains(field) {
                    errors.add(
                        format!("mapping.{}", column_key(headers, at)),
                        "field_unknown",
                    );
                }
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
        let earlier = field
            .as_ref()
            .and_then(|field| mapping.iter().position(|f| f.as_ref() == Some(field)));
        match (field, earlier) {
            (Some(field), None) => mapping[at] = Some(field),
            // Two columns the user read as one field: refused, naming both,
            // rather than one of them left out unsaid.
            (Some(field), Some(first)) if by_user || chosen[first].is_some() => {
                errors.push(
                    FieldError::new(field, "mapping_repeated")
                        .with("first", column_label(headers, first))
                        .with("second", column_label(headers, at)),
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

/// The mapping as a report shows it: each column read as a field, named as
/// a mapping may name it again ([`column_key`]).
pub(super) fn mapping_of(
    headers: &[String],
    columns: &[Option<String>],
) -> BTreeMap<String, String> {
    columns
        .iter()
        .enumerate()
        .filter_map(|(at, field)| Some((column_key(headers, at), field.clone()?)))
        .collect()
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
        assert_eq!(mapping[0].as_deref(), Some("name"));
        assert_eq!(mapping[1].as_deref(), Some("phone"));
        assert_eq!(mapping[2..], [None, None]);
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

    #[test]
    fn two_columns_of_one_header_are_told_apart_by_number() {
        let aliases = BTreeMap::new();
        let importable = vec![
            "name".to_string(),
            "phone".to_string(),
            "mobile".to_string(),
        ];
        let synonyms: &[(&str, &str)] = &[("電話", "phone")];
        let headers = ["Name", "電話", "電話", "", ""].map(String::from);
        // By name: the first column of the field wins, the other is unread.
        let (mapping, unmapped) =
            map_headers(&headers, None, (&aliases, synonyms), &importable).expect("mapped");
        assert_eq!(mapping[1].as_deref(), Some("phone"));
        assert_eq!(mapping[2], None);
        assert_eq!(unmapped, ["電話", "", ""]);
        assert_eq!(
            mapping_of(&headers, &mapping),
            BTreeMap::from([
                ("Name".to_string(), "name".to_string()),
                ("#2".to_string(), "phone".to_string())
            ])
        );
        // By number: each column as chosen, the blank ones too.
        let given = BTreeMap::from([
            ("#2".to_string(), "mobile".to_string()),
            ("#3".to_string(), "phone".to_string()),
            ("#5".to_string(), "".to_string()),
        ]);
        let (mapping, _) =
            map_headers(&headers, Some(&given), (&aliases, synonyms), &importable).expect("mapped");
        assert_eq!(mapping[1].as_deref(), Some("mobile"));
        assert_eq!(mapping[2].as_deref(), Some("phone"));
        // A shared header named by its text is refused, asking for numbers.
        let given = BTreeMap::from([("電話".to_string(), "mobile".to_string())]);
        let Err(ServiceError::Invalid(errors)) =
            map_headers(&headers, Some(&given), (&aliases, synonyms), &importable)
        else {
            panic!("refused");
        };
        assert_eq!(errors.0[0].code, "mapping_header_repeated");
        assert_eq!(errors.0[0].params[1], ("columns", "#2, #3".to_string()));
        // A number past the last column, and two columns chosen for one
        // field named with their numbers.
        let given = BTreeMap::from([("#9".to_string(), "mobile".to_string())]);
        assert!(map_headers(&headers, Some(&given), (&aliases, synonyms), &importable).is_err());
        let given = BTreeMap::from([
            ("#2".to_string(), "phone".to_string()),
            ("#3".to_string(), "phone".to_string()),
        ]);
        let Err(ServiceError::Invalid(errors)) =
            map_headers(&headers, Some(&given), (&aliases, synonyms), &importable)
        else {
            panic!("refused");
        };
        assert_eq!(
            errors.0[0].params,
            [
                ("first", "#2 電話".to_string()),
                ("second", "#3 電話".to_string())
            ]
        );
    }
}
