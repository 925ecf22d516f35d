//! Targets over any period: which years a target may be set for, what a
//! month's target is when only the year has one, and how much of a target a
//! period that covers part of a month stands against.
//!
//! The rule, the same on the dashboard, in the target report and in the
//! API:
//!
//! - a month's target is its own; a month without one takes an even share
//!   of what the year's own target leaves once the months set are taken
//!   out (the cents left over going to the first of those months, so the
//!   twelve add up to the year's); a year whose months set already reach
//!   its target leaves the others at 0; without a year target a month
//!   without its own has none;
//! - a month the period covers only in part stands against the share of its
//!   target for the days covered (rounded half up to the cent), and what was
//!   achieved is counted on those days only;
//! - a period's target is the sum of its months' (a whole year's is its own
//!   target, or more when its months set add up to more); it has none while
//!   any month it touches has none.

use chrono::{Datelike, NaiveDate};

use crate::dates::YEARS;

/// Refuses a target's year outside the years every date of the product
/// takes ([`YEARS`]); the code's message names the field and the range
/// (`min`, `max`).
pub fn check_year(field: &str, year: i64, errors: &mut crate::FieldErrors) {
    let inside = i32::try_from(year).is_ok_and(|y| YEARS.contains(&y));
    if !inside {
        errors.push(
            crate::FieldError::new(field, "year_outside_years")
                .with("min", YEARS.start())
                .with("max", YEARS.end()),
        );
    }
}

/// The targets of one holder, measure and year, as set: the year's own and
/// each month's (January first).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct YearTargets {
    pub year: Option<i64>,
    pub months: [Option<i64>; 12],
}

impl YearTargets {
    /// The target of `month` (1 to 12): its own, else an even share of
    /// what the year's own target leaves after the months set (none without
    /// a year target).
    pub fn month(&self, month: u32) -> Option<i64> {
        let index = usize::try_from(month.checked_sub(1)?).ok()?;
        if let Some(own) = *self.months.get(index)? {
            return Some(own);
        }
        let year = self.year?;
        let set: i64 = self.months.iter().flatten().sum();
        let rest = year.saturating_sub(set).max(0);
        let open = i64::try_from(self.months.iter().filter(|m| m.is_none()).count()).ok()?;
        let before = self.months[..index].iter().filter(|m| m.is_none()).count();
        let (share, left) = (rest.div_euclid(open), rest.rem_euclid(open));
        Some(share + i64::from(i64::try_from(before).is_ok_and(|i| i < left)))
    }

    /// The whole year's target: the sum of its twelve months (the year's
    /// own when the months set stay within it), none while a month has none.
    pub fn whole(&self) -> Option<i64> {
        (1..=12).map(|m| self.month(m)).sum()
    }
}

/// The part of `amount` for `days` out of `of`, rounded half up.
pub fn prorate(amount: i64, days: i64, of: i64) -> i64 {
    if of <= 0 || days >= of {
        return amount;
    }
    let top = i128::from(amount) * i128::from(days.max(0)) * 2 + i128::from(of);
    i64::try_from(top.div_euclid(i128::from(of) * 2)).unwrap_or(amount)
}

/// A month a period touches: its first day, and the days of it inside the
/// period `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthPart {
    pub first: NaiveDate,
    /// The first day of the month inside the period.
    pub from: NaiveDate,
    /// The day after the last day of the month inside the period.
    pub to: NaiveDate,
}

impl MonthPart {
    pub fn year(&self) -> i32 {
        self.first.year()
    }

    pub fn month(&self) -> u32 {
        self.first.month()
    }

    /// Days of the month inside the period.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days()
    }

    /// Days of the whole month.
    pub fn length(&self) -> i64 {
        (next_month(self.first) - self.first).num_days()
    }

    pub fn whole(&self) -> bool {
        self.days() == self.length()
    }

    /// `YYYY-MM`.
    pub fn key(&self) -> String {
        self.first.format("%Y-%m").to_string()
    }

    /// The month's target for the days covered.
    pub fn target(&self, year: &YearTargets) -> Option<i64> {
        year.month(self.month())
            .map(|t| prorate(t, self.days(), self.length()))
    }
}

fn next_month(first: NaiveDate) -> NaiveDate {
    first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first)
}

/// The months the period `[from, to)` touches, in order, each with the days
/// of it inside the period.
pub fn months_of(from: NaiveDate, to: NaiveDate) -> Vec<MonthPart> {
    let mut parts = Vec::new();
    let Some(mut first) = from.with_day(1).filter(|_| from < to) else {
        return parts;
    };
    while first < to {
        let after = next_month(first);
        if after <= first {
            break;
        }
        parts.push(MonthPart {
            first,
            from: from.max(first),
            to: to.min(after),
        });
        first = after;
    }
    parts
}

/// The target of the period `[from, to)` given each year's targets (`of`
/// answers for a year; a year it does not know has none): the sum of its
/// months' targets, a month covered in part by its days' share; none while
/// any month has none.
pub fn period_target(
    (from, to): (NaiveDate, NaiveDate),
    of: impl Fn(i32) -> Option<YearTargets>,
) -> Option<i64> {
    months_of(from, to).iter().try_fold(0i64, |total, part| {
        total.checked_add(part.target(&of(part.year()).unwrap_or_default())?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn a_year_alone_is_spread_evenly_and_adds_up() {
        let year = YearTargets {
            year: Some(1_000_005),
            months: [None; 12],
        };
        let months: Vec<i64> = (1..=12).filter_map(|m| year.month(m)).collect();
        assert_eq!(months.len(), 12);
        assert_eq!(months.iter().sum::<i64>(), 1_000_005);
        assert_eq!(months[0], 83_334);
        assert_eq!(months[11], 83_333);
        assert_eq!(year.month(0), None);
        assert_eq!(year.month(13), None);
    }

    #[test]
    fn months_without_their_own_share_what_the_year_leaves() {
        let mut months = [None; 12];
        months[2] = Some(300);
        months[5] = Some(1_000);
        let year = YearTargets {
            year: Some(12_005),
            months,
        };
        // 12005 less 1300 leaves 10705 for ten months: 1070.5 each, the five
        // cents left over to the first five of them.
        assert_eq!(year.month(3), Some(300));
        assert_eq!(year.month(6), Some(1_000));
        let rest: Vec<i64> = [1, 2, 4, 5, 7, 8, 9, 10, 11, 12]
            .iter()
            .filter_map(|m| year.month(*m))
            .collect();
        assert_eq!(
            rest,
            [1071, 1071, 1071, 1071, 1071, 1070, 1070, 1070, 1070, 1070]
        );
        assert_eq!(year.whole(), Some(12_005));
        // Months set beyond the year's target leave the others at 0.
        let mut over = [None; 12];
        over[0] = Some(20_000);
        let over = YearTargets {
            year: Some(12_000),
            months: over,
        };
        assert_eq!(over.month(2), Some(0));
        assert_eq!(over.whole(), Some(20_000));
        // Without a year target a month has only its own.
        let part = YearTargets { year: None, months };
        assert_eq!(part.month(4), None, "April has none of its own");
        assert_eq!(part.whole(), None, "two months are no year");
        assert_eq!(
            YearTargets {
                year: None,
                months: [Some(10); 12]
            }
            .whole(),
            Some(120)
        );
    }

    #[test]
    fn a_part_of_a_month_takes_its_days_share_rounded_half_up() {
        assert_eq!(prorate(3_000, 16, 30), 1_600);
        assert_eq!(prorate(100, 1, 3), 33);
        assert_eq!(prorate(100, 2, 3), 67);
        assert_eq!(prorate(1, 1, 2), 1, "a half rounds up");
        assert_eq!(prorate(500, 31, 31), 500);
        assert_eq!(prorate(500, 0, 31), 0);
    }

    #[test]
    fn months_of_a_period_cross_years_and_keep_their_days() {
        let parts = months_of(day(2025, 11, 15), day(2026, 2, 11));
        let keys: Vec<String> = parts.iter().map(MonthPart::key).collect();
        assert_eq!(keys, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(parts[0].days(), 16);
        assert!(!parts[0].whole());
        assert!(parts[1].whole() && parts[2].whole());
        assert_eq!((parts[3].days(), parts[3].length()), (10, 28));
        assert_eq!(months_of(day(2026, 3, 5), day(2026, 3, 6)).len(), 1);
        assert!(months_of(day(2026, 3, 5), day(2026, 3, 5)).is_empty());
    }

    #[test]
    fn a_period_target_adds_whole_years_and_parts_of_months() {
        let mut months = [None; 12];
        months[3] = Some(3_000);
        let y2026 = YearTargets { year: None, months };
        let y2025 = YearTargets {
            year: Some(12_000),
            months: [None; 12],
        };
        let of = |year: i32| match year {
            2025 => Some(y2025),
            2026 => Some(y2026),
            _ => None,
        };
        // 15 to 30 April: 16 of 30 days.
        assert_eq!(
            period_target((day(2026, 4, 15), day(2026, 5, 1)), of),
            Some(1_600)
        );
        // May has no target: the period has none.
        assert_eq!(period_target((day(2026, 4, 15), day(2026, 5, 2)), of), None);
        // The whole of 2025 by its own target; December 2025 a twelfth.
        assert_eq!(
            period_target((day(2025, 1, 1), day(2026, 1, 1)), of),
            Some(12_000)
        );
        assert_eq!(
            period_target((day(2025, 12, 1), day(2026, 1, 1)), of),
            Some(1_000)
        );
        // Across the years: half of December 2025 is 16 of 31 days of 1000.
        assert_eq!(
            period_target((day(2025, 12, 16), day(2026, 1, 1)), of),
            Some(516)
        );
        assert_eq!(period_target((day(2024, 12, 1), day(2025, 2, 1)), of), None);
        // A quarter of a year with a year target and April's own: April,
        // and May and June's shares of the 9000 the other eleven months
        // have (818 each, the two cents left going to January and February).
        let with_year = YearTargets {
            year: Some(12_000),
            months,
        };
        let q2 = (day(2026, 4, 1), day(2026, 7, 1));
        assert_eq!(
            period_target(q2, |_| Some(with_year)),
            Some(3_000 + 818 * 2)
        );
        let year = (day(2026, 1, 1), day(2027, 1, 1));
        assert_eq!(period_target(year, |_| Some(with_year)), Some(12_000));
    }

    #[test]
    fn target_years_are_the_years_of_every_date() {
        let mut errors = crate::FieldErrors::new();
        check_year("year", 1900, &mut errors);
        check_year("year", 2999, &mut errors);
        assert!(errors.is_empty());
        check_year("year", 1899, &mut errors);
        check_year("year", 3000, &mut errors);
        check_year("year", i64::MAX, &mut errors);
        assert_eq!(errors.0.len(), 3);
        assert_eq!(errors.0[0].code, "year_outside_years");
        assert!(errors.0[0].params.contains(&("min", "1900".to_string())));
        assert!(errors.0[0].params.contains(&("max", "2999".to_string())));
    }
}
