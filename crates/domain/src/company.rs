//! Matching companies: the same company written in different ways.

use crate::text::normalize;

/// Legal-form suffixes that do not tell two companies apart, longest first.
const SUFFIXES: &[&str] = &[
    "股份有限公司",
    "(股)公司",
    "(股)",
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

/// Digits of a phone for matching: `(02)2531-7099`, `02 2531 7099`,
/// `+886 2 2531 7099`, `886-2-2531-7099` and `+886 (0)2 2531 7099` agree, as
/// the national number with its leading 0. Extensions after `#`, `轉` or
/// `ext` are dropped.
pub fn phone_key(phone: &str) -> String {
    let folded = normalize(phone);
    let main = folded.split(['#', '轉', 'x']).next().unwrap_or(&folded);
    let main = main.split("ext").next().unwrap_or(main);
    let digits: String = main.chars().filter(char::is_ascii_digit).collect();
    national(&digits)
}

/// Whether a record's phone (a customer's, lead's or contact's; not a
/// sign-in phone) reads as one: 6 to 20 digits before any extension, and no
/// letters but an extension's marker (`#`, `轉`, `分機`, `x`, `ext`).
pub fn phone_is_valid(phone: &str) -> bool {
    let folded = normalize(phone);
    let main = folded
        .split("ext")
        .next()
        .unwrap_or_default()
        .split("分機")
        .next()
        .unwrap_or_default()
        .split(['#', '轉', 'x'])
        .next()
        .unwrap_or_default();
    let digits = phone_key(phone).len();
    !main.chars().any(char::is_alphabetic) && (6..=20).contains(&digits)
}

/// A Taiwanese number dialled from abroad (`886…`, `00886…`) as dialled at
/// home (`0…`). Only a number long enough to hold an area code and a
/// subscriber number is read so; `886` alone may be a local number's start.
/// Whether two phones of a record are one number written two ways
/// (`(02)27710001` and `02-2771-0001`, `+886 2 2771 0001`): the same
/// national number and the same extension, if any.
pub fn same_phone(a: &str, b: &str) -> bool {
    phone_key(a) == phone_key(b) && extension(a) == extension(b)
}

/// The digits of a phone's extension (after `#`, `轉`, `分機`, `x` or
/// `ext`), empty when it has none.
fn extension(phone: &str) -> String {
    let folded = normalize(phone);
    let at = ["#", "轉", "分機", "x", "ext"]
        .iter()
        .filter_map(|marker| folded.find(marker))
        .min();
    at.map(|at| folded[at..].chars().filter(char::is_ascii_digit).collect())
        .unwrap_or_default()
}

fn national(digits: &str) -> String {
    const COUNTRY: &str = "886";
    let rest = digits
        .strip_prefix("00886")
        .or_else(|| digits.strip_prefix(COUNTRY).filter(|r| r.len() >= 8));
    match rest {
        Some(rest) if rest.starts_with('0') => rest.to_string(),
        Some(rest) => format!("0{rest}"),
        None => digits.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_written_another_way_is_the_same_phone() {
        assert!(same_phone("(02)27710001", "02-2771-0001"));
        assert!(same_phone("+886 2 2771 0001", "02 2771 0001"));
        assert!(same_phone("02-2771-0001#12", "(02)27710001 ext 12"));
        assert!(!same_phone("02-2771-0001#12", "02-2771-0001#13"));
        assert!(!same_phone("02-2771-0001", "02-2771-0001#13"));
        assert!(!same_phone("02-2771-0001", "02-2771-0002"));
    }

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
        for form in [
            "+886 2 2531 7099",
            "886-2-2531-7099",
            "+886 (0)2 2531-7099",
            "00886 2 25317099",
            "＋８８６－２－２５３１－７０９９",
        ] {
            assert_eq!(phone_key(form), "0225317099", "{form}");
        }
        assert_eq!(phone_key("+886 912 345 678"), "0912345678");
        // Short numbers that happen to start with 886 stay as they are.
        assert_eq!(phone_key("8861234"), "8861234");
    }

    #[test]
    fn record_phones_have_six_to_twenty_digits_and_no_letters() {
        for good in [
            "(02)2531-7099",
            "02-2531-7099 轉 8",
            "02-2531-7099 分機 12",
            "02 2531 7099 ext. 5",
            "+886 912 345 678",
            "０２－２５３１－７０９９",
        ] {
            assert!(phone_is_valid(good), "{good}");
        }
        for bad in [
            "1",
            "x",
            "12345",
            "abc-2531-7099",
            "02-25AB-7099",
            "無請洽詢總機",
        ] {
            assert!(!phone_is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn taiwanese_legal_forms_do_not_hide_a_duplicate() {
        let key = match_key("台灣水泥");
        for name in [
            "台灣水泥(股)",
            "台灣水泥（股）公司",
            "台灣水泥股份有限公司",
            "台灣水泥有限公司",
        ] {
            assert_eq!(match_key(name), key, "{name}");
        }
        assert_eq!(match_key("Acme Co., Ltd."), match_key("ACME Ltd"));
        assert_eq!(match_key("Acme Inc."), "acme");
    }
}
