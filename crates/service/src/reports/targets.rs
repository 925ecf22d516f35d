//! Target achievement.

use kuijing_domain::OrgChart;
use kuijing_domain::target_groups::Holding;
use kuijing_domain::targets::{MonthPart, months_of};

use crate::dashboard::{
    HolderKey, company_holding, department_holding, people_holding, targets_held,
};

use super::*;

impl App {
    /// Target achievement: per department (the company's target too, for
    /// a viewer who sees everyone) or per user holding a target in a year
    /// the period touches, a row for the period and one per month it
    /// touches (of every year), each with the target, what was achieved in
    /// the period (approved contracts by signing day, or approved payments
    /// by the day received) and the rate. Targets follow
    /// [`kuijing_domain::targets`]: a month the period covers in part
    /// stands against the share of its target for the days covered; a year
    /// with a target of its own and no month targets is spread evenly over
    /// its months; a month with no target shows "—", and so does the period
    /// when one of its months has none. Money in other currencies than the
    /// targets' is named in `other_currencies`, and targets set in other
    /// currencies than the one shown in `targets_left_out`.
    pub(super) async fn targets_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        (by, query): (&mut String, &ReportQuery),
        table: &mut Assembly,
    ) -> Result<()> {
        let measure = match query.measure.as_deref().filter(|m| !m.is_empty()) {
            None => "contract_amount",
            Some(m) if crate::dashboard::MEASURES.contains(&m) => m,
            Some(_) => {
                let refused = crate::error::not_one_of("measure", &crate::dashboard::MEASURES);
                return Err(ServiceError::Invalid(refused.into()));
            }
        };
        let kind = if measure == "payment_amount" {
            Kind::Payment
        } else {
            Kind::Contract
        };
        let (from, to) = (frame.from, frame.to);
        let parts = months_of(from, to);
        let years = (
            i64::from(from.year()),
            i64::from((to - chrono::Duration::days(1)).year()),
        );
        // Whose records count: the chosen people the viewer sees.
        let counted = frame.whose.owners(caller, kind);
        let org = &frame.whose.org;
        let people: Vec<i64> = frame.whose.people.iter().map(|(id, _)| *id).collect();
        let mut set = kuijing_store::insight::targets_of_years(tx, years, measure).await?;
        // A report opened without a grouping shows departments, unless the
        // viewer counts only their own records or no department shows for
        // them: then it opens by owner (their own target).
        let chosen = query.by.as_deref().is_some_and(|b| !b.is_empty());
        let mut holders = shown_holders(by.as_str(), &set, counted.as_deref(), org, &people);
        if !chosen
            && by.as_str() == "department"
            && (own_only(caller, kind, org) || holders.is_empty())
        {
            *by = "owner".to_string();
            holders = shown_holders(by.as_str(), &set, counted.as_deref(), org, &people);
        }
        // Targets count in the company's currency only, as on the
        // dashboard; those of the holders shown (a group's parts' among
        // them) in another currency are named as left out.
        let mut shown: Vec<&kuijing_store::insight::Target> = Vec::new();
        for holder in holders.values() {
            for target in targets_held(&holder.holding, &set) {
                if !shown.iter().any(|t| t.id == target.id) {
                    shown.push(target);
                }
            }
        }
        let currency = frame.currency.clone();
        // Targets in another currency are named, never dropped unsaid.
        table.targets_left_out = crate::dashboard::left_out_targets(shown, &currency);
        // A holder whose targets are all in another currency stands as one
        // with no target: shown only where its people's or parts' targets
        // are added up, and what it achieved is then achieved without one.
        if !table.targets_left_out.is_empty() {
            set.retain(|t| t.currency == currency);
            holders = shown_holders(by.as_str(), &set, counted.as_deref(), org, &people);
        }
        let target = table.column(
            &format!("{measure}_target"),
            Unit::Money,
            Some(&currency),
            None,
        );
        let achieved = table.column(
            &format!("{measure}_achieved"),
            Unit::Money,
            Some(&currency),
            None,
        );
        table.sparse.insert(target);
        table.rate(&format!("{measure}_rate"), achieved, target);
        // What a group's people without a target achieved, beside the
        // figure the rate compares.
        let apart = holders
            .values()
            .any(|h| matches!(h.holding, Holding::Group(..)))
            .then(|| {
                table.column(
                    &format!("{measure}_achieved_without_target"),
                    Unit::Money,
                    Some(&currency),
                    None,
                )
            });
        // Rows of different holders and of the period beside its months do
        // not add up.
        table.not_additive(target);
        table.not_additive(achieved);
        if let Some(apart) = apart {
            table.not_additive(apart);
        }
        let period_key = period_key(from, to);
        for (holder, shown) in &holders {
            let figures = self
                .holding_figures(
                    tx,
                    &shown.holding,
                    (&set, &currency, measure),
                    (org, &people),
                    shown.owners.as_deref(),
                    (from, to),
                )
                .await?;
            if figures.measured.group {
                let without_target = self
                    .name_holders(tx, &figures.measured.without, &|id| frame.whose.name_of(id))
                    .await?;
                table.added_up.push(AddedUpTarget {
                    key: holder.clone(),
                    name: String::new(),
                    sub_departments: crate::dashboard::adds_departments(&shown.holding),
                    without_target,
                });
            }
            let rows = parts
                .iter()
                .map(|part| part.key())
                .chain([period_key.clone()]);
            let (period_achieved, period_apart) = figures.achieved();
            let values = figures
                .measured
                .months
                .iter()
                .zip(&figures.months)
                .map(|(t, (a, b))| (*t, *a, *b))
                .chain([(figures.measured.target, period_achieved, period_apart)]);
            for (key2, (month_target, mine, others)) in rows.zip(values) {
                let row = (Some(holder.clone()), Some(key2));
                table.put(row.clone(), achieved, mine);
                if let (Some(apart), true) = (apart, figures.measured.group) {
                    table.put(row.clone(), apart, others);
                }
                if let Some(t) = month_target {
                    table.put(row, target, t);
                }
            }
            for other in figures.other_currencies {
                table.other_currencies.insert(other);
            }
        }
        Ok(())
    }
}

/// The holders the target report shows grouped `by` (`department` or
/// `owner`), each with the owners its achievement counts and what it stands
/// against, by the dashboard's rule; `counted` are the owners whose records
/// count (none: everyone).
fn shown_holders(
    by: &str,
    set: &[kuijing_store::insight::Target],
    counted: Option<&[i64]>,
    org: &OrgChart,
    people: &[i64],
) -> BTreeMap<String, Shown> {
    let held = |holder: HolderKey| set.iter().any(|t| (t.department_id, t.user_id) == holder);
    // The holders shown, each with the owners its achievement counts
    // and what it stands against, by the dashboard's rule.
    let mut holders: BTreeMap<String, Shown> = BTreeMap::new();
    for target in set {
        match (by, target.department_id, target.user_id) {
            ("department", None, None) if counted.is_none() => {
                holders.insert("company".to_string(), Shown::own(None, (None, None)));
            }
            ("owner", None, Some(user)) => {
                if counted.is_some_and(|seen| !seen.contains(&user)) {
                    continue;
                }
                holders.insert(
                    user.to_string(),
                    Shown::own(Some(vec![user]), (None, Some(user))),
                );
            }
            _ => {}
        }
    }
    if by == "department" {
        // A department stands against its own target, else its people's
        // and its sub-departments' added up, as on the dashboard, when
        // any of them has one.
        for department in org.department_ids() {
            let holding = department_holding(org, people, department, true, &held);
            if !holding.own_holders().into_iter().any(|h| held(*h)) {
                continue;
            }
            let below = org.department_and_below(department);
            let members: Vec<i64> = people
                .iter()
                .copied()
                .filter(|id| org.department_of(*id).is_some_and(|d| below.contains(&d)))
                .collect();
            // A department's target stands against the whole department:
            // a viewer who counts only part of it (a rep seeing their own
            // contracts) is not shown the target against their part as if
            // it were the department's.
            let whole = counted.is_none_or(|seen| members.iter().all(|id| seen.contains(id)));
            if !whole || (counted.is_some() && members.is_empty()) {
                continue;
            }
            holders.insert(
                department.to_string(),
                Shown {
                    owners: Some(members),
                    holding,
                },
            );
        }
        // The company without a target of its own stands against its
        // departments' added up, as on the dashboard.
        let company = company_holding(org, people, &held);
        if counted.is_none() && company.own_holders().into_iter().any(|h| held(*h)) {
            holders.entry("company".to_string()).or_insert(Shown {
                owners: None,
                holding: company,
            });
        }
    } else if !holders.is_empty() {
        // The total of the people shown: everyone whose records count,
        // taken together by the rule of a group of chosen people. One
        // person alone has no total beside their own row.
        let everyone = counted.map_or_else(|| people.to_vec(), <[i64]>::to_vec);
        if everyone.len() < 2 {
            return holders;
        }
        holders.insert(
            TOTAL.to_string(),
            Shown {
                holding: people_holding(&everyone),
                owners: counted.map(<[i64]>::to_vec),
            },
        );
    }
    holders
}

/// Whether the viewer's records of a kind are only their own (no
/// department's, not everyone's).
fn own_only(caller: &Caller, kind: Kind, org: &OrgChart) -> bool {
    let seen = caller.actor.visibility(kind, org);
    !seen.all && seen.departments.is_empty()
}

/// The row key of the target report's total of the people shown (grouped
/// by owner).
pub const TOTAL: &str = "total";

/// The target report's row of the whole period, sorted before its months:
/// `2026` for a calendar year, `2025 – 2026` for whole years, else the
/// years and the days (`2026 (04-15 – 06-30)`, `2025 – 2026 (11-15 –
/// 02-10)`).
fn period_key(from: NaiveDate, to: NaiveDate) -> String {
    let last = to - chrono::Duration::days(1);
    let years = if from.year() == last.year() {
        format!("{:04}", from.year())
    } else {
        format!("{:04} – {:04}", from.year(), last.year())
    };
    let whole_years = from.ordinal() == 1 && to.ordinal() == 1;
    if whole_years {
        years
    } else {
        format!(
            "{years} ({} – {})",
            from.format("%m-%d"),
            last.format("%m-%d")
        )
    }
}

/// Names the target report's months that the period covers in part by
/// their days (`2026-04-15 – 2026-04-30`), so a prorated target is read as
/// the days' share.
pub(super) fn name_month_parts(rows: &mut [ReportRow], (from, to): (NaiveDate, NaiveDate)) {
    let parts: Vec<MonthPart> = months_of(from, to)
        .into_iter()
        .filter(|p| !p.whole())
        .collect();
    for row in rows {
        let Some(part) = parts
            .iter()
            .find(|p| row.key2.as_deref() == Some(p.key().as_str()))
        else {
            continue;
        };
        row.label2 = Some(format!(
            "{} – {}",
            part.from,
            part.to - chrono::Duration::days(1)
        ));
    }
}

/// A holder of the target report: the owners its achievement counts, and
/// what it stands against (its own targets, or a group's parts').
struct Shown {
    owners: Option<Vec<i64>>,
    holding: Holding<HolderKey>,
}

impl Shown {
    fn own(owners: Option<Vec<i64>>, holder: HolderKey) -> Self {
        Self {
            owners,
            holding: Holding::Own(holder),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_row_sorts_before_its_months() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert_eq!(period_key(day(2026, 1, 1), day(2027, 1, 1)), "2026");
        assert_eq!(period_key(day(2025, 1, 1), day(2027, 1, 1)), "2025 – 2026");
        let cut = period_key(day(2026, 4, 15), day(2026, 7, 1));
        assert_eq!(cut, "2026 (04-15 – 06-30)");
        assert!(cut.as_str() < "2026-04");
        let across = period_key(day(2025, 11, 15), day(2026, 2, 11));
        assert_eq!(across, "2025 – 2026 (11-15 – 02-10)");
        assert!(across.as_str() < "2025-11");
    }
}
