//! A query parameter that does not read is named as sent (`from`, not the
//! label some form gives a field of that name) with the form it takes, read
//! from the operation's OpenAPI description: a date, a date and time, a
//! whole number, yes or no, or one of its values.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::MatchedPath;
use axum::http::request::Parts;
use kuijing_domain::FieldError;
use serde_json::Value;

use crate::i18n::Lang;

/// The form a query parameter takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expected {
    DateTime,
    Date,
    Integer,
    Number,
    Boolean,
    OneOf(Vec<String>),
    Text,
}

/// Per operation (`get /api/v1/customers`), each query parameter's form.
static EXPECTED: LazyLock<HashMap<String, HashMap<String, Expected>>> = LazyLock::new(|| {
    let document = serde_json::to_value(crate::api::openapi_document()).unwrap_or(Value::Null);
    let mut all = HashMap::new();
    let Some(paths) = document["paths"].as_object() else {
        return all;
    };
    for (path, item) in paths {
        let Some(operations) = item.as_object() else {
            continue;
        };
        for (method, operation) in operations {
            let mut params = HashMap::new();
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                if parameter["in"] != "query" {
                    continue;
                }
                let Some(name) = parameter["name"].as_str() else {
                    continue;
                };
                params.insert(
                    name.to_string(),
                    expected_of(&parameter["schema"], &document, 0),
                );
            }
            all.insert(format!("{method} {path}"), params);
        }
    }
    all
});

/// The form a schema describes; a list takes the form of its items, a
/// reference the form of what it names.
fn expected_of(schema: &Value, document: &Value, depth: u8) -> Expected {
    if depth > 6 {
        return Expected::Text;
    }
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return expected_of(
            &document["components"]["schemas"][name],
            document,
            depth + 1,
        );
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(found) = schema[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| expected_of(s, document, depth + 1))
            .find(|e| *e != Expected::Text)
        {
            return found;
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        let names: Vec<String> = values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        if !names.is_empty() {
            return Expected::OneOf(names);
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(all) => all.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let is = |t: &str| types.contains(&t);
    if is("array") {
        return expected_of(&schema["items"], document, depth + 1);
    }
    match schema["format"].as_str() {
        Some("date-time") => return Expected::DateTime,
        Some("date") => return Expected::Date,
        _ => {}
    }
    if is("integer") {
        Expected::Integer
    } else if is("number") {
        Expected::Number
    } else if is("boolean") {
        Expected::Boolean
    } else {
        Expected::Text
    }
}

/// The form the request's operation takes for `name`.
fn expected(parts: &Parts, name: &str) -> Expected {
    let Some(path) = parts.extensions.get::<MatchedPath>() else {
        return Expected::Text;
    };
    let method = parts.method.as_str().to_ascii_lowercase();
    EXPECTED
        .get(&format!("{method} {}", path.as_str()))
        .and_then(|params| params.get(name))
        .cloned()
        .unwrap_or(Expected::Text)
}

/// Whether the operation declares the query parameter `name` as a date.
pub(crate) fn declared_date(parts: &Parts, name: &str) -> bool {
    expected(parts, name) == Expected::Date
}

/// In words, in the user's language.
fn describe(expected: &Expected, lang: Lang) -> String {
    let key = match expected {
        Expected::DateTime => "date_time",
        Expected::Date => "date",
        Expected::Integer => "integer",
        Expected::Number => "number",
        Expected::Boolean => "boolean",
        Expected::Text => "text",
        Expected::OneOf(values) => {
            return lang
                .t("life_fix3.params.expected.one_of")
                .replace("%{values}", &values.join(", "));
        }
    };
    lang.t(&format!("life_fix3.params.expected.{key}"))
}

/// The refusal of a query parameter that does not read: named as sent,
/// with what was sent and the form it takes.
pub(crate) fn unreadable(parts: &Parts, name: &str, lang: Lang) -> FieldError {
    let sent: Vec<String> = parts
        .uri
        .query()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .filter(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
                .collect()
        })
        .unwrap_or_default();
    let expected = expected(parts, name);
    // A date with the year last could be day/month or month/day: said so,
    // as forms and imports say it, rather than only "cannot be read".
    if expected == Expected::Date
        && let [value] = sent.as_slice()
        && kuijing_domain::dates::parse_date(value) == Err("date_year_last")
    {
        return FieldError::new(name, "date_year_last").labelled(name);
    }
    FieldError::new(name, "parameter_unreadable")
        .labelled(name)
        .with("value", sent.join(", "))
        .with("expected", describe(&expected, lang))
}

/// A yes-or-no word as forms and addresses send it: `1`, `true`, `yes`,
/// `on` and their opposites, case and spaces aside; `None` for anything
/// else, blank included.
pub(crate) fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn forms_read_from_schemas() {
        let document = json!({ "components": { "schemas": { "Status": { "type": "string", "enum": ["open", "won"] } } } });
        let of = |schema: Value| expected_of(&schema, &document, 0);
        assert_eq!(
            of(json!({ "type": ["string", "null"], "format": "date-time" })),
            Expected::DateTime
        );
        assert_eq!(
            of(json!({ "type": "string", "format": "date" })),
            Expected::Date
        );
        assert_eq!(
            of(json!({ "type": "array", "items": { "type": "integer" } })),
            Expected::Integer
        );
        assert_eq!(
            of(json!({ "oneOf": [{ "type": "null" }, { "$ref": "#/components/schemas/Status" }] })),
            Expected::OneOf(vec!["open".into(), "won".into()])
        );
        assert_eq!(of(json!({ "type": "string" })), Expected::Text);
    }
}

/// Every query string, for the API and the pages alike, loses its control
/// characters before any handler reads it: a NUL byte cannot reach SQL
/// (PostgreSQL refuses it in text), and a tab or line break reads as a space.
pub(crate) async fn without_controls(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if let Some(cleaned) = request.uri().query().and_then(cleaned_query) {
        let mut parts = request.uri().clone().into_parts();
        let path = request.uri().path();
        if let Ok(path_and_query) = format!("{path}?{cleaned}").parse() {
            parts.path_and_query = Some(path_and_query);
            if let Ok(uri) = axum::http::Uri::from_parts(parts) {
                *request.uri_mut() = uri;
            }
        }
    }
    next.run(request).await
}

/// The query written again without control characters, or `None` when it
/// has none (and is passed on untouched).
fn cleaned_query(query: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if !pairs
        .iter()
        .any(|(k, v)| k.chars().chain(v.chars()).any(char::is_control))
    {
        return None;
    }
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &pairs {
        out.append_pair(
            &kuijing_domain::text::without_controls(key),
            &kuijing_domain::text::without_controls(value),
        );
    }
    Some(out.finish())
}

#[cfg(test)]
mod control_tests {
    use super::cleaned_query;

    #[test]
    fn control_characters_leave_the_query_and_nothing_else_changes() {
        assert_eq!(cleaned_query("q=a%00b&x=1").as_deref(), Some("q=ab&x=1"));
        assert_eq!(cleaned_query("q=a%09b").as_deref(), Some("q=a+b"));
        assert_eq!(cleaned_query("q=%E5%8F%B0+%25"), None);
    }
}
