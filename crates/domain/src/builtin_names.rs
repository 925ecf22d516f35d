//! What the product ships with is named in the viewer's language: a
//! built-in role (one with a code) or a built-in option (one with a key)
//! is stored under the name of the language the company first started in,
//! and shown in each viewer's own while that name is still one the product
//! gave it. A name an administrator chose is shown as they wrote it.

use crate::defaults::starting_names;

/// The languages the starting names exist in.
const LANGUAGES: [&str; 3] = ["zh-Hant", "zh-Hans", "en"];

/// The keys of the payment methods a company starts with, in the order of
/// their starting names.
pub const PAYMENT_METHOD_KEYS: [&str; 5] =
    ["bank_transfer", "cheque", "cash", "credit_card", "other"];

/// The keys of the built-in options of a choice field, in the order of its
/// starting names; `None` for a field whose options carry no keys.
pub fn option_keys(kind: &str, field: &str) -> Option<&'static [&'static str]> {
    match (kind, field) {
        ("payment", "method_id") => Some(&PAYMENT_METHOD_KEYS),
        _ => None,
    }
}

/// The name a role is shown by in `language`: a built-in role's name in
/// that language while its stored name is one of its starting names (in
/// any language); otherwise the stored name.
pub fn role_name<'a>(code: Option<&str>, name: &'a str, language: &str) -> &'a str {
    let Some(code) = code else {
        return name;
    };
    let in_language = |lang: &str| {
        starting_names(lang)
            .roles
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(_, name, _)| *name)
    };
    let unchanged = LANGUAGES
        .iter()
        .any(|lang| in_language(lang) == Some(name.trim()));
    match in_language(language) {
        Some(shown) if unchanged => shown,
        _ => name,
    }
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
    let Some(place) = key.and_then(|key| option_keys(kind, field)?.iter().position(|k| *k == key))
    else {
        return label;
    };
    let in_language = |lang: &str| {
        starting_names(lang)
            .options
            .iter()
            .find(|(k, f, _)| *k == kind && *f == field)
            .and_then(|(_, _, labels)| labels.get(place).copied())
    };
    let unchanged = LANGUAGES
        .iter()
        .any(|lang| in_language(lang) == Some(label.trim()));
    match in_language(language) {
        Some(shown) if unchanged => shown,
        _ => label,
    }
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
    fn every_payment_method_key_has_a_starting_name_in_every_language() {
        for lang in LANGUAGES {
            let names = starting_names(lang);
            let methods = names
                .options
                .iter()
                .find(|(k, f, _)| *k == "payment" && *f == "method_id")
                .map(|(_, _, labels)| labels.len());
            assert_eq!(methods, Some(PAYMENT_METHOD_KEYS.len()), "{lang}");
        }
    }
}
