//! Optimistic locking by HTTP header. The detail of a customer, lead or
//! contact answers its version as its `ETag` (`"7"`); an edit may send it
//! back as `If-Match` instead of, or as well as, `version` in its body.
//! A stale one answers 409 as a stale `version` does. An edit that sends
//! neither saves over whatever is stored (last write wins).

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use kuijing_domain::FieldError;
use serde_json::Value;

/// The version an `If-Match` header names: `None` without the header or
/// for `*` (any version); refused when it is not one version.
pub fn version_of(headers: &HeaderMap) -> Result<Option<i64>, FieldError> {
    let Some(sent) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = sent.to_str().unwrap_or("").trim();
    if text == "*" {
        return Ok(None);
    }
    let tag = text.strip_prefix("W/").unwrap_or(text);
    let bare = tag
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(tag);
    match bare.parse::<i64>() {
        Ok(version) if version >= 1 => Ok(Some(version)),
        _ => Err(FieldError::new("If-Match", "if_match_unreadable").with("value", text)),
    }
}

/// Puts the `If-Match` version into an edit's body as its `version`; a
/// body that names another version is refused, as the two cannot both be
/// the version read.
pub fn into_body(body: &mut Value, version: Option<i64>) -> Result<(), FieldError> {
    let (Some(version), Value::Object(fields)) = (version, body) else {
        return Ok(());
    };
    match fields.get("version").and_then(Value::as_i64) {
        Some(sent) if sent != version => Err(FieldError::new("version", "if_match_disagrees")
            .with("version", sent.to_string())
            .with("tag", version.to_string())),
        _ => {
            fields.insert("version".into(), Value::from(version));
            Ok(())
        }
    }
}

/// A response with the record's version as its `ETag`, when it succeeded.
pub fn tagged(mut response: Response, version: Option<i64>) -> Response {
    if let Some(version) = version
        && response.status().is_success()
        && let Ok(value) = HeaderValue::from_str(&format!("\"{version}\""))
    {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_MATCH,
            HeaderValue::from_str(value).expect("header"),
        );
        headers
    }

    #[test]
    fn an_etag_is_read_quoted_weak_or_bare_and_star_checks_nothing() {
        assert_eq!(version_of(&HeaderMap::new()), Ok(None));
        assert_eq!(version_of(&headers("\"7\"")), Ok(Some(7)));
        assert_eq!(version_of(&headers("W/\"7\"")), Ok(Some(7)));
        assert_eq!(version_of(&headers(" 12 ")), Ok(Some(12)));
        assert_eq!(version_of(&headers("*")), Ok(None));
        for bad in ["\"a\"", "\"1\", \"2\"", "0", ""] {
            let refused = version_of(&headers(bad)).expect_err(bad);
            assert_eq!(refused.code, "if_match_unreadable", "{bad}");
        }
    }

    #[test]
    fn the_header_fills_the_version_and_may_not_contradict_it() {
        let mut body = json!({ "name": "x" });
        assert_eq!(into_body(&mut body, Some(3)), Ok(()));
        assert_eq!(body["version"], 3);
        let mut same = json!({ "version": 3 });
        assert_eq!(into_body(&mut same, Some(3)), Ok(()));
        let mut other = json!({ "version": 2 });
        let refused = into_body(&mut other, Some(3)).expect_err("two versions");
        assert_eq!(refused.code, "if_match_disagrees");
        let mut untouched = json!({ "name": "x" });
        assert_eq!(into_body(&mut untouched, None), Ok(()));
        assert!(untouched.get("version").is_none());
    }
}
