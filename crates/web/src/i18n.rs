//! The three languages of the product, and how one is chosen for a request.

use axum::http::HeaderMap;
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Lang {
    #[serde(rename = "zh-Hant")]
    ZhHant,
    #[serde(rename = "zh-Hans")]
    ZhHans,
    #[serde(rename = "en")]
    En,
}

/// Sections beside `fields` that name fields, each `<section>.<field>`.
const FIELD_SECTIONS: &[&str] = &[
    "insight2.fields",
    "builder_fix.fields",
    "targets2_fix.fields",
];

/// Sections that add keys under existing groups (`<section>.<key>`), found
/// when the group itself has no such key: `life4.notifications.kinds.x`
/// answers `notifications.kinds.x`. The first section with a key answers
/// (`money_fix` words the product column's messages with the discount).
const ADDED_SECTIONS: &[&str] = &[
    "life4",
    "import6",
    "money_fix",
    "opportunity_import",
    "targets_fix",
];

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::ZhHant, Lang::ZhHans, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhHant => "zh-Hant",
            Lang::ZhHans => "zh-Hans",
            Lang::En => "en",
        }
    }

    /// The language's own name, shown in the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::ZhHant => "繁體中文",
            Lang::ZhHans => "简体中文",
            Lang::En => "English",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code))
    }

    /// The best of ours for an `Accept-Language` header: Taiwan, Hong Kong
    /// and Macao Chinese, and `zh-Hant`, read Traditional; other Chinese
    /// reads Simplified.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut tags: Vec<(f32, String)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim().to_ascii_lowercase();
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
                    .unwrap_or(1.0);
                (!tag.is_empty()).then_some((q, tag))
            })
            .collect();
        tags.sort_by(|a, b| b.0.total_cmp(&a.0));
        tags.into_iter().find_map(|(_, tag)| {
            if tag.starts_with("zh") {
                let traditional = ["hant", "tw", "hk", "mo"].iter().any(|m| tag.contains(m));
                Some(if traditional {
                    Lang::ZhHant
                } else {
                    Lang::ZhHans
                })
            } else if tag.starts_with("en") {
                Some(Lang::En)
            } else {
                None
            }
        })
    }

    /// The user's choice, else the language cookie, else the browser's, else the default.
    pub fn choose(user: Option<&str>, headers: &HeaderMap, default: &str) -> Lang {
        let cookie = crate::auth::cookie_value(headers, crate::auth::LANG_COOKIE);
        user.and_then(Lang::parse)
            .or_else(|| cookie.as_deref().and_then(Lang::parse))
            .or_else(|| {
                headers
                    .get(axum::http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .or_else(|| Lang::parse(default))
            .unwrap_or(Lang::ZhHant)
    }

    /// The text of a message key in this language.
    pub fn t(self, key: &str) -> String {
        let text = rust_i18n::t!(key, locale = self.code());
        if text == key
            && let Some(field) = key.strip_prefix("fields.")
        {
            // Fields added later are named in their module's own section.
            for section in FIELD_SECTIONS {
                let other = format!("{section}.{field}");
                let found = rust_i18n::t!(&other, locale = self.code());
                if found != other {
                    return found.into_owned();
                }
            }
        }
        if text == key {
            for section in ADDED_SECTIONS {
                let other = format!("{section}.{key}");
                let found = rust_i18n::t!(&other, locale = self.code());
                if found != other {
                    return found.into_owned();
                }
            }
        }
        text.into_owned()
    }
}

/// Names the fields of change-log entries that no locale section of the
/// forms names (a customer's `lead`, written when a lead is converted into
/// it) in `labels`, so the log reads "Converted from lead …" rather than a
/// key, on the pages and in the API alike.
pub fn word_log_fields(entries: &mut [kuijing_service::changelog::LogView], lang: Lang) {
    for entry in entries {
        for field in &entry.fields {
            let key = format!("records_fix11.log_fields.{}", field.field);
            let text = lang.t(&key);
            if text != key {
                entry.labels.entry(field.field.clone()).or_insert(text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_script() {
        assert_eq!(
            Lang::from_accept_language("zh-TW,zh;q=0.9"),
            Some(Lang::ZhHant)
        );
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Some(Lang::ZhHans)
        );
        assert_eq!(Lang::from_accept_language("fr-FR,en;q=0.5"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de"), None);
    }
}
