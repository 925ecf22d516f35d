//! Postal codes of customers, leads and contacts: Taiwan's (`100`, `10048`,
//! `100048`, `100-48`) and China's (`100000`), with their leading zeros.

use crate::text::half_width;

/// Whether a postal code (half-width, trimmed) reads as one: 3 to 6 digits,
/// or 3 digits, one hyphen and 2 or 3 digits (`100-01`, `100-012`). Codes
/// made of hyphens and stray digits (`-1-1`, `1--`) are refused.
pub fn postcode_is_valid(code: &str) -> bool {
    let digits = |part: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&part.len()) && part.chars().all(|c| c.is_ascii_digit())
    };
    match code.split_once('-') {
        None => digits(code, 3..=6),
        Some((head, tail)) => digits(head, 3..=3) && digits(tail, 2..=3),
    }
}

/// The key two postal codes of one place share: their digits, so `100-01`,
/// `10001` and `１０００１` agree.
pub fn postcode_key(code: &str) -> String {
    half_width(code)
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_digits_in_a_postal_shape_read_as_a_postcode() {
        for good in [
            "100", "0300", "10048", "100048", "100-01", "100-012", "01234",
        ] {
            assert!(postcode_is_valid(good), "{good}");
        }
        for bad in [
            "-1-1", "1--", "---", "-100", "100-", "10", "1234567", "100-1", "1000-01", "100-01-1",
            "100 01", "SW1A", "10a",
        ] {
            assert!(!postcode_is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn a_postcode_with_a_hyphen_or_in_full_width_is_the_same_code() {
        assert_eq!(postcode_key("100-01"), postcode_key("１０００１"));
        assert_ne!(postcode_key("100"), postcode_key("10001"));
    }
}
