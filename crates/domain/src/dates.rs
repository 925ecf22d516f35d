//! Dates as people and spreadsheets write them, and the periods of filters.
//!
//! Import meets ISO dates, `2024/1/5`, Excel serial numbers, compact
//! Gregorian `20240105`, and the ROC calendar (`113/01/05`, `1131029`, year
//! 113 being 2024). A date that does not exist is refused, never rolled over
//! into the next month.

use chrono::{Datelike, Days, Duration, NaiveDate};

mod typed;

pub use typed::{half_width_date, iso_date_time, iso_day};

/// Excel's day zero for serial numbers (it counts 1900 as a leap year, so
/// serials from 61 on are right when counted from 1899-12-30).
const EXCEL_EPOCH: (i32, u32, u32) = (1899, 12, 30);
/// ROC year 1 is 1912.
const ROC_OFFSET: i32 = 1911;

/// Reads a date in any of the forms above, and Chinese writing
/// (`2024年1月5日`, ROC `113年1月5日`, `民國113年1月5日`). A date of a known
/// form that does not exist (`2024-02-30`) is `date_invalid`; text of no
/// form read here (`01012024`, `0`, `abc`) is `date_unreadable`.
pub fn parse_date(text: &str) -> Result<NaiveDate, &'static str> {
    let text = chinese_date(&crate::text::normalize(text));
    if text.is_empty() {
        return Err("required");
    }
    let digits_only = text.chars().all(|c| c.is_ascii_digit());
    if digits_only && text.len() == 8 {
        return compact(&text[0..4], &text[4..6], &text[6..8], 0);
    }
    if digits_only && text.len() == 7 {
        return compact(&text[0..3], &text[3..5], &text[5..7], ROC_OFFSET);
    }
    if let Ok(serial) = text.parse::<f64>() {
        return excel_serial(serial);
    }
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    if let [y, m, d] = parts.as_slice() {
        let year_digits = y.len();
        let offset = if year_digits <= 3 { ROC_OFFSET } else { 0 };
        // Spreadsheet cells sometimes carry a time after the date.
        let d = d.split([' ', 't']).next().unwrap_or(d);
        let numeric = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
        if !(numeric(y) && numeric(m) && numeric(d)) {
            return Err("date_unreadable");
        }
        // `12/01/2027`: day and month before the year, in an order no one
        // can tell (1 December or 12 January), so it is not guessed.
        if y.len() <= 2 && m.len() <= 2 && d.len() == 4 {
            return Err("date_year_last");
        }
        return ymd(y, m, d, offset);
    }
    Err("date_unreadable")
}

/// `2024年1月5日` (or with a ROC year, `民國` before it) as `2024-1-5`;
/// other text as it is.
fn chinese_date(text: &str) -> String {
    let text = text
        .trim_start_matches("民國")
        .trim_start_matches("民国")
        .trim();
    match text.split_once('年') {
        Some((year, rest)) => match rest.split_once('月') {
            Some((month, day)) => {
                let day = day.trim_end_matches(['日', '號', '号']).trim();
                format!("{}-{}-{day}", year.trim(), month.trim())
            }
            None => text.to_string(),
        },
        None => text.to_string(),
    }
}

/// A compact date (`20240105`, `1131029`): one whose month or day is out of
/// bounds is another order of digits (`01012024`), not read.
fn compact(y: &str, m: &str, d: &str, offset: i32) -> Result<NaiveDate, &'static str> {
    let in_bounds =
        |text: &str, max: u32| text.parse::<u32>().is_ok_and(|n| (1..=max).contains(&n));
    if !in_bounds(m, 12) || !in_bounds(d, 31) {
        return Err("date_unreadable");
    }
    ymd(y, m, d, offset)
}

/// A date and time as a spreadsheet writes it: any date [`parse_date`]
/// reads, then optionally a time of day (`14:30`, `14:30:00`); a date alone
/// is taken at nine in the morning, when a working day starts.
pub fn parse_date_time(text: &str) -> Result<chrono::NaiveDateTime, &'static str> {
    let text = crate::text::normalize(text);
    let (date, time) = match text.rsplit_once([' ', 't']) {
        Some((date, time)) if time.contains(':') => (date.trim(), Some(time.trim())),
        _ => (text.as_str(), None),
    };
    let date = parse_date(date)?;
    in_years(date)?;
    let time = match time {
        None => chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
        Some(time) => chrono::NaiveTime::parse_from_str(time, "%H:%M")
            .or_else(|_| chrono::NaiveTime::parse_from_str(time, "%H:%M:%S"))
            .map_err(|_| "date_time_invalid")?,
    };
    Ok(date.and_time(time))
}

/// A date and time written with its offset from UTC, as ISO 8601 and the
/// API write it (`2027-03-01T14:30:00+08:00`, `2027-03-01 14:30+08:00`,
/// `…Z`): the instant it names, to be read in the company's time zone.
pub fn parse_offset_date_time(text: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let text = text.trim();
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .or_else(|| chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M%#z").ok())
        .or_else(|| chrono::DateTime::parse_from_str(text, "%Y-%m-%d %H:%M%#z").ok())
}

/// The years a date of a record takes; anything else is a typing slip
/// (`0001`, `9999`), refused on forms, the API and imports alike.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

/// Refuses a date outside [`YEARS`].
pub fn in_years(date: NaiveDate) -> Result<(), &'static str> {
    if YEARS.contains(&date.year()) {
        Ok(())
    } else {
        Err("date_out_of_range")
    }
}

/// Adds `date_out_of_range` for each named date outside [`YEARS`].
pub fn check_years(errors: &mut crate::FieldErrors, dates: &[(&str, Option<NaiveDate>)]) {
    for (field, date) in dates {
        if let Some(Err(code)) = date.map(in_years) {
            errors.add(*field, code);
        }
    }
}

fn ymd(y: &str, m: &str, d: &str, offset: i32) -> Result<NaiveDate, &'static str> {
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return Err("date_invalid");
    };
    if y <= 0 {
        return Err("date_invalid");
    }
    NaiveDate::from_ymd_opt(y + offset, m, d).ok_or("date_invalid")
}

fn excel_serial(serial: f64) -> Result<NaiveDate, &'static str> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return Err("date_unreadable");
    }
    let (y, m, d) = EXCEL_EPOCH;
    let epoch = NaiveDate::from_ymd_opt(y, m, d).ok_or("date_invalid")?;
    epoch
        .checked_add_days(Days::new(serial.trunc() as u64))
        .ok_or("date_invalid")
}

/// A named period of a date filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Today,
    Yesterday,
    ThisWeek,
    LastWeek,
    ThisMonth,
    LastMonth,
    ThisQuarter,
    LastQuarter,
    ThisYear,
    LastYear,
}

/// How a query names a period: each [`Period`], then `custom` for days
/// chosen (`from`, `to`).
pub const PERIOD_NAMES: [&str; 11] = [
    "today",
    "yesterday",
    "this_week",
    "last_week",
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
    "this_year",
    "last_year",
    "custom",
];

impl Period {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "today" => Self::Today,
            "yesterday" => Self::Yesterday,
            "this_week" => Self::ThisWeek,
            "last_week" => Self::LastWeek,
            "this_month" => Self::ThisMonth,
            "last_month" => Self::LastMonth,
            "this_quarter" => Self::ThisQuarter,
            "last_quarter" => Self::LastQuarter,
            "this_year" => Self::ThisYear,
            "last_year" => Self::LastYear,
            _ => return None,
        })
    }

    /// The first day and the day after the last, for a given today. Weeks
    /// start on Monday.
    pub fn range(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let month_start = |d: NaiveDate| d.with_day(1).unwrap_or(d);
        let next_month = |d: NaiveDate| {
            let (y, m) = if d.month() == 12 {
                (d.year() + 1, 1)
            } else {
                (d.year(), d.month() + 1)
            };
            NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(d)
        };
        let week_start = today - Duration::days(today.weekday().num_days_from_monday() as i64);
        let year_start = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(today);
        match self {
            Self::Today => (today, today + Duration::days(1)),
            Self::Yesterday => (today - Duration::days(1), today),
            Self::ThisWeek => (week_start, week_start + Duration::days(7)),
            Self::LastWeek => (week_start - Duration::days(7), week_start),
            Self::ThisMonth => (month_start(today), next_month(today)),
            Self::LastMonth => {
                let start = month_start(month_start(today) - Duration::days(1));
                (start, month_start(today))
            }
            Self::ThisQuarter => {
                let first = (today.month() - 1) / 3 * 3 + 1;
                let start = NaiveDate::from_ymd_opt(today.year(), first, 1).unwrap_or(today);
                let mut end = start;
                for _ in 0..3 {
                    end = next_month(end);
                }
                (start, end)
            }
            Self::LastQuarter => {
                let (this_start, _) = Self::ThisQuarter.range(today);
                Self::ThisQuarter.range(this_start - Duration::days(1))
            }
            Self::ThisYear => (year_start(today.year()), year_start(today.year() + 1)),
            Self::LastYear => (year_start(today.year() - 1), year_start(today.year())),
        }
    }
}

/// The period of the same length just before `[from, to)`, for comparing
/// a figure with the one before it. A calendar month is compared with the
/// month before, a quarter with the quarter before, a year with the year
/// before, whatever their lengths in days.
pub fn previous_range(from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    let months = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
    let whole_months = from.day() == 1 && to.day() == 1 && months(to) > months(from);
    if whole_months {
        let span = months(to) - months(from);
        let start = months(from) - span;
        let first =
            NaiveDate::from_ymd_opt(start.div_euclid(12), start.rem_euclid(12) as u32 + 1, 1);
        if let Some(first) = first {
            return (first, from);
        }
    }
    (from - (to - from), from)
}

impl Period {
    /// Whether the period runs on past today (this week, month, quarter or
    /// year), so a comparison must stop at today.
    pub fn is_running(self) -> bool {
        matches!(
            self,
            Self::ThisWeek | Self::ThisMonth | Self::ThisQuarter | Self::ThisYear
        )
    }
}

/// What a period still running compares with: the days so far (`from` to
/// `today`, both included) against the same span of the period before,
/// as `[from, to)` of that period: December 1–5 against November 1–5, this
/// week's Monday to Wednesday against last week's. A day past the end of a
/// shorter month stops at its end (March 1–30 against all of February). A
/// `today` outside `[from, to)` compares the whole periods.
pub fn previous_so_far(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let (before_from, before_to) = previous_range(from, to);
    if today < from || today >= to {
        return (before_from, before_to);
    }
    let months = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
    let whole_months = from.day() == 1 && to.day() == 1 && months(to) > months(from);
    let last = if whole_months {
        let span = (months(to) - months(from)) as u32;
        today.checked_sub_months(chrono::Months::new(span))
    } else {
        Some(today - (to - from))
    };
    let end = last
        .and_then(|d| d.succ_opt())
        .unwrap_or(before_to)
        .clamp(before_from, before_to);
    (before_from, end)
}

/// The change from `previous` to `current` in tenths of a percent rounded
/// half up (125 is 12.5%), as every rate; none when there was nothing
/// before.
pub fn change_tenths(current: i64, previous: i64) -> Option<i64> {
    if previous == 0 {
        return None;
    }
    rate_tenths(
        i128::from(current) - i128::from(previous),
        i128::from(previous),
    )
}

/// `part` out of `whole` in whole percent, rounded half up (0.5 is 1,
/// -0.5 is 0); none when `whole` is 0.
pub fn percent_of(part: i128, whole: i128) -> Option<i64> {
    share_of(part, whole, 100)
}

/// A rate: `part` out of `whole` in tenths of a percent (976 is 97.6%),
/// rounded half up; none when `whole` is 0. The dashboard's target rates
/// and every rate of the reports are this one figure.
pub fn rate_tenths(part: i128, whole: i128) -> Option<i64> {
    share_of(part, whole, 1000)
}

/// `part` out of `whole` times `scale`, rounded half up.
fn share_of(part: i128, whole: i128, scale: i128) -> Option<i64> {
    if whole == 0 {
        return None;
    }
    // part / whole * scale + 1/2, floored.
    let (top, bottom) = (part * scale * 2 + whole, whole * 2);
    let (top, bottom) = if bottom < 0 {
        (-top, -bottom)
    } else {
        (top, bottom)
    };
    i64::try_from(top.div_euclid(bottom)).ok()
}

/// The first days of the `count` months ending with the month of `last`,
/// oldest first.
pub fn months_back(last: NaiveDate, count: u32) -> Vec<NaiveDate> {
    let end = last.year() * 12 + last.month0() as i32;
    (0..count as i32)
        .rev()
        .filter_map(|back| {
            let m = end - back;
            NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1)
        })
        .collect()
}

/// Monday of the week of a date, for callers that bucket by week.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Duration::days(date.weekday().num_days_from_monday() as i64)
}

#[cfg(test)]
mod tests;
