//! Currency marks typed with an amount (`€1,000`, `1000 USD`, `NT$ 500`),
//! and whether they fit the currency the amount is kept in.

/// Currency marks a typed amount may carry before or after the figure,
/// each with the currencies it may stand for (a dollar sign for any
/// dollar, a yen sign for the yuan or the yen), longer marks first so
/// `NT$` is read as one mark and not as `$`.
const MARKS: &[(&str, &[&str])] = &[
    ("nt$", &["TWD"]),
    ("hk$", &["HKD"]),
    ("us$", &["USD"]),
    ("s$", &["SGD"]),
    ("rm", &["MYR"]),
    ("$", &["USD", "TWD", "HKD", "SGD"]),
    ("¥", &["CNY", "JPY"]),
    ("￥", &["CNY", "JPY"]),
    ("€", &["EUR"]),
    ("元", &["CNY", "TWD", "HKD"]),
    ("圓", &["CNY", "TWD", "HKD"]),
    ("块", &["CNY", "TWD"]),
    ("塊", &["CNY", "TWD"]),
    ("cny", &["CNY"]),
    ("rmb", &["CNY"]),
    ("twd", &["TWD"]),
    ("ntd", &["TWD"]),
    ("hkd", &["HKD"]),
    ("usd", &["USD"]),
    ("eur", &["EUR"]),
    ("jpy", &["JPY"]),
    ("krw", &["KRW"]),
    ("₩", &["KRW"]),
    ("sgd", &["SGD"]),
    ("myr", &["MYR"]),
];

/// The figure of a folded amount without its currency marks (one before
/// and one after at most, with spaces around them), and the marks found.
pub(super) fn strip_marks(folded: &str) -> (&str, Vec<&'static str>) {
    let mut figure = folded;
    let mut found = Vec::new();
    for _ in 0..2 {
        let trimmed = figure.trim();
        figure = MARKS
            .iter()
            .find_map(|(mark, _)| {
                let rest = trimmed
                    .strip_prefix(mark)
                    .or_else(|| trimmed.strip_suffix(mark))?;
                found.push(*mark);
                Some(rest)
            })
            .unwrap_or(trimmed);
    }
    (figure.trim(), found)
}

/// A currency mark typed with an amount that does not stand for
/// `currency` (`€` or `USD` on an amount kept in CNY), as typed: the
/// amount would be read in the wrong currency. A mark that may stand for
/// it (`$` or `US$` for USD) fits.
pub fn foreign_mark(text: &str, currency: &str) -> Option<String> {
    let folded = crate::text::normalize(text);
    let code = currency.trim().to_ascii_uppercase();
    let (_, found) = strip_marks(&folded);
    found
        .into_iter()
        .find(|mark| {
            MARKS
                .iter()
                .find(|(m, _)| m == mark)
                .is_some_and(|(_, currencies)| !currencies.contains(&code.as_str()))
        })
        .map(|mark| mark.to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_of_another_currency_is_found_and_a_matching_one_fits() {
        assert_eq!(foreign_mark("€1000", "USD"), Some("€".into()));
        assert_eq!(foreign_mark("1000 EUR", "USD"), Some("EUR".into()));
        assert_eq!(foreign_mark("$1000", "CNY"), Some("$".into()));
        assert_eq!(foreign_mark("NT$ 1,000", "USD"), Some("NT$".into()));
        assert_eq!(foreign_mark("¥1000", "USD"), Some("¥".into()));
        assert_eq!(foreign_mark("$1000", "USD"), None);
        assert_eq!(foreign_mark("US$1000", "usd"), None);
        assert_eq!(foreign_mark("NT$ 1,000", "TWD"), None);
        assert_eq!(foreign_mark("￥1000", "JPY"), None);
        assert_eq!(foreign_mark("1000元", "CNY"), None);
        assert_eq!(foreign_mark("1000", "EUR"), None);
        assert_eq!(strip_marks("nt$ 1,234"), ("1,234", vec!["nt$"]));
    }
}
