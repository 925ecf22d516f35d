//! What the product ships with is named in the viewer's language: a
//! built-in role (one with a code) or a built-in option (one with a key)
//! is stored under the name of the language the company first started in,
//! and shown in each viewer's own while that name is still one the product
//! gave it. A name an administrator chose is shown as they wrote it.

use crate::defaults::starting_names;

/// The languages the starting names exist in.
pub const LANGUAGES: [&str; 3] = ["zh-Hant", "zh-Hans", "en"];

/// The keys of the payment methods a company starts with, in the order of
/// their starting names.
pub const PAYMENT_METHOD_KEYS: [&str; 5] =
    ["bank_transfer", "cheque", "cash", "credit_card", "other"];

/// The keys of the customer levels a company starts with.
pub const LEVEL_KEYS: [&str; 3] = ["key_account", "regular", "low_priority"];

/// The keys of the industries a company starts with.
pub const INDUSTRY_KEYS: [&str; 7] = [
    "manufacturing",
    "wholesale_retail",
    "information_technology",
    "finance_insurance",
    "construction",
    "services",
    "other",
];

/// The keys of the customer sources a company starts with.
pub const SOURCE_KEYS: [&str; 6] = [
    "website",
    "cold_call",
    "referral",
    "trade_show",
    "advertising",
    "other",
];

/// The keys of the follow-up methods a company starts with.
pub const FOLLOW_UP_METHOD_KEYS: [&str; 6] = ["phone", "email", "visit", "sms", "wechat", "other"];

/// The keys of the built-in options of a choice field, in the order of its
/// starting names; `None` for a field whose options carry no keys.
pub fn option_keys(kind: &str, field: &str) -> Option<&'static [&'static str]> {
    match (kind, field) {
        ("customer", "level_id") => Some(&LEVEL_KEYS),
        ("customer", "industry_id") => Some(&INDUSTRY_KEYS),
        ("customer", "source_id") => Some(&SOURCE_KEYS),
        ("follow_up", "method_id") => Some(&FOLLOW_UP_METHOD_KEYS),
        ("payment", "method_id") => Some(&PAYMENT_METHOD_KEYS),
        _ => None,
    }
}

/// A built-in role's starting name and description in `language`.
fn role_in(code: &str, language: &str) -> Option<(&'static str, &'static str)> {
    starting_names(language)
        .roles
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, name, description)| (*name, *description))
}

/// `stored` in `language` when it is, in any language, what `starting`
/// gives (trimmed); otherwise `stored` itself.
fn shown<'a>(
    stored: &'a str,
    language: &str,
    starting: impl Fn(&str) -> Option<&'static str>,
) -> &'a str {
    let unchanged = LANGUAGES
        .iter()
        .any(|lang| starting(lang) == Some(stored.trim()));
    match starting(language) {
        Some(shown) if unchanged => shown,
        _ => stored,
    }
}

/// The name a role is shown by in `language`: a built-in role's name in
/// that language while its stored name is one of its starting names (in
/// any language); otherwise the stored name.
pub fn role_name<'a>(code: Option<&str>, name: &'a str, language: &str) -> &'a str {
    match code {
        Some(code) => shown(name, language, |lang| Some(role_in(code, lang)?.0)),
        None => name,
    }
}

/// The description a role is shown with in `language`, as its name is
/// (see [`role_name`]).
pub fn role_description<'a>(code: Option<&str>, description: &'a str, language: &str) -> &'a str {
    match code {
        Some(code) => shown(description, language, |lang| Some(role_in(code, lang)?.1)),
        None => description,
    }
}

/// The starting label of the built-in option `key` of a choice field in
/// `language`.
pub fn starting_label(kind: &str, field: &str, key: &str, language: &str) -> Option<&'static str> {
    let place = option_keys(kind, field)?.iter().position(|k| *k == key)?;
    starting_names(language)
        .options
        .iter()
        .find(|(k, f, _)| *k == kind && *f == field)
        .and_then(|(_, _, labels)| labels.get(place).copied())
}

/// The label an option is shown by in `language`: a built-in option's
/// label in that language while its stored label is one of its starting
/// labels (in any language); otherwise the stored label.
pub fn option_label<'a>(
    (kind, field): (&str, &str),
    key: Option<&str>,
    label: &'a str,
    language: &str,
) -> &'a str {
    match key {
        Some(key) => shown(label, language, |lang| {
            starting_label(kind, field, key, lang)
        }),
        None => label,
    }
}

/// A name a change log kept for a choice field (`level_id`, `industry_id`,
/// `source_id`, or a follow-up's or payment's `method_id`) in `language`,
/// when it is the starting label of a built-in option in any language.
pub fn logged_option(field: &str, name: &str, language: &str) -> Option<&'static str> {
    let kinds: &[&str] = match field {
        "level_id" | "industry_id" | "source_id" => &["customer"],
        "method_id" => &["follow_up", "payment"],
        _ => return None,
    };
    let name = name.trim();
    kinds.iter().find_map(|kind| {
        let key = option_keys(kind, field)?.iter().find(|key| {
            LANGUAGES
                .iter()
                .any(|lang| starting_label(kind, field, key, lang) == Some(name))
        })?;
        starting_label(kind, field, key, language)
    })
}

/// A role name a change log kept in `language`, when it is the starting
/// name of a built-in role in any language.
pub fn logged_role(name: &str, language: &str) -> Option<&'static str> {
    let name = name.trim();
    starting_names("en").roles.iter().find_map(|(code, _, _)| {
        let started = LANGUAGES
            .iter()
            .any(|lang| role_in(code, lang).map(|(n, _)| n) == Some(name));
        if started {
            Some(role_in(code, language)?.0)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::defaults::{SALES_REP, SUPER_ADMIN};

    #[test]
    fn a_built_in_role_is_named_in_the_viewers_language_until_renamed() {
        assert_eq!(role_name(Some(SALES_REP), "銷售代表", "en"), "Sales rep");
        assert_eq!(
            role_name(Some(SALES_REP), "Sales rep", "zh-Hans"),
            "销售代表"
        );
        assert_eq!(
            role_name(Some(SUPER_ADMIN), "超級管理員", "zh-Hant"),
            "超級管理員"
        );
        assert_eq!(role_name(Some(SALES_REP), "業務同仁", "en"), "業務同仁");
        assert_eq!(role_name(None, "銷售代表", "en"), "銷售代表");
    }

    #[test]
    fn a_built_in_payment_method_is_named_in_the_viewers_language_until_renamed() {
        let method = ("payment", "method_id");
        assert_eq!(
            option_label(method, Some("bank_transfer"), "銀行轉帳", "en"),
            "Bank transfer"
        );
        assert_eq!(
            option_label(method, Some("cheque"), "Cheque", "zh-Hant"),
            "支票"
        );
        assert_eq!(option_label(method, Some("other"), "其他", "en"), "Other");
        assert_eq!(
            option_label(method, Some("cash"), "現金（櫃檯）", "en"),
            "現金（櫃檯）"
        );
        assert_eq!(option_label(method, None, "銀行轉帳", "en"), "銀行轉帳");
        assert_eq!(
            option_label(("follow_up", "method_id"), Some("cash"), "現金", "en"),
            "現金"
        );
    }

    #[test]
    fn every_option_key_has_a_starting_name_in_every_language() {
        for lang in LANGUAGES {
            for (kind, field, labels) in starting_names(lang).options {
                let keys = option_keys(kind, field).expect("every starting field has keys");
                assert_eq!(keys.len(), labels.len(), "{lang} {kind} {field}");
            }
        }
    }

    #[test]
    fn built_in_options_of_every_field_are_named_in_the_viewers_language() {
        let level = ("customer", "level_id");
        assert_eq!(
            option_label(level, Some("key_account"), "A（重點客戶）", "en"),
            "A (key account)"
        );
        let industry = ("customer", "industry_id");
        assert_eq!(
            option_label(
                industry,
                Some("information_technology"),
                "資訊科技",
                "zh-Hans"
            ),
            "信息技术"
        );
        assert_eq!(
            option_label(industry, Some("information_technology"), "軟體", "en"),
            "軟體"
        );
        let method = ("follow_up", "method_id");
        assert_eq!(option_label(method, Some("sms"), "SMS", "zh-Hant"), "簡訊");
    }

    #[test]
    fn a_built_in_role_description_follows_the_viewers_language_until_rewritten() {
        assert_eq!(
            role_description(Some(SALES_REP), "跟進自己的線索、客戶與商機", "en"),
            "Follows up their own leads, customers and opportunities"
        );
        assert_eq!(
            role_description(Some(SALES_REP), "只看自己的", "en"),
            "只看自己的"
        );
        assert_eq!(
            role_description(None, "可查看與操作一切", "en"),
            "可查看與操作一切"
        );
    }

    #[test]
    fn change_logs_read_built_in_names_of_any_language() {
        assert_eq!(
            logged_option("industry_id", "建筑工程", "en"),
            Some("Construction")
        );
        assert_eq!(
            logged_option("method_id", "Bank transfer", "zh-Hant"),
            Some("銀行轉帳")
        );
        assert_eq!(logged_option("method_id", "拜訪", "en"), Some("Visit"));
        assert_eq!(logged_option("level_id", "VIP", "en"), None);
        assert_eq!(logged_role("銷售經理", "en"), Some("Sales manager"));
        assert_eq!(logged_role("Sales rep", "zh-Hans"), Some("销售代表"));
        assert_eq!(logged_role("業務同仁", "en"), None);
    }
}
