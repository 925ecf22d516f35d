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
//!   rate.

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
    /// Each month's target, in the order of [`months_of`].
    pub months: Vec<Option<i64>>,
    /// Whether the target is a group's (its parts' added up).
    pub group: bool,
    /// The holders of their own targets that count: what they achieved is
    /// what the target is compared with.
    pub counted: Vec<H>,
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
            without: Vec::new(),
        },
        Holding::Group(_, members) => {
            let mut out = Measured {
                target: None,
                months: vec![None; parts.len()],
                group: true,
                counted: Vec::new(),
                without: Vec::new(),
            };
            for member in members {
                let measured = measure(member, (from, to), of);
                let Some(target) = measured.target else {
                    out.without.push(member.holder().clone());
                    continue;
                };
                out.target = Some(out.target.unwrap_or(0).saturating_add(target));
                for (slot, month) in out.months.iter_mut().zip(&measured.months) {
                    *slot = Some(slot.unwrap_or(0).saturating_add(month.unwrap_or(0)));
                }
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
}
