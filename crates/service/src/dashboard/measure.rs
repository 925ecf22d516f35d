//! One rule for the dashboard's target block and the target report: whose
//! targets a holder stands against (see [`kuijing_domain::target_groups`]),
//! what those counted achieved against them, and what the others achieved
//! beside them.

use kuijing_domain::org::OrgChart;
use kuijing_domain::target_groups::{Holding, Measured, measure};
use kuijing_domain::targets::months_of;

use super::targets::{TargetHolder, other_currencies, year_targets};
use super::*;

/// A holder of targets: a department (`(Some, None)`), a person (`(None,
/// Some)`) or the company (`(None, None)`).
pub(crate) type HolderKey = (Option<i64>, Option<i64>);

/// A department as measured: its own targets when it has any, else those of
/// its direct people (among `people`) and, with `below`, of each
/// sub-department by this same rule.
pub(crate) fn department_holding(
    org: &OrgChart,
    people: &[i64],
    department: i64,
    below: bool,
    has_own: &dyn Fn(HolderKey) -> bool,
) -> Holding<HolderKey> {
    let mut seen = BTreeSet::new();
    department_part(org, people, (department, below), has_own, &mut seen)
}

fn department_part(
    org: &OrgChart,
    people: &[i64],
    (department, below): (i64, bool),
    has_own: &dyn Fn(HolderKey) -> bool,
    seen: &mut BTreeSet<i64>,
) -> Holding<HolderKey> {
    let holder = (Some(department), None);
    seen.insert(department);
    if has_own(holder) {
        return Holding::Own(holder);
    }
    let mut parts: Vec<Holding<HolderKey>> = people
        .iter()
        .filter(|user| org.department_of(**user) == Some(department))
        .map(|user| Holding::Own((None, Some(*user))))
        .collect();
    if below {
        let mut subs: Vec<i64> = org
            .department_ids()
            .filter(|d| org.department_and_above(*d).get(1) == Some(&department))
            .collect();
        subs.sort_unstable();
        for sub in subs {
            // A loop in stored data is never followed twice.
            if !seen.contains(&sub) {
                parts.push(department_part(org, people, (sub, true), has_own, seen));
            }
        }
    }
    Holding::Group(holder, parts)
}

/// The company as measured: its own targets when it has any, else each
/// top department's by the rule of [`department_holding`] (sub-departments
/// included), added up.
pub(crate) fn company_holding(
    org: &OrgChart,
    people: &[i64],
    has_own: &dyn Fn(HolderKey) -> bool,
) -> Holding<HolderKey> {
    let holder = (None, None);
    if has_own(holder) {
        return Holding::Own(holder);
    }
    let mut tops: Vec<i64> = org
        .department_ids()
        .filter(|d| org.department_and_above(*d).len() == 1)
        .collect();
    tops.sort_unstable();
    let mut seen = BTreeSet::new();
    let parts = tops
        .into_iter()
        .map(|top| department_part(org, people, (top, true), has_own, &mut seen))
        .collect();
    Holding::Group(holder, parts)
}

/// Chosen people measured together: their targets added up.
pub(crate) fn people_holding(people: &[i64]) -> Holding<HolderKey> {
    Holding::Group(
        (None, None),
        people
            .iter()
            .map(|user| Holding::Own((None, Some(*user))))
            .collect(),
    )
}

/// Whether a group adds up sub-departments' targets (and so says so).
pub(crate) fn adds_departments(holding: &Holding<HolderKey>) -> bool {
    match holding {
        Holding::Own(_) => false,
        Holding::Group(_, parts) => parts.iter().any(|p| p.holder().0.is_some()),
    }
}

/// The targets of `set` that the holders of `holding` hold themselves.
pub(crate) fn targets_held<'a>(
    holding: &Holding<HolderKey>,
    set: &'a [insight::Target],
) -> Vec<&'a insight::Target> {
    let holders = holding.own_holders();
    set.iter()
        .filter(|t| holders.contains(&&(t.department_id, t.user_id)))
        .collect()
}

/// The people (among `people`) whose records a holder's target counts.
fn owners_of(org: &OrgChart, people: &[i64], holder: HolderKey) -> Vec<i64> {
    match holder {
        (None, Some(user)) => vec![user],
        (Some(department), _) => {
            let below = org.department_and_below(department);
            people
                .iter()
                .copied()
                .filter(|id| org.department_of(*id).is_some_and(|d| below.contains(&d)))
                .collect()
        }
        (None, None) => people.to_vec(),
    }
}

/// A holding measured over a period in one currency, with what was
/// achieved.
pub(crate) struct HoldingFigures {
    pub(crate) measured: Measured<HolderKey>,
    /// Per month of the period (in the order of [`months_of`]): what those
    /// counted in that month achieved, and what the others achieved.
    pub(crate) months: Vec<(i64, i64)>,
    /// Over the period: what those counted for the period achieved, and
    /// what the others achieved.
    pub(crate) period: (i64, i64),
    /// Currencies of the period's money the target leaves out.
    pub(crate) other_currencies: Vec<String>,
    /// Whose records make what was achieved over the period (the first
    /// figure of `period`), and in each month: the owners to list for
    /// exactly those records; none: everyone's (all `owners`).
    pub(crate) owners: (Option<Vec<i64>>, Vec<Option<Vec<i64>>>),
}

impl HoldingFigures {
    /// What those counted achieved over the period, and the others.
    pub(crate) fn achieved(&self) -> (i64, i64) {
        self.period
    }
}

impl App {
    /// Measures `holding` over `[from, to)` against its targets in
    /// `currency` (of `set`, the targets of the measure and years), and what
    /// was achieved by `owners` (none: everyone): for a group, what the
    /// holders counted achieved is compared with the target, and what the
    /// others achieved is given apart, so both add up to everyone's.
    pub(crate) async fn holding_figures(
        &self,
        tx: &mut Tx,
        holding: &Holding<HolderKey>,
        (set, currency, measure_key): (&[insight::Target], &str, &str),
        (org, people): (&OrgChart, &[i64]),
        owners: Option<&[i64]>,
        (from, to): (NaiveDate, NaiveDate),
    ) -> Result<HoldingFigures> {
        let of = |holder: &HolderKey, year: i32| {
            let mine: Vec<&insight::Target> = set
                .iter()
                .filter(|t| t.currency == currency && (t.department_id, t.user_id) == *holder)
                .collect();
            year_targets(&mine, year)
        };
        let measured = measure(holding, (from, to), &of);
        let all = insight::by_month(tx, owners, measure_key, (from, to)).await?;
        let sum = |sums: &[insight::MonthSum], key: Option<&str>| -> i64 {
            sums.iter()
                .filter(|s| key.is_none_or(|k| s.month == k) && s.currency == currency)
                .map(|s| s.amount)
                .sum()
        };
        let parts = months_of(from, to);
        if !measured.group {
            let months: Vec<(i64, i64)> = parts
                .iter()
                .map(|part| (sum(&all, Some(&part.key())), 0))
                .collect();
            let whose = owners.map(<[i64]>::to_vec);
            return Ok(HoldingFigures {
                period: (sum(&all, None), 0),
                measured,
                owners: (whose.clone(), vec![whose; months.len()]),
                months,
                other_currencies: other_currencies(&all, currency),
            });
        }
        // A group: the period counts the holders with a target for all of
        // it, each month those with a target in that month. Each distinct
        // set of owners is summed once.
        let within = |holders: &[HolderKey]| -> Vec<i64> {
            let covered: BTreeSet<i64> = holders
                .iter()
                .flat_map(|h| owners_of(org, people, *h))
                .collect();
            match owners {
                Some(owners) => owners
                    .iter()
                    .copied()
                    .filter(|id| covered.contains(id))
                    .collect(),
                None => covered.into_iter().collect(),
            }
        };
        let mut sums: BTreeMap<Vec<i64>, Vec<insight::MonthSum>> = BTreeMap::new();
        let period_owners = within(&measured.counted);
        let month_owners: Vec<Vec<i64>> = measured
            .month_counted
            .iter()
            .map(|holders| within(holders))
            .collect();
        for set in month_owners.iter().chain([&period_owners]) {
            if !sums.contains_key(set) {
                let found = if set.is_empty() {
                    Vec::new()
                } else {
                    insight::by_month(tx, Some(set), measure_key, (from, to)).await?
                };
                sums.insert(set.clone(), found);
            }
        }
        let months = parts
            .iter()
            .zip(&month_owners)
            .map(|(part, set)| {
                let key = part.key();
                let everyone = sum(&all, Some(&key));
                let mine = sum(&sums[set], Some(&key));
                (mine, everyone - mine)
            })
            .collect();
        let mine = sum(&sums[&period_owners], None);
        let period = (mine, sum(&all, None) - mine);
        Ok(HoldingFigures {
            measured,
            months,
            period,
            other_currencies: other_currencies(&all, currency),
            owners: (
                Some(period_owners),
                month_owners.into_iter().map(Some).collect(),
            ),
        })
    }

    /// The holders a group leaves out, named: people by `name_of`,
    /// departments by their names.
    pub(crate) async fn name_holders(
        &self,
        tx: &mut Tx,
        holders: &[HolderKey],
        name_of: &(dyn Fn(i64) -> String + Sync),
    ) -> Result<Vec<TargetHolder>> {
        let ids: Vec<i64> = holders.iter().filter_map(|h| h.0).collect();
        let departments: BTreeMap<i64, String> =
            departments::names(tx, &ids).await?.into_iter().collect();
        Ok(holders
            .iter()
            .map(|holder| match *holder {
                (Some(department), _) => TargetHolder {
                    user_id: None,
                    department_id: Some(department),
                    name: departments.get(&department).cloned().unwrap_or_default(),
                },
                (None, user) => TargetHolder {
                    user_id: user,
                    department_id: None,
                    name: user.map(name_of).unwrap_or_default(),
                },
            })
            .collect())
    }
}
