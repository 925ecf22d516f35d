//! How the columns of a file are read as fields: as the user chose (by
//! column number, `#2`, or by header text where no other column has it),
//! else by key, label in any language or known synonym; two columns chosen
//! for one field, two keys for one column, a key naming no column and a
//! value naming no field are refused, each named.

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

/// How a mapping key that reads as a column number (`#2`, `# 2`, `＃２`,
/// full-width read as half-width) is read: `Some(Some(n))` for column `n`,
/// `Some(None)` for a number that names no column (`#0`, `#01`, one too
/// large to read); `None` for a key that is no number, a header's text.
fn column_number(key: &str) -> Option<Option<usize>> {
    let key = text::half_width(key);
    let digits = key.trim().strip_prefix('#')?.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        digits
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0 && !digits.starts_with('0')),
    )
}

/// How a column is named in a mapping and in messages: its header where
/// no other column has it, else its number (`#3`); a header that reads as
/// a column number (`#2`) is named by its own number too, as a mapping
/// key `#2` is always column 2.
fn column_key(headers: &[String], at: usize) -> String {
    let header = &headers[at];
    let unique = headers.iter().filter(|h| *h == header).count() == 1;
    if unique && !header.trim().is_empty() && column_number(header).is_none() {
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

/// The mapping key and field the user chose for each column (`Some` with
/// `""` for a column read as nothing, `None` where they chose nothing): by
/// column number (`#2`), else by header text where one column alone has
/// it. A key that names no column of the file, a header text two columns
/// share, and two keys naming one column are refused, each named.
fn chosen_columns(
    headers: &[String],
    given: Option<&BTreeMap<String, String>>,
    errors: &mut FieldErrors,
) -> Vec<Option<(String, String)>> {
    let mut chosen: Vec<Option<(String, String)>> = vec![None; headers.len()];
    let Some(given) = given else {
        return chosen;
    };
    let unknown = |key: &str| {
        FieldError::new(format!("mapping.{key}"), "mapping_column_unknown")
            .with("column", key.trim())
            .with("count", headers.len())
    };
    for (key, field) in given {
        let at = match column_number(key) {
            Some(Some(number)) if number <= headers.len() => number - 1,
            Some(_) => {
                errors.push(unknown(key));
                continue;
            }
            None => {
                let at: Vec<usize> = (0..headers.len())
                    .filter(|i| headers[*i].trim() == key.trim())
                    .collect();
                match at[..] {
                    // A header the file does not have: refused rather than
                    // left out unsaid, so the column is not read by its
                    // name instead of as the user meant.
                    [] => {
                        errors.push(unknown(key));
                        continue;
                    }
                    [at] => at,
                    _ => {
                        let numbers: Vec<String> =
                            at.iter().map(|i| format!("#{}", i + 1)).collect();
                        errors.push(
                            FieldError::new(format!("mapping.{key}"), "mapping_header_repeated")
                                .with("header", key)
                                .with("columns", numbers.join(", "))
                                .with("example", &numbers[0]),
                        );
                        continue;
                    }
                }
            }
        };
        match &chosen[at] {
            // Two keys for one column: which one the user meant is not for
            // the import to guess.
            Some((first, _)) => errors.push(
                FieldError::new(format!("mapping.{key}"), "mapping_column_twice")
                    .with("first", first.as_str())
                    .with("second", key.as_str())
                    .with("column", column_label(headers, at)),
            ),
            None => chosen[at] = Some((key.clone(), field.clone())),
        }
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
            Some((_, field)) if field.is_empty() => None,
            Some((key, field)) => {
                if !importable.contains(field) {
                    // The value named, with the fields a column may be read
                    // as (the template's header row has them too).
                    errors.push(
                        FieldError::new(format!("mapping.{key}"), "mapping_field_unknown")
                            .with("column", key.trim())
                            .with("value", field)
                            .with("fields", importable.join(", ")),
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
            // Named as the mapping names columns, to be mapped by that name.
            _ => unmapped.push(column_key(headers, at)),
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
        assert_eq!(unmapped, ["#3", "#4", "#5"]);
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

    #[test]
    fn keys_read_as_numbers_in_either_width_and_only_as_written() {
        assert_eq!(column_number("#3"), Some(Some(3)));
        assert_eq!(column_number(" # 3 "), Some(Some(3)));
        assert_eq!(column_number("＃3"), Some(Some(3)));
        assert_eq!(column_number("#３"), Some(Some(3)));
        for refused in ["#0", "#01", "#99999999999999999999"] {
            assert_eq!(column_number(refused), Some(None), "{refused}");
        }
        for text in ["#x", "#-1", "#", "Phone", "3"] {
            assert_eq!(column_number(text), None, "{text}");
        }
        // A header that reads as a number is named by its position.
        let headers = ["#2", "Name"].map(String::from);
        assert_eq!(column_key(&headers, 0), "#1");
        assert_eq!(column_key(&headers, 1), "Name");
    }
}
