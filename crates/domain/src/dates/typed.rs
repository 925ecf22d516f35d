//! Dates typed in the ISO form (`2017-01-01`, `2017-01-01T09:30`) by people
//! whose keyboard may give full-width characters: `２０17－01－01` is the
//! same day. Only the characters a date is written with are folded (digits,
//! hyphen, slash, colon, full stop, `T`, `Z`, plus and the ideographic
//! space), so nothing else in the text changes meaning.

use chrono::NaiveDate;

/// The text with the full-width characters a date or time is written with
/// folded to their ASCII form; other text is left as it is.
pub fn half_width_date(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            // The full-width forms sit 0xFEE0 above the ASCII ones.
            '０'..='９' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            // Full-width hyphen-minus, and the dashes a Chinese input
            // method types for one.
            '－' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '﹣' => '-',
            '／' => '/',
            '：' => ':',
            '．' | '。' => '.',
            '＋' => '+',
            'Ｔ' | 'ｔ' => 'T',
            'Ｚ' | 'ｚ' => 'Z',
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// A day typed as `YYYY-MM-DD` or `YYYY/MM/DD` (month and day with or
/// without their leading zero), full-width characters read as their ASCII
/// form; `None` for anything else or a day that does not exist.
pub fn iso_day(text: &str) -> Option<NaiveDate> {
    let text = half_width_date(text.trim()).replace('/', "-");
    // The year comes first, with its four digits: `01/02/2017` stays refused.
    let year_first = text.split('-').next().is_some_and(|y| y.len() == 4);
    if !year_first {
        return None;
    }
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok()
}

/// A date and time typed as `YYYY-MM-DDTHH:MM` (seconds optional), a space
/// instead of the `T` and slashes instead of hyphens allowed, full-width
/// characters read as their ASCII form.
pub fn iso_date_time(text: &str) -> Option<chrono::NaiveDateTime> {
    let text = half_width_date(text.trim());
    let (day, time) = text.split_once('T').or_else(|| text.split_once(' '))?;
    let day = iso_day(day)?;
    let time = time.trim();
    chrono::NaiveTime::parse_from_str(time, "%H:%M")
        .or_else(|_| chrono::NaiveTime::parse_from_str(time, "%H:%M:%S"))
        .ok()
        .map(|time| day.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_hyphens_and_slashes_are_read_in_dates() {
        let day = NaiveDate::from_ymd_opt(2017, 1, 1);
        assert_eq!(iso_day("２０17-01-01"), day);
        assert_eq!(iso_day("２０１７－０１－０１"), day);
        assert_eq!(iso_day(" 2017‐01‐01\u{3000}"), day);
        assert_eq!(half_width_date("２０１７／１／１"), "2017/1/1");
        assert_eq!(iso_day("2017-02-30"), None);
        assert_eq!(iso_day("二〇一七年"), None);
        let at = iso_date_time("２０１７－０１－０１Ｔ０９：３０");
        assert_eq!(
            at.map(|t| t.to_string()),
            Some("2017-01-01 09:30:00".into())
        );
        // Slashes, single digits and a space before the time.
        assert_eq!(iso_day("2017/1/1"), day);
        assert_eq!(iso_day("２０１７／０１／０１"), day);
        assert_eq!(iso_day("1/1/2017"), None);
        assert_eq!(iso_day("17-01-01"), None);
        let spaced = iso_date_time("２０２６／１２／３０ １０：００");
        assert_eq!(
            spaced.map(|t| t.to_string()),
            Some("2026-12-30 10:00:00".into())
        );
        assert_eq!(
            iso_date_time("2026-12-03 09:00").map(|t| t.to_string()),
            Some("2026-12-03 09:00:00".into())
        );
        assert_eq!(iso_date_time("2026-12-03"), None);
        assert_eq!(iso_date_time("2026-12-03T25:00"), None);
        // Other text is kept as typed.
        assert_eq!(half_width_date("台北 ＡＢ"), "台北 ＡＢ");
    }
}
