//! Matching companies: the same company written in different ways.

use crate::text::normalize;

/// Legal-form suffixes that do not tell two companies apart, longest first.
const SUFFIXES: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "股份公司",
    "有限公司",
    "企業社",
    "公司",
    "co., ltd.",
    "co.,ltd.",
    "co. ltd.",
    "co., ltd",
    "corporation",
    "limited",
    "company",
    "corp.",
    "corp",
    "inc.",
    "inc",
    "ltd.",
    "ltd",
    "llc",
    "co.",
];

/// The key under which two names of one company match: normalised (width,
/// case, spaces), 臺 read as 台, with legal-form suffixes and punctuation
/// at the end dropped.
pub fn match_key(name: &str) -> String {
    let mut key = normalize(name).replace('臺', "台");
    loop {
        let trimmed = key.trim_end_matches([' ', ',', '.', '-']).to_string();
        match SUFFIXES
            .iter()
            .find(|s| trimmed.ends_with(*s) && trimmed.len() > s.len())
        {
            Some(suffix) => key = trimmed[..trimmed.len() - suffix.len()].to_string(),
            None => {
                key = trimmed;
                break;
            }
        }
    }
    key.replace(' ', "")
}

/// Digits of a phone for matching: `(02)2531-7099` and `02 2531 7099` agree.
/// Extensions after `#`, `轉` or `ext` are dropped.
pub fn phone_key(phone: &str) -> String {
    let folded = normalize(phone);
    let main = folded.split(['#', '轉', 'x']).next().unwrap_or(&folded);
    let main = main.split("ext").next().unwrap_or(main);
    main.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_width_and_case_do_not_hide_a_duplicate() {
        let key = match_key("臺灣水泥股份有限公司");
        assert_eq!(match_key("台灣水泥"), key);
        assert_eq!(match_key(" 台灣 水泥 公司 "), key);
        assert_eq!(match_key("ＡＣＭＥ Co., Ltd."), match_key("acme"));
        assert_eq!(match_key("Acme Inc"), "acme");
        assert_ne!(match_key("台灣水泥"), match_key("亞洲水泥"));
    }

    #[test]
    fn phones_match_on_their_digits() {
        assert_eq!(phone_key("(02)2531-7099"), "0225317099");
        assert_eq!(phone_key("０２ ２５３１ ７０９９"), "0225317099");
        assert_eq!(phone_key("02-2531-7099#123"), "0225317099");
        assert_eq!(phone_key("02-2531-7099 轉 8"), "0225317099");
    }
}
