//! What a holder of targets stands against, the same on the dashboard, in
//! the target report and in the API:
//!
//! - a holder with targets of its own (a person, a department, the
//!   company) stands against them, by the rule of [`crate::targets`];
//! - a department without a target of its own stands against the targets
//!   of its direct people added up, and, when its sub-departments are
//!   included, of each sub-department's target resolved by this same rule;
//!   chosen people stand against their targets added up;
//! - a part without a target for the whole period (a person with none, a
//!   sub-department where nobody has one) is left out of the group's target
//!   and named; within a part that counts, those it leaves out are named
//!   too;
//! - what a group achieved is compared with its target only for the parts
//!   that count: what the others achieved is shown beside it, never in the
//!   rate;
//! - a group's month is measured like with like in that month alone: its
//!   target adds up the parts with a target in that month (whether or not
//!   they have one for the whole period), and what those parts achieved in
//!   the month is what it is compared with, so a month reads the same
//!   whatever period it is shown in.

use chrono::NaiveDate;

use crate::targets::{YearTargets, months_of, period_target};

/// A holder as measured: one with targets of its own, or a group standing
/// against its parts' targets added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holding<H> {
    Own(H),
    Group(H, Vec<Holding<H>>),
}

impl<H> Holding<H> {
    /// Who holds it.
    pub fn holder(&self) -> &H {
        match self {
            Self::Own(holder) | Self::Group(holder, _) => holder,
        }
    }

    /// The holders of targets of their own in it, at any depth.
    pub fn own_holders(&self) -> Vec<&H> {
        match self {
            Self::Own(holder) => vec![holder],
            Self::Group(_, parts) => parts.iter().flat_map(Self::own_holders).collect(),
        }
    }
}

/// A holding measured over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measured<H> {
    /// The period's target; for a group the sum of its parts' that have
    /// one for the whole period, none when no part has.
    pub target: Option<i64>,
    /// Each month's target, in the order of [`months_of`]; for a group the
    /// sum of its parts' with a target in that month, none when no part
    /// has one.
    pub months: Vec<Option<i64>>,
    /// Whether the target is a group's (its parts' added up).
    pub group: bool,
    /// The holders of their own targets that count: what they achieved is
    /// what the target is compared with.
    pub counted: Vec<H>,
    /// Per month (in the order of [`months_of`]), the holders of their own
    /// targets that count in that month: what they achieved in it is what
    /// the month's target is compared with.
    pub month_counted: Vec<Vec<H>>,
    /// The parts, at any depth, without a target for the whole period,
    /// left out of the target.
    pub without: Vec<H>,
}

/// Measures `holding` over `[from, to)`, `of` answering each holder's
/// targets of a year.
pub fn measure<H: Clone>(
    holding: &Holding<H>,
    (from, to): (NaiveDate, NaiveDate),
    of: &dyn Fn(&H, i32) -> YearTargets,
) -> Measured<H> {
    let parts = months_of(from, to);
    match holding {
        Holding::Own(holder) => Measured {
            target: period_target((from, to), |year| Some(of(holder, year))),
            months: parts
                .iter()
                .map(|part| part.target(&of(holder, part.year())))
                .collect(),
            group: false,
            counted: vec![holder.clone()],
            month_counted: vec![vec![holder.clone()]; parts.len()],
            without: Vec::new(),
        },
        Holding::Group(_, members) => {
            let mut out = Measured {
                target: None,
                months: vec![None; parts.len()],
                group: true,
                counted: Vec::new(),
                month_counted: vec![Vec::new(); parts.len()],
                without: Vec::new(),
            };
            for member in members {
                let measured = measure(member, (from, to), of);
                // Each month counts the parts with a target in it.
                let months = out
                    .months
                    .iter_mut()
                    .zip(out.month_counted.iter_mut())
                    .zip(measured.months.iter().zip(measured.month_counted));
                for ((slot, counted), (month, holders)) in months {
                    if let Some(month) = month {
                        *slot = Some(slot.unwrap_or(0).saturating_add(*month));
                        counted.extend(holders);
                    }
                }
                let Some(target) = measured.target else {
                    out.without.push(member.holder().clone());
                    continue;
                };
                out.target = Some(out.target.unwrap_or(0).saturating_add(target));
                out.counted.extend(measured.counted);
                out.without.extend(measured.without);
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn year_of(amount: i64) -> YearTargets {
        YearTargets {
            year: Some(amount),
            months: [None; 12],
        }
    }

    /// Targets by holder name: `top` none, `east` 12,000, `anna` 1,200,
    /// `west` none of its own (its people: `ben` 2,400, `cai` none).
    fn of(holder: &&str, _: i32) -> YearTargets {
        match *holder {
            "east" => year_of(12_000),
            "anna" => year_of(1_200),
            "ben" => year_of(2_400),
            _ => YearTargets::default(),
        }
    }

    #[test]
    fn a_department_adds_up_its_people_and_its_sub_departments_targets() {
        let west = Holding::Group("west", vec![Holding::Own("ben"), Holding::Own("cai")]);
        let north = Holding::Group("north", vec![Holding::Own("dan")]);
        let top = Holding::Group(
            "top",
            vec![
                Holding::Own("anna"),
                Holding::Own("east"),
                west,
                north,
                Holding::Own("eve"),
            ],
        );
        let year = (day(2021, 1, 1), day(2022, 1, 1));
        let measured = measure(&top, year, &of);
        assert_eq!(measured.target, Some(1_200 + 12_000 + 2_400));
        assert!(measured.group);
        assert_eq!(measured.months.len(), 12);
        assert_eq!(measured.months[0], Some(100 + 1_000 + 200));
        assert_eq!(measured.counted, ["anna", "east", "ben"]);
        // Cai within west (which counts), north where nobody has one, and eve.
        assert_eq!(measured.without, ["cai", "north", "eve"]);
        assert_eq!(
            top.own_holders(),
            [&"anna", &"east", &"ben", &"cai", &"dan", &"eve"]
        );
        // Nobody with one: no target, every part named.
        let none = Holding::Group("north", vec![Holding::Own("dan")]);
        let measured = measure(&none, year, &of);
        assert_eq!((measured.target, measured.months[0]), (None, None));
        assert_eq!(measured.without, ["dan"]);
        // One of its own stands alone, counting everyone.
        let own = measure(&Holding::Own("east"), year, &of);
        assert_eq!((own.target, own.group), (Some(12_000), false));
        assert_eq!(own.counted, ["east"]);
    }

    /// `anna` 1,200 for the year; `ben` 500 in March only.
    fn of_march(holder: &&str, _: i32) -> YearTargets {
        match *holder {
            "anna" => year_of(1_200),
            "ben" => {
                let mut months = [None; 12];
                months[2] = Some(500);
                YearTargets { year: None, months }
            }
            _ => YearTargets::default(),
        }
    }

    #[test]
    fn a_group_month_counts_the_people_with_a_target_in_that_month() {
        let team = Holding::Group("team", vec![Holding::Own("anna"), Holding::Own("ben")]);
        let year = (day(2021, 1, 1), day(2022, 1, 1));
        let measured = measure(&team, year, &of_march);
        // The year: ben has no target for all of it and is left out.
        assert_eq!(measured.target, Some(1_200));
        assert_eq!(measured.counted, ["anna"]);
        assert_eq!(measured.without, ["ben"]);
        // March counts ben beside anna; the other months only anna.
        assert_eq!(measured.months[2], Some(100 + 500));
        assert_eq!(measured.month_counted[2], ["anna", "ben"]);
        assert_eq!(measured.months[1], Some(100));
        assert_eq!(measured.month_counted[1], ["anna"]);
        // March alone reads the same as March within the year.
        let march = measure(&team, (day(2021, 3, 1), day(2021, 4, 1)), &of_march);
        assert_eq!(march.months, [Some(600)]);
        assert_eq!(march.month_counted, [vec!["anna", "ben"]]);
        assert_eq!(march.target, Some(600));
        // Nested: a sub-group with only ben counts in March only.
        let nested = Holding::Group(
            "top",
            vec![
                Holding::Own("anna"),
                Holding::Group("west", vec![Holding::Own("ben")]),
            ],
        );
        let measured = measure(&nested, year, &of_march);
        assert_eq!(measured.month_counted[2], ["anna", "ben"]);
        assert_eq!(measured.month_counted[3], ["anna"]);
        assert_eq!(measured.without, ["west"]);
    }
}
