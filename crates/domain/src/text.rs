//! Parsing of the text users type: names, phones, e-mails, passwords.
//!
//! Everything is NFKC-normalised first, so full-width digits, letters and `＠`
//! match their half-width forms; the original text is kept for display by the
//! callers.

use unicode_normalization::UnicodeNormalization;

use crate::Refusal;

/// NFKC, trimmed, inner runs of white space collapsed to one space, lowercased.
/// Used for matching and search, never for display.
pub fn normalize(text: &str) -> String {
    let folded: String = text.nfkc().collect::<String>().to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text without control characters: a tab or line break becomes a
/// space, the rest (a NUL byte above all, which PostgreSQL refuses in text)
/// go. For text that only finds or filters, never for what is stored.
pub fn without_controls(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Full-width digits, letters and punctuation (`０２－２３４５`, `ＡＢ１２`) and
/// the ideographic space as their half-width forms, everything else as
/// typed: how phones, tax IDs and codes are stored, so search, filters and
/// duplicate checks find them whichever width was typed.
pub fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// A display name (person, company, department, option): trimmed and with
/// runs of white space made one space, 1 to `max` characters. The text is kept
/// as typed otherwise (full-width brackets stay); matching uses `normalize`.
pub fn parse_name(text: &str, max: usize) -> Result<String, Refusal> {
    let cleaned = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        return Err("required".into());
    }
    if cleaned.chars().count() > max {
        return Err(Refusal::too_long(max));
    }
    if cleaned.chars().any(char::is_control) {
        return Err("invalid_characters".into());
    }
    Ok(cleaned)
}

/// Optional free text: `None` when blank, refused when longer than `max`.
pub fn parse_optional_text(text: Option<&str>, max: usize) -> Result<Option<String>, Refusal> {
    let Some(text) = text else { return Ok(None) };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.chars().count() > max {
        return Err(Refusal::too_long(max));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("invalid_characters".into());
    }
    Ok(Some(trimmed.to_string()))
}

/// A phone number as used for signing in: digits with an optional leading `+`.
/// Spaces, dashes, dots and brackets are dropped; full-width digits are folded.
/// Between 6 and 20 digits.
pub fn parse_phone(text: &str) -> Result<String, &'static str> {
    let folded: String = text.nfkc().collect();
    let trimmed = folded.trim();
    if trimmed.is_empty() {
        return Err("required");
    }
    let mut out = String::with_capacity(trimmed.len());
    for (index, ch) in trimmed.chars().enumerate() {
        match ch {
            '0'..='9' => out.push(ch),
            '+' if index == 0 => out.push(ch),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return Err("phone_invalid"),
        }
    }
    let digits = out.trim_start_matches('+').len();
    if !(6..=20).contains(&digits) {
        return Err("phone_invalid");
    }
    Ok(out)
}

/// An e-mail address: NFKC (so `＠` becomes `@`), trimmed, lowercased, one `@`
/// with a local part and a dotted domain, no spaces.
pub fn parse_email(text: &str) -> Result<String, &'static str> {
    let folded: String = text.nfkc().collect::<String>().trim().to_lowercase();
    if folded.is_empty() {
        return Err("required");
    }
    if folded.len() > 254 || folded.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("email_invalid");
    }
    let mut parts = folded.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err("email_invalid");
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..");
    if local.is_empty() || !domain_ok {
        return Err("email_invalid");
    }
    Ok(folded)
}

/// A new password: 8 to 128 characters, not only white space.
pub fn check_password(text: &str) -> Result<(), Refusal> {
    let count = text.chars().count();
    if text.trim().is_empty() {
        return Err("required".into());
    }
    if count < 8 {
        return Err("password_too_short".into());
    }
    if count > 128 {
        return Err(Refusal::too_long(128));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width_folds_full_width_ascii_and_keeps_the_rest() {
        assert_eq!(half_width("０２－２３４５－６７８９"), "02-2345-6789");
        assert_eq!(half_width("１２３４５６７８"), "12345678");
        assert_eq!(half_width("ＡＢ　１２（台北）"), "AB 12(台北)");
    }

    #[test]
    fn control_characters_go_and_line_breaks_are_spaces() {
        assert_eq!(without_controls("a\u{0}b\tc\u{7f}"), "ab c");
    }

    #[test]
    fn normalize_folds_width_case_and_spaces() {
        assert_eq!(normalize("  ＡＢＣ　 公司  "), "abc 公司");
    }

    #[test]
    fn phone_drops_separators_and_folds_full_width_digits() {
        assert_eq!(parse_phone("(02) 2531-7099"), Ok("0225317099".into()));
        assert_eq!(parse_phone("０９１２３４５６７８"), Ok("0912345678".into()));
        assert_eq!(
            parse_phone("+86 138 0013 8000"),
            Ok("+8613800138000".into())
        );
    }

    #[test]
    fn phone_refuses_letters_short_numbers_and_inner_plus() {
        assert_eq!(parse_phone("12ab34"), Err("phone_invalid"));
        assert_eq!(parse_phone("12345"), Err("phone_invalid"));
        assert_eq!(parse_phone("12+3456789"), Err("phone_invalid"));
        assert_eq!(parse_phone("   "), Err("required"));
    }

    #[test]
    fn email_accepts_full_width_at_and_lowercases() {
        assert_eq!(
            parse_email(" Wang＠Example.COM "),
            Ok("wang@example.com".into())
        );
    }

    #[test]
    fn email_refuses_malformed_addresses() {
        for bad in [
            "a@b",
            "a@@b.com",
            "@b.com",
            "a b@c.com",
            "a@.com",
            "a@b..com",
            "無",
        ] {
            assert_eq!(parse_email(bad), Err("email_invalid"), "{bad}");
        }
    }

    #[test]
    fn names_are_trimmed_and_limited() {
        assert_eq!(parse_name("  王  小明 ", 20), Ok("王 小明".into()));
        assert_eq!(parse_name("A（重點）", 20), Ok("A（重點）".into()));
        assert_eq!(parse_name("", 20).map_err(|r| r.code), Err("required"));
        assert_eq!(parse_name("一二三", 2), Err(crate::Refusal::too_long(2)));
    }

    #[test]
    fn password_needs_eight_characters() {
        assert_eq!(
            check_password("short").map_err(|r| r.code),
            Err("password_too_short")
        );
        assert_eq!(
            check_password("        ").map_err(|r| r.code),
            Err("required")
        );
        assert_eq!(check_password("long enough"), Ok(()));
    }
}
