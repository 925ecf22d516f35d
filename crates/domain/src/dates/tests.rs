//! The dates people write, and the periods of filters.

use super::*;

#[test]
fn a_running_period_compares_its_days_so_far_with_the_same_days_before() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
    let month = Period::ThisMonth.range(d(2026, 12, 5));
    assert_eq!(
        previous_so_far(month.0, month.1, d(2026, 12, 5)),
        (d(2026, 11, 1), d(2026, 11, 6))
    );
    // March 30 reaches past February: all of February.
    let march = Period::ThisMonth.range(d(2026, 3, 30));
    assert_eq!(
        previous_so_far(march.0, march.1, d(2026, 3, 30)),
        (d(2026, 2, 1), d(2026, 3, 1))
    );
    let quarter = Period::ThisQuarter.range(d(2026, 5, 10));
    assert_eq!(
        previous_so_far(quarter.0, quarter.1, d(2026, 5, 10)),
        (d(2026, 1, 1), d(2026, 2, 11))
    );
    let year = Period::ThisYear.range(d(2026, 3, 2));
    assert_eq!(
        previous_so_far(year.0, year.1, d(2026, 3, 2)),
        (d(2025, 1, 1), d(2025, 3, 3))
    );
    // Wednesday: Monday to Wednesday of the week before.
    let week = Period::ThisWeek.range(d(2026, 12, 2));
    assert_eq!(
        previous_so_far(week.0, week.1, d(2026, 12, 2)),
        (d(2026, 11, 23), d(2026, 11, 26))
    );
    // A period that has ended compares whole.
    let last = Period::LastMonth.range(d(2026, 12, 5));
    assert_eq!(
        previous_so_far(last.0, last.1, d(2026, 12, 5)),
        (d(2026, 10, 1), d(2026, 11, 1))
    );
    assert!(Period::ThisMonth.is_running() && !Period::LastMonth.is_running());
}

#[test]
fn rates_are_in_tenths_rounded_half_up() {
    assert_eq!(rate_tenths(976, 1000), Some(976));
    assert_eq!(rate_tenths(310, 700), Some(443), "44.29% is 44.3%");
    assert_eq!(rate_tenths(1, 2000), Some(1), "0.05% is 0.1%");
    assert_eq!(rate_tenths(5, 0), None);
    assert_eq!(percent_of(310, 700), Some(44));
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

#[test]
fn previous_periods_have_the_same_length() {
    // A month against the month before, even when their days differ.
    assert_eq!(
        previous_range(d(2024, 3, 1), d(2024, 4, 1)),
        (d(2024, 2, 1), d(2024, 3, 1))
    );
    assert_eq!(
        previous_range(d(2024, 1, 1), d(2025, 1, 1)),
        (d(2023, 1, 1), d(2024, 1, 1))
    );
    assert_eq!(
        previous_range(d(2024, 1, 1), d(2024, 4, 1)),
        (d(2023, 10, 1), d(2024, 1, 1))
    );
    // A week against the week before; any other span by days.
    assert_eq!(
        previous_range(d(2024, 3, 4), d(2024, 3, 11)),
        (d(2024, 2, 26), d(2024, 3, 4))
    );
    assert_eq!(
        Period::LastQuarter.range(d(2024, 2, 10)),
        (d(2023, 10, 1), d(2024, 1, 1))
    );
    assert_eq!(Period::parse("last_quarter"), Some(Period::LastQuarter));
}

#[test]
fn changes_and_months() {
    assert_eq!(change_tenths(150, 100), Some(500));
    assert_eq!(change_tenths(50, 100), Some(-500));
    assert_eq!(change_tenths(5, 0), None);
    // Tenths of a percent rounded half up, never truncated.
    assert_eq!(change_tenths(10091, 10000), Some(9));
    assert_eq!(change_tenths(10049, 10000), Some(5));
    assert_eq!(change_tenths(18048, 1000), Some(17048));
    assert_eq!(change_tenths(9950, 10000), Some(-5));
    assert_eq!(change_tenths(9949, 10000), Some(-5));
    assert_eq!(change_tenths(9995, 10000), Some(0), "-0.05% is 0.0%");
    assert_eq!(change_tenths(10005, 10000), Some(1), "0.05% is 0.1%");
    assert_eq!(change_tenths(-50, -100), Some(-500));
    assert_eq!(change_tenths(-150, -100), Some(500));
    assert_eq!(
        months_back(d(2024, 2, 17), 3),
        vec![d(2023, 12, 1), d(2024, 1, 1), d(2024, 2, 1)]
    );
}

#[test]
fn every_import_form_of_a_date_is_read() {
    assert_eq!(parse_date("2024-01-05"), Ok(d(2024, 1, 5)));
    assert_eq!(parse_date("2024/1/5"), Ok(d(2024, 1, 5)));
    assert_eq!(parse_date("113/01/05"), Ok(d(2024, 1, 5)));
    assert_eq!(parse_date("1131029"), Ok(d(2024, 10, 29)));
    assert_eq!(parse_date("19501229"), Ok(d(1950, 12, 29)));
    assert_eq!(parse_date("45296"), Ok(d(2024, 1, 5)));
    assert_eq!(parse_date("45296.5"), Ok(d(2024, 1, 5)));
    assert_eq!(parse_date("２０２４－０１－０５"), Ok(d(2024, 1, 5)));
    assert_eq!(parse_date("2024-01-05 10:30"), Ok(d(2024, 1, 5)));
    assert_eq!(parse_date("2024年1月5日"), Ok(d(2024, 1, 5)));
    assert_eq!(parse_date("113年1月5日"), Ok(d(2024, 1, 5)));
    assert_eq!(parse_date("民國113年10月29日"), Ok(d(2024, 10, 29)));
}

#[test]
fn dates_out_of_range_are_refused_not_rolled_over() {
    for bad in [
        "2024-02-30",
        "2023/2/29",
        "1130231",
        "113/13/01",
        "2024年2月30日",
    ] {
        assert_eq!(parse_date(bad), Err("date_invalid"), "{bad}");
    }
    for unread in [
        "0",
        "abc",
        "2024-1",
        "01012024",
        "20241301",
        "2024-x-05",
        "-5",
    ] {
        assert_eq!(parse_date(unread), Err("date_unreadable"), "{unread}");
    }
    assert_eq!(parse_date("2024-02-29"), Ok(d(2024, 2, 29)));
}

#[test]
fn a_date_with_the_year_last_is_not_guessed() {
    for unclear in ["12/01/2027", "1/12/2027", "25.12.2027", "01-02-2027"] {
        assert_eq!(parse_date(unclear), Err("date_year_last"), "{unclear}");
    }
    assert_eq!(parse_date("116/12/01"), Ok(d(2027, 12, 1)));
    assert_eq!(parse_date("2027/12/01"), Ok(d(2027, 12, 1)));
}

#[test]
fn periods_have_the_expected_bounds() {
    let today = d(2026, 3, 4); // a Wednesday
    assert_eq!(
        Period::ThisWeek.range(today),
        (d(2026, 3, 2), d(2026, 3, 9))
    );
    assert_eq!(
        Period::LastMonth.range(today),
        (d(2026, 2, 1), d(2026, 3, 1))
    );
    assert_eq!(
        Period::ThisQuarter.range(today),
        (d(2026, 1, 1), d(2026, 4, 1))
    );
    assert_eq!(
        Period::LastMonth.range(d(2026, 1, 15)),
        (d(2025, 12, 1), d(2026, 1, 1))
    );
    assert_eq!(monday_of(today), d(2026, 3, 2));
}

#[test]
fn a_date_and_time_with_its_offset_is_read_as_the_instant() {
    let at = parse_offset_date_time("2027-03-01T14:30:00+08:00").expect("read");
    assert_eq!(at.naive_utc().to_string(), "2027-03-01 06:30:00");
    let at = parse_offset_date_time("2027-03-01 14:30+08:00").expect("read");
    assert_eq!(at.naive_utc().to_string(), "2027-03-01 06:30:00");
    assert!(parse_offset_date_time("2027-03-01T00:30:00Z").is_some());
    assert!(parse_offset_date_time("2027-03-01 14:30").is_none());
}

#[test]
fn every_period_name_but_custom_is_a_period() {
    let (custom, periods) = PERIOD_NAMES.split_last().expect("names");
    assert_eq!(*custom, "custom");
    assert!(periods.iter().all(|name| Period::parse(name).is_some()));
    assert_eq!(Period::parse("custom"), None);
}
