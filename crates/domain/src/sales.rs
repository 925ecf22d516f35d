//! Contracts, payment plans and payments: their statuses, the numbers they are
//! given, and what counts as received.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! status_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Result<Self, &'static str> {
                match text.trim() { $($text => Ok($name::$variant),)+ _ => Err("invalid_choice") }
            }

            /// The place in the business order `ALL` lists, which lists
            /// sort by (the same in every language).
            pub fn rank(self) -> i64 {
                Self::ALL.iter().position(|s| *s == self).unwrap_or_default() as i64
            }
        }
    };
}

status_enum! {
    /// Where a contract or a payment stands in its approval.
    DocStatus {
        Draft => "draft",
        InApproval => "in_approval",
        Approved => "approved",
        Rejected => "rejected",
        Withdrawn => "withdrawn",
        Void => "void",
    }
}

impl DocStatus {
    /// Drafts and documents sent back may be edited; the rest are fixed.
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::Rejected | Self::Withdrawn)
    }

    /// May be put into (or back into) its approval flow.
    pub fn submittable(self) -> bool {
        self.editable()
    }

    /// Only approved documents count in figures and take payments.
    pub fn counts(self) -> bool {
        self == Self::Approved
    }
}

status_enum! {
    /// How far an instalment has been paid. `ended`: the contract was
    /// voided before the instalment was paid, so it is owed no more and is
    /// never overdue.
    PlanStatus {
        Pending => "pending",
        PartlyReceived => "partly_received",
        Received => "received",
        Overdue => "overdue",
        Ended => "ended",
    }
}

/// An instalment's status from what approved payments brought in and today's
/// date in the company's time zone.
pub fn plan_status(
    amount: i64,
    received: i64,
    planned_on: NaiveDate,
    today: NaiveDate,
) -> PlanStatus {
    if received >= amount {
        PlanStatus::Received
    } else if today > planned_on {
        PlanStatus::Overdue
    } else if received > 0 {
        PlanStatus::PartlyReceived
    } else {
        PlanStatus::Pending
    }
}

/// What each instalment received and what is left on no instalment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spread {
    /// What each instalment received, in instalment order, never more than
    /// its amount.
    pub received: Vec<i64>,
    /// Money received that no instalment has room for: it stays on the
    /// contract as received, assigned to no instalment.
    pub unassigned: i64,
}

/// What each instalment received, in instalment order (by planned date),
/// from the approved payments recorded against each (`paid`, beside the
/// instalments' `amounts`) and those recorded against none (`unassigned`).
/// Money beyond an instalment's amount carries to the next instalments in
/// order, so a payment of 700 against an instalment of 600 leaves 100 on
/// the next one. Money against no instalment, and whatever is carried past
/// the last instalment, then goes to the earliest instalments still open,
/// in order. An instalment never shows more than its amount: what no
/// instalment has room for stays unassigned (it is money received, never
/// dropped).
pub fn spread_received(amounts: &[i64], paid: &[i64], unassigned: i64) -> Spread {
    let mut carry = 0i64;
    let mut received: Vec<i64> = amounts
        .iter()
        .zip(paid.iter().chain(std::iter::repeat(&0)))
        .map(|(amount, paid)| {
            let total = (*paid).max(0).saturating_add(carry);
            let kept = total.min((*amount).max(0));
            carry = total - kept;
            kept
        })
        .collect();
    let mut rest = unassigned.max(0).saturating_add(carry);
    for (got, amount) in received.iter_mut().zip(amounts) {
        let room = ((*amount).max(0) - *got).max(0);
        let taken = room.min(rest);
        *got += taken;
        rest -= taken;
    }
    Spread {
        received,
        unassigned: rest,
    }
}

/// Whether a payment of `amount` takes an instalment past what it still
/// has outstanding (`received` and the payments waiting, `pending`).
pub fn exceeds_instalment(plan_amount: i64, received: i64, pending: i64, amount: i64) -> bool {
    received.saturating_add(pending).saturating_add(amount) > plan_amount
}

/// Whether an instalment's reminder is due today.
pub fn reminder_due(planned_on: NaiveDate, remind_days: i64, today: NaiveDate) -> bool {
    let starts = planned_on - chrono::Duration::days(remind_days.max(0));
    today >= starts && today <= planned_on
}

status_enum! {
    /// The date part of a number.
    DatePart {
        None => "none",
        Year => "yyyy",
        Month => "yyyymm",
        Day => "yyyymmdd",
    }
}

status_enum! {
    /// When a number's sequence starts again at 1.
    Reset {
        Never => "never",
        Yearly => "yearly",
        Monthly => "monthly",
        Daily => "daily",
    }
}

/// How contracts or payments are numbered: `HT` + `20241105` + `0001`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NumberRule {
    pub prefix: String,
    pub date_part: DatePart,
    pub reset: Reset,
    /// Digits of the sequence, zero-padded; 1 to 10.
    pub width: i64,
}

impl NumberRule {
    /// The rule a company starts with for a kind.
    pub fn default_for(prefix: &str) -> Self {
        Self {
            prefix: prefix.to_string(),
            date_part: DatePart::Day,
            reset: Reset::Daily,
            width: 4,
        }
    }

    /// The sequence's bucket: numbers in the same bucket count up together.
    pub fn period(&self, date: NaiveDate) -> String {
        match self.reset {
            Reset::Never => String::new(),
            Reset::Yearly => format!("{:04}", date.year()),
            Reset::Monthly => format!("{:04}{:02}", date.year(), date.month()),
            Reset::Daily => date.format("%Y%m%d").to_string(),
        }
    }

    pub fn format(&self, date: NaiveDate, sequence: i64) -> String {
        let date_text = match self.date_part {
            DatePart::None => String::new(),
            DatePart::Year => date.format("%Y").to_string(),
            DatePart::Month => date.format("%Y%m").to_string(),
            DatePart::Day => date.format("%Y%m%d").to_string(),
        };
        let width = self.width.clamp(1, 10) as usize;
        format!("{}{date_text}{sequence:0width$}", self.prefix)
    }

    /// Field errors as `(field, refusal)`.
    pub fn check(&self) -> Vec<(&'static str, crate::Refusal)> {
        let mut errors = Vec::new();
        if self.prefix.chars().count() > 20 {
            errors.push(("prefix", crate::Refusal::too_long(20)));
        }
        // A number is one word: a prefix with a space would make numbers
        // nobody can search or type back.
        if self.prefix.chars().any(char::is_control) {
            errors.push(("prefix", "invalid_characters".into()));
        } else if self.prefix.chars().any(char::is_whitespace) {
            errors.push(("prefix", "number_has_spaces".into()));
        }
        if !(1..=10).contains(&self.width) {
            errors.push(("width", "out_of_range".into()));
        }
        // A sequence that starts again more often than the date part
        // changes would hand out the same number twice (HT0001 each day).
        let finest_reset = match self.date_part {
            DatePart::None => Reset::Never,
            DatePart::Year => Reset::Yearly,
            DatePart::Month => Reset::Monthly,
            DatePart::Day => Reset::Daily,
        };
        if reset_rank(self.reset) > reset_rank(finest_reset) {
            errors.push(("reset", "reset_finer_than_date".into()));
        }
        errors
    }
}

/// How often a reset comes: never, then yearly, monthly, daily.
fn reset_rank(reset: Reset) -> u8 {
    match reset {
        Reset::Never => 0,
        Reset::Yearly => 1,
        Reset::Monthly => 2,
        Reset::Daily => 3,
    }
}

/// A typed document number: trimmed, 1 to 50 characters, no spaces.
pub fn parse_number(text: &str) -> Result<String, crate::Refusal> {
    use unicode_normalization::UnicodeNormalization;
    // Full-width letters and digits are the half-width ones, as product
    // codes compare them.
    let folded: String = text.nfkc().collect();
    let trimmed = folded.trim();
    if trimmed.is_empty() {
        return Err("required".into());
    }
    if trimmed.chars().count() > 50 {
        return Err(crate::Refusal::too_long(50));
    }
    if trimmed.chars().any(char::is_whitespace) {
        return Err("number_has_spaces".into());
    }
    // Control and invisible format characters (a zero-width space) would
    // make two numbers that read alike.
    let invisible = |c: char| matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}');
    if trimmed.chars().any(|c| c.is_control() || invisible(c)) {
        return Err("invalid_characters".into());
    }
    Ok(trimmed.to_string())
}

/// Whether a payment of `amount` would take a contract past its amount.
pub fn exceeds_outstanding(contract_amount: i64, received: i64, amount: i64) -> bool {
    received.saturating_add(amount) > contract_amount
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
    }

    #[test]
    fn plan_status_follows_received_and_date() {
        let due = date(2024, 5, 10);
        assert_eq!(
            plan_status(100, 0, due, date(2024, 5, 1)),
            PlanStatus::Pending
        );
        assert_eq!(
            plan_status(100, 40, due, date(2024, 5, 10)),
            PlanStatus::PartlyReceived
        );
        assert_eq!(
            plan_status(100, 40, due, date(2024, 5, 11)),
            PlanStatus::Overdue
        );
        assert_eq!(
            plan_status(100, 100, due, date(2024, 6, 1)),
            PlanStatus::Received
        );
        assert_eq!(
            plan_status(100, 120, due, date(2024, 5, 1)),
            PlanStatus::Received
        );
    }

    fn spread(amounts: &[i64], paid: &[i64], unassigned: i64) -> (Vec<i64>, i64) {
        let spread = spread_received(amounts, paid, unassigned);
        (spread.received, spread.unassigned)
    }

    #[test]
    fn money_beyond_an_instalment_carries_to_the_next_ones() {
        // 300 + 400 against 600: 100 goes to the second instalment.
        assert_eq!(spread(&[600, 400], &[700, 0], 0), (vec![600, 100], 0));
        // It passes a full instalment on to the one after.
        assert_eq!(
            spread(&[100, 100, 100], &[250, 100, 0], 0),
            (vec![100, 100, 100], 50)
        );
        // Past the last instalment it fills earlier gaps, then stays
        // unassigned: nothing is lost and no instalment shows more than
        // its amount.
        assert_eq!(spread(&[100, 100], &[50, 180], 0), (vec![100, 100], 30));
        assert_eq!(spread(&[], &[], 0), (Vec::<i64>::new(), 0));
        assert!(exceeds_instalment(600, 0, 300, 400));
        assert!(!exceeds_instalment(600, 200, 100, 300));
    }

    #[test]
    fn money_against_no_instalment_fills_the_earliest_open_ones() {
        // 150 against none: the first instalment is filled, 50 on the second.
        assert_eq!(
            spread(&[100, 100, 100], &[0, 0, 0], 150),
            (vec![100, 50, 0], 0)
        );
        // It skips what is already paid and fills the gaps in order.
        assert_eq!(
            spread(&[100, 100, 100], &[100, 0, 30], 100),
            (vec![100, 100, 30], 0)
        );
        // Beyond every instalment it stays unassigned.
        assert_eq!(spread(&[100, 100], &[0, 0], 250), (vec![100, 100], 50));
        // With no instalments there is nowhere to put it.
        assert_eq!(spread(&[], &[], 50), (Vec::<i64>::new(), 50));
    }

    #[test]
    fn a_paid_contract_given_a_small_plan_keeps_the_rest_unassigned() {
        // A contract of 4,514.00 fully paid with no plan, then given one
        // instalment of 100.00: the instalment shows 100.00, not 4,514.00.
        assert_eq!(spread(&[10_000], &[0], 451_400), (vec![10_000], 441_400));
        let spread = spread_received(&[10_000, 5_000], &[0, 0], 451_400);
        for (got, amount) in spread.received.iter().zip([10_000, 5_000]) {
            assert!(*got <= amount);
        }
        assert_eq!(
            spread.received.iter().sum::<i64>() + spread.unassigned,
            451_400
        );
    }

    #[test]
    fn reminders_start_n_days_before() {
        let due = date(2024, 5, 10);
        assert!(!reminder_due(due, 3, date(2024, 5, 6)));
        assert!(reminder_due(due, 3, date(2024, 5, 7)));
        assert!(reminder_due(due, 3, date(2024, 5, 10)));
        assert!(!reminder_due(due, 3, date(2024, 5, 11)));
    }

    #[test]
    fn numbers_follow_the_rule() {
        let rule = NumberRule::default_for("HT");
        let day = date(2024, 11, 5);
        assert_eq!(rule.format(day, 7), "HT202411050007");
        assert_eq!(rule.period(day), "20241105");
        let yearly = NumberRule {
            prefix: "PAY-".into(),
            date_part: DatePart::Month,
            reset: Reset::Yearly,
            width: 3,
        };
        assert_eq!(yearly.format(day, 12), "PAY-202411012");
        assert_eq!(yearly.period(day), "2024");
        let plain = NumberRule {
            prefix: String::new(),
            date_part: DatePart::None,
            reset: Reset::Never,
            width: 1,
        };
        assert_eq!(plain.format(day, 123), "123");
        assert_eq!(plain.period(day), "");
        let bad = NumberRule {
            prefix: "A B".into(),
            width: 0,
            ..plain
        };
        let codes: Vec<(&str, &str)> = bad.check().into_iter().map(|(f, r)| (f, r.code)).collect();
        assert_eq!(
            codes,
            vec![("prefix", "number_has_spaces"), ("width", "out_of_range")]
        );
        let control = NumberRule {
            prefix: "A\u{7}".into(),
            ..plain
        };
        assert_eq!(control.check()[0].1.code, "invalid_characters");
    }

    #[test]
    fn a_sequence_never_starts_again_more_often_than_its_date_part_changes() {
        let rule = |date_part, reset| NumberRule {
            prefix: "HT".into(),
            date_part,
            reset,
            width: 4,
        };
        assert!(rule(DatePart::Day, Reset::Daily).check().is_empty());
        assert!(rule(DatePart::Month, Reset::Yearly).check().is_empty());
        assert!(rule(DatePart::None, Reset::Never).check().is_empty());
        assert_eq!(
            rule(DatePart::None, Reset::Daily).check(),
            vec![("reset", "reset_finer_than_date".into())]
        );
        assert_eq!(
            rule(DatePart::Year, Reset::Monthly).check(),
            vec![("reset", "reset_finer_than_date".into())]
        );
    }

    #[test]
    fn statuses_rank_in_their_business_order() {
        let order: Vec<&str> = {
            let mut all = DocStatus::ALL.to_vec();
            all.sort_by_key(|s| s.rank());
            all.into_iter().map(|s| s.as_str()).collect()
        };
        assert_eq!(
            order,
            [
                "draft",
                "in_approval",
                "approved",
                "rejected",
                "withdrawn",
                "void"
            ]
        );
        assert!(PlanStatus::Pending.rank() < PlanStatus::Overdue.rank());
    }

    #[test]
    fn statuses() {
        assert!(DocStatus::Draft.editable());
        assert!(DocStatus::Rejected.submittable());
        assert!(!DocStatus::InApproval.editable());
        assert!(!DocStatus::Approved.editable());
        assert!(DocStatus::Approved.counts());
        for status in DocStatus::ALL {
            assert_eq!(DocStatus::parse(status.as_str()), Ok(*status));
        }
        assert_eq!(parse_number(" HT-1 "), Ok("HT-1".to_string()));
        assert_eq!(parse_number("A 1"), Err("number_has_spaces".into()));
        assert_eq!(parse_number("A\u{7}1"), Err("invalid_characters".into()));
        assert_eq!(
            parse_number("HT-\u{200b}1"),
            Err("invalid_characters".into())
        );
        assert_eq!(parse_number("ＲＥＶ-００１"), Ok("REV-001".to_string()));
        assert_eq!(
            parse_number(&"9".repeat(51)),
            Err(crate::Refusal::too_long(50))
        );
        assert!(exceeds_outstanding(100, 60, 41));
        assert!(!exceeds_outstanding(100, 60, 40));
    }
}
