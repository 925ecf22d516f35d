//! Money, quantities and discounts as exact integers.
//!
//! Amounts are kept in minor units (cents) with the currency beside them, so
//! the database sums them exactly and no float ever touches a figure. Typed
//! text is read as a decimal: `1,234.5`, `NT$ 1 234`, full-width digits and a
//! trailing currency word are accepted; more than two decimals are refused
//! rather than rounded away.

use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

mod marks;

pub use marks::foreign_mark;

/// Minor units per major unit for every currency the product offers.
pub const MINOR_PER_MAJOR: i64 = 100;

/// The currencies a company may choose, by ISO 4217 code.
pub const CURRENCIES: &[&str] = &[
    "CNY", "TWD", "HKD", "USD", "EUR", "JPY", "KRW", "SGD", "MYR",
];

/// The decimal places of a currency's minor unit, as ISO 4217 sets them:
/// none for the yen and the won, two for every other currency offered.
/// Amounts are still kept in hundredths of the major unit; a currency
/// without decimals holds only whole hundreds of them.
/// (The board script's `WHOLE_CURRENCIES` in `app.js` names the same ones.)
pub fn decimals(currency: &str) -> u32 {
    match currency.trim().to_ascii_uppercase().as_str() {
        "JPY" | "KRW" => 0,
        _ => 2,
    }
}

/// The smallest step of an amount in a currency, in hundredths: 100 for a
/// currency without decimals, else 1.
fn step(currency: &str) -> i64 {
    10_i64.pow(2 - decimals(currency).min(2))
}

/// Whether an amount (in hundredths) can be paid in its currency: a yen
/// amount with decimals is `whole_amount_only`.
pub fn fits_currency(minor: i64, currency: &str) -> Result<(), &'static str> {
    if minor % step(currency) == 0 {
        Ok(())
    } else {
        Err("whole_amount_only")
    }
}

/// An amount rounded half away from zero to its currency's smallest unit:
/// a line subtotal of 1,234.5 yen is 1,235 yen.
pub fn round_to_currency(minor: i64, currency: &str) -> i64 {
    let step = step(currency);
    if step == 1 {
        return minor;
    }
    let half = step / 2;
    let rounded = (minor.unsigned_abs() + half as u64) / step as u64 * step as u64;
    let rounded = i64::try_from(rounded).unwrap_or(i64::MAX);
    if minor < 0 { -rounded } else { rounded }
}

/// The largest amount accepted, in major units: far above any contract, far
/// below where sums of millions of rows could overflow an `i64`.
const MAX_MAJOR: i64 = 1_000_000_000_000;

/// The largest amount accepted, in minor units; totals of lines above it
/// are refused as too large.
pub const MAX_MINOR: i64 = MAX_MAJOR * MINOR_PER_MAJOR;

fn decimal(text: &str) -> Result<Decimal, &'static str> {
    let folded = crate::text::normalize(text);
    let (figure, _) = marks::strip_marks(&folded);
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, '.' | '-' | ',');
    if figure.is_empty() || !figure.chars().all(allowed) {
        return Err("invalid_number");
    }
    // Commas only as thousands separators: 1,234,567.89.
    let whole = figure.split('.').next().unwrap_or_default();
    if whole.contains(',') {
        let groups: Vec<&str> = whole.trim_start_matches('-').split(',').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) || figure.matches('.').count() > 1
        {
            return Err("invalid_number");
        }
    }
    let cleaned: String = figure.chars().filter(|c| *c != ',').collect();
    Decimal::from_str(&cleaned).map_err(|_| "invalid_number")
}

/// Reads a money amount into minor units. Negative amounts are refused.
pub fn parse_amount(text: &str) -> Result<i64, &'static str> {
    let value = decimal(text)?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err("negative");
    }
    if value.normalize().scale() > 2 {
        return Err("too_many_decimals");
    }
    if value > Decimal::from(MAX_MAJOR) {
        return Err("too_large");
    }
    (value * Decimal::from(MINOR_PER_MAJOR))
        .to_i64()
        .ok_or("too_large")
}

/// As [`parse_amount`], for an amount that must be more than zero: a
/// negative one is `not_positive` (zero is for the caller to refuse, after
/// the other checks).
pub fn parse_positive(text: &str) -> Result<i64, &'static str> {
    parse_amount(text).map_err(|code| match code {
        "negative" => "not_positive",
        other => other,
    })
}

/// An optional amount: blank is `None`.
pub fn parse_optional_amount(text: Option<&str>) -> Result<Option<i64>, &'static str> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => parse_amount(text).map(Some),
    }
}

/// Minor units as text with thousands separators and two decimals: `1,234.50`.
pub fn format_amount(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let major = abs / MINOR_PER_MAJOR as u64;
    let cents = abs % MINOR_PER_MAJOR as u64;
    format!("{sign}{}.{cents:02}", group_thousands(major))
}

/// An amount with its currency, grouped, in the currency's decimals:
/// `USD 1,234.50`, `JPY 1,000`. Every page, change log and message that
/// shows money shows it so.
pub fn format_money(minor: i64, currency: &str) -> String {
    format!("{currency} {}", format_in(minor, currency))
}

/// As [`format_money`] without the code: `1,234.50`, or `1,000` in yen.
pub fn format_in(minor: i64, currency: &str) -> String {
    if decimals(currency) == 0 && minor % MINOR_PER_MAJOR == 0 {
        let sign = if minor < 0 { "-" } else { "" };
        let major = minor.unsigned_abs() / MINOR_PER_MAJOR as u64;
        format!("{sign}{}", group_thousands(major))
    } else {
        format_amount(minor)
    }
}

/// As [`amount_text`], in the currency's decimals: `1000` for 1,000 yen.
pub fn amount_text_in(minor: i64, currency: &str) -> String {
    if decimals(currency) == 0 && minor % MINOR_PER_MAJOR == 0 {
        (minor / MINOR_PER_MAJOR).to_string()
    } else {
        amount_text(minor)
    }
}

/// Minor units as plain decimal text for forms and exports: `1234.5` → `1234.50`.
pub fn amount_text(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!(
        "{sign}{}.{:02}",
        abs / MINOR_PER_MAJOR as u64,
        abs % MINOR_PER_MAJOR as u64
    )
}

fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Quantities are kept in thousandths, so 1.5 boxes or 0.25 hours are exact.
pub const QUANTITY_SCALE: i64 = 1000;

/// Reads a quantity (more than zero, at most three decimals) into thousandths.
pub fn parse_quantity(text: &str) -> Result<i64, &'static str> {
    let value = decimal(text)?;
    if value <= Decimal::ZERO {
        return Err("not_positive");
    }
    if value.normalize().scale() > 3 {
        return Err("too_many_decimals");
    }
    if value > Decimal::from(1_000_000_000) {
        return Err("too_large");
    }
    (value * Decimal::from(QUANTITY_SCALE))
        .to_i64()
        .ok_or("too_large")
}

/// Thousandths as short text: `1500` → `1.5`, `2000` → `2`.
pub fn quantity_text(milli: i64) -> String {
    Decimal::new(milli, 3).normalize().to_string()
}

/// A number kept in thousandths as a person reads it: thousands grouped,
/// no more decimals than it has (`4,636.113`, `142,997.85`, `12`).
pub fn grouped_quantity(milli: i64) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let abs = milli.unsigned_abs();
    let scale = QUANTITY_SCALE as u64;
    let fraction = format!("{:03}", abs % scale);
    let fraction = fraction.trim_end_matches('0');
    let whole = group_thousands(abs / scale);
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// A whole count with its thousands grouped: `7,375`.
pub fn grouped_count(count: i64) -> String {
    let sign = if count < 0 { "-" } else { "" };
    format!("{sign}{}", group_thousands(count.unsigned_abs()))
}

/// Discounts are kept in basis points: 10000 is 100 %.
pub const FULL_DISCOUNT: i64 = 10_000;

/// Reads a discount percentage (0 to 100, two decimals) into basis points.
pub fn parse_discount(text: &str) -> Result<i64, &'static str> {
    let trimmed = text.trim().trim_end_matches(['%', '％']);
    if trimmed.is_empty() {
        return Ok(0);
    }
    let value = decimal(trimmed)?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err("negative");
    }
    if value > Decimal::from(100) {
        return Err("above_hundred");
    }
    if value.normalize().scale() > 2 {
        return Err("too_many_decimals");
    }
    (value * Decimal::from(100)).to_i64().ok_or("too_large")
}

/// Basis points as a percentage text: `1250` → `12.5`.
pub fn discount_text(basis_points: i64) -> String {
    Decimal::new(basis_points, 2).normalize().to_string()
}

/// The subtotal of a product line: price × quantity, less the discount,
/// rounded half away from zero to the cent.
pub fn line_subtotal(price: i64, quantity_milli: i64, discount_bp: i64) -> i64 {
    let gross = i128::from(price) * i128::from(quantity_milli);
    let net = gross * i128::from(FULL_DISCOUNT - discount_bp);
    let divisor = i128::from(QUANTITY_SCALE) * i128::from(FULL_DISCOUNT);
    let rounded = (net + divisor / 2).div_euclid(divisor);
    i64::try_from(rounded)
        .unwrap_or(i64::MAX)
        .min(MAX_MINOR + 1)
}

/// The part of an amount a win rate (0–100) expects: the weighted forecast.
pub fn weighted(amount: i64, win_rate: i64) -> i64 {
    let value = i128::from(amount) * i128::from(win_rate.clamp(0, 100));
    i64::try_from((value + 50) / 100).unwrap_or(i64::MAX)
}

/// Checks a currency code against the offered list.
pub fn parse_currency(text: &str) -> Result<String, &'static str> {
    let code = text.trim().to_ascii_uppercase();
    if CURRENCIES.contains(&code.as_str()) {
        Ok(code)
    } else {
        Err("invalid_choice")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_with_their_thousands_grouped_and_no_idle_decimals() {
        assert_eq!(grouped_quantity(4_636_113), "4,636.113");
        assert_eq!(grouped_quantity(142_997_850), "142,997.85");
        assert_eq!(grouped_quantity(12_000), "12");
        assert_eq!(grouped_quantity(-1_234_500), "-1,234.5");
        assert_eq!(grouped_count(7375), "7,375");
        assert_eq!(grouped_count(-999), "-999");
    }

    #[test]
    fn amounts_are_read_exactly() {
        assert_eq!(parse_amount("1,234.5"), Ok(123_450));
        assert_eq!(parse_amount("NT$ 1,234"), Ok(123_400));
        assert_eq!(parse_amount("１２３４．５６"), Ok(123_456));
        assert_eq!(parse_amount("4,152 USD"), Ok(415_200));
        assert_eq!(parse_amount("0"), Ok(0));
        assert_eq!(parse_amount("0.1"), Ok(10));
        assert_eq!(parse_amount("1.005"), Err("too_many_decimals"));
        assert_eq!(parse_amount("1.50"), Ok(150));
        assert_eq!(parse_amount("-3"), Err("negative"));
        assert_eq!(parse_positive("-3"), Err("not_positive"));
        assert_eq!(parse_positive("3"), Ok(300));
        assert_eq!(parse_amount("abc"), Err("invalid_number"));
        assert_eq!(parse_amount("12ab34"), Err("invalid_number"));
        assert_eq!(parse_amount("1.2.3"), Err("invalid_number"));
        assert_eq!(parse_amount("99999999999999"), Err("too_large"));
        assert_eq!(parse_optional_amount(Some("  ")), Ok(None));
        // Only a currency mark may stand beside the figure.
        for bad in [
            "12abc", "abc12", "12e", "5%", "(5)", "12,34", "1_000", "1,2345", "1.2.3",
        ] {
            assert_eq!(parse_amount(bad), Err("invalid_number"), "{bad}");
        }
        assert_eq!(parse_amount("¥ 1,234,567.8"), Ok(123_456_780));
        assert_eq!(parse_amount("1234 元"), Ok(123_400));
        assert_eq!(parse_amount("USD 12"), Ok(1200));
    }

    #[test]
    fn amounts_are_shown_with_separators() {
        assert_eq!(format_amount(123_450), "1,234.50");
        assert_eq!(format_amount(5), "0.05");
        assert_eq!(format_amount(100_000_000), "1,000,000.00");
        assert_eq!(format_amount(-99), "-0.99");
        assert_eq!(amount_text(123_450), "1234.50");
    }

    #[test]
    fn quantities_and_discounts() {
        assert_eq!(parse_quantity("1.5"), Ok(1500));
        assert_eq!(parse_quantity("0"), Err("not_positive"));
        assert_eq!(parse_quantity("1.0005"), Err("too_many_decimals"));
        assert_eq!(quantity_text(1500), "1.5");
        assert_eq!(quantity_text(2000), "2");
        assert_eq!(parse_discount("12.5%"), Ok(1250));
        assert_eq!(parse_discount(""), Ok(0));
        assert_eq!(parse_discount("101"), Err("above_hundred"));
        assert_eq!(discount_text(1250), "12.5");
    }

    #[test]
    fn subtotals_round_half_away_from_zero() {
        // 3 × 10.00 = 30.00
        assert_eq!(line_subtotal(1000, 3000, 0), 3000);
        // 1.5 × 3.33 = 4.995 → 5.00
        assert_eq!(line_subtotal(333, 1500, 0), 500);
        // 10% off 99.99 = 89.991 → 89.99
        assert_eq!(line_subtotal(9999, 1000, 1000), 8999);
        assert_eq!(line_subtotal(1000, 1000, FULL_DISCOUNT), 0);
    }

    #[test]
    fn forecast_weights_by_win_rate() {
        assert_eq!(weighted(10_000, 25), 2500);
        assert_eq!(weighted(333, 50), 167);
        assert_eq!(weighted(100, 150), 100);
    }

    #[test]
    fn currencies_without_decimals() {
        assert_eq!(decimals("JPY"), 0);
        assert_eq!(decimals("krw"), 0);
        assert_eq!(decimals("TWD"), 2);
        assert_eq!(decimals("USD"), 2);
        assert_eq!(fits_currency(100_050, "JPY"), Err("whole_amount_only"));
        assert_eq!(fits_currency(100_000, "JPY"), Ok(()));
        assert_eq!(fits_currency(100_050, "USD"), Ok(()));
        assert_eq!(format_money(100_000, "JPY"), "JPY 1,000");
        assert_eq!(format_money(1_500_000, "USD"), "USD 15,000.00");
        assert_eq!(format_money(-150_000, "KRW"), "KRW -1,500");
        assert_eq!(amount_text_in(100_000, "JPY"), "1000");
        assert_eq!(amount_text_in(100_050, "USD"), "1000.50");
        assert_eq!(round_to_currency(123_450, "JPY"), 123_500);
        assert_eq!(round_to_currency(123_449, "JPY"), 123_400);
        assert_eq!(round_to_currency(-150, "JPY"), -200);
        assert_eq!(round_to_currency(123_449, "EUR"), 123_449);
    }

    #[test]
    fn currencies_are_checked() {
        assert_eq!(parse_currency(" usd"), Ok("USD".to_string()));
        assert_eq!(parse_currency("XYZ"), Err("invalid_choice"));
    }
}
