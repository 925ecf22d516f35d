//! Targets shown against what was achieved over the dashboard's period.

use kuijing_domain::target_groups::Holding;
use kuijing_domain::targets::{YearTargets, months_of};

use super::measure::{
    adds_departments, company_holding, department_holding, people_holding, targets_held,
};

use super::*;

/// What a target measures.
pub const MEASURES: [&str; 2] = ["contract_amount", "payment_amount"];

/// Achieved out of a target, in tenths of a percent rounded half up (976
/// is 97.6%), the same figure as the target report's rate; none without a
/// target above 0.
pub fn rate_of(achieved: i64, target: Option<i64>) -> Option<i64> {
    target
        .filter(|t| *t > 0)
        .and_then(|t| kuijing_domain::dates::rate_tenths(i128::from(achieved), i128::from(t)))
}

/// The currency a holder's targets are set in, as the targets page offers
/// it: theirs when all are in one currency, else the company currency.
/// The dashboard and the target report measure targets in the company
/// currency only: a target set in another is left out and named (see
/// [`TargetView::targets_left_out`]), and money in other currencies is
/// named beside it, never counted (see [`TargetView::other_currencies`]).
pub fn target_currency<'a>(targets: impl IntoIterator<Item = &'a str>, company: &str) -> String {
    let currencies: BTreeSet<&str> = targets.into_iter().collect();
    match currencies.first() {
        Some(only) if currencies.len() == 1 => (*only).to_string(),
        _ => company.to_string(),
    }
}

/// A year's target: the sum of its twelve months' by the rule of
/// [`kuijing_domain::targets`] (its own when the months set stay within
/// it). A year with only some months set and no target of its own has no
/// year target (and no year rate): the year's achievement would be
/// measured against part of it.
pub fn year_target(own: Option<i64>, months: &[Option<i64>]) -> Option<i64> {
    let mut year = YearTargets {
        year: own,
        ..YearTargets::default()
    };
    for (slot, month) in year.months.iter_mut().zip(months) {
        *slot = *month;
    }
    year.whole()
}

/// One holder's targets of `year` (of one measure and currency, as given)
/// as the rule of [`kuijing_domain::targets`] reads them.
pub(crate) fn year_targets(targets: &[&insight::Target], year: i32) -> YearTargets {
    let mut out = YearTargets::default();
    for target in targets.iter().filter(|t| t.year == i64::from(year)) {
        match usize::try_from(target.month) {
            Ok(0) => out.year = Some(target.amount),
            Ok(month) => {
                if let Some(slot) = out.months.get_mut(month - 1) {
                    *slot = Some(target.amount);
                }
            }
            Err(_) => {}
        }
    }
    out
}

/// Targets set in a currency other than the one shown, which the figures
/// leave out: a target is met only by money in its own currency, and
/// amounts in two currencies are never added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LeftOutTargets {
    /// The currency they are set in.
    pub currency: String,
    /// How many: each a year's or a month's amount of one holder.
    pub targets: usize,
}

/// The targets among `targets` that are not in `currency`, counted by
/// their currency.
pub fn left_out_targets<'a>(
    targets: impl IntoIterator<Item = &'a insight::Target>,
    currency: &str,
) -> Vec<LeftOutTargets> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for target in targets {
        if target.currency != currency {
            *counts.entry(target.currency.as_str()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|(currency, targets)| LeftOutTargets {
            currency: currency.to_string(),
            targets,
        })
        .collect()
}

/// The currencies of money not counted against a target in `currency`.
pub fn other_currencies(sums: &[insight::MonthSum], currency: &str) -> Vec<String> {
    let others: BTreeSet<&str> = sums
        .iter()
        .filter(|s| s.currency != currency && s.amount != 0)
        .map(|s| s.currency.as_str())
        .collect();
    others.into_iter().map(str::to_string).collect()
}

/// A month the dashboard's period touches, with the days of it inside the
/// period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetMonth {
    pub year: i32,
    pub month: u32,
    /// The first and last day of the month inside the period: a month the
    /// period covers in part is measured on those days.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The month's target for those days (its share of the month's target
    /// by days covered); none when the month has no target.
    pub target: Option<i64>,
    /// Achieved on those days: for a group, by those whose target counts.
    pub achieved: i64,
    /// Achieved on those days by a group's people without a target (left
    /// out of `target` and of `rate`): with `achieved`, everyone's.
    pub achieved_without_target: i64,
    /// Achieved out of the target, in tenths of a percent (976 is 97.6%),
    /// as the reports' rates.
    pub rate: Option<i64>,
    /// Whose records make `achieved` (as [`TargetView::achieved_owner_ids`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achieved_owner_ids: Option<Vec<i64>>,
}

/// A target measure over the dashboard's period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetView {
    /// `contract_amount` or `payment_amount`.
    pub measure: &'static str,
    /// The period (both days included).
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The company's currency: only targets set in it count, and only
    /// money in it meets them (targets in others are `targets_left_out`).
    pub currency: String,
    /// Currencies of the period's money that this target leaves out.
    pub other_currencies: Vec<String>,
    /// Targets of the period's years set in other currencies, left out of
    /// `target` and of every month's.
    pub targets_left_out: Vec<LeftOutTargets>,
    /// The period's target: the sum of its months' targets (see
    /// [`kuijing_domain::targets`]: a month covered in part by its days'
    /// share, months without their own target sharing what the year's
    /// target leaves); none while a month of the period has none. For a
    /// group (chosen people, or a department without a target of its own:
    /// its people and, with its sub-departments, each sub-department's
    /// target by the same rule) the targets of those that have one added up.
    pub target: Option<i64>,
    /// Achieved in the period: for a group, by those whose target counts,
    /// so the rate compares like with like.
    pub achieved: i64,
    /// Achieved in the period by those of a group without a target (0 for
    /// a single holder): with `achieved`, everyone's.
    pub achieved_without_target: i64,
    /// Whose records make `achieved`: a list of the period's approved
    /// contracts (signed) or payments (received) narrowed to these owners
    /// (`owner_id`) adds up to it in the target's currency; none when it
    /// counts everyone's the viewer sees. Empty: nobody's (it is 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achieved_owner_ids: Option<Vec<i64>>,
    /// Achieved out of the period's target, in tenths of a percent (976 is
    /// 97.6%), as the reports' rates.
    pub rate: Option<i64>,
    /// The months the period touches, in order.
    pub months: Vec<TargetMonth>,
    /// Whether the target is a group's: its parts' targets added up
    /// (chosen people, or a department without a target of its own).
    pub added_up: bool,
    /// Whether the group adds up sub-departments' targets beside people's.
    pub sub_departments: bool,
    /// People and sub-departments of the group with no target in
    /// `currency` for the period, left out of `target`, of every month's
    /// and of the rate (what they achieved is `achieved_without_target`);
    /// empty for a single holder.
    pub without_target: Vec<TargetHolder>,
}

/// How a group's target is measured, in the reader's language, the same
/// on the dashboard, the target report's page and its exports: added up
/// from its people (and, with `sub_departments`, its sub-departments) with
/// a target in `currency` for the whole period, each month from those with
/// a target in that month, and who has none (named, left out of the target
/// and of the rate; what they achieved is shown apart). `holder` names the group where several are shown.
pub fn group_target_text(
    holder: Option<&str>,
    (currency, sub_departments): (&str, bool),
    without: &[TargetHolder],
    text: &(dyn Fn(&str) -> String + Sync),
) -> String {
    let key = if sub_departments {
        "targets_fix12.group_target_departments"
    } else {
        "insight_fix10.group_target"
    };
    let mut note = text(key).replace("%{currency}", currency);
    note.push(' ');
    note.push_str(&text("insight_fix13.group_months"));
    if !without.is_empty() {
        let names: Vec<String> = without
            .iter()
            .map(|h| match h.department_id {
                Some(_) => text("targets_fix12.department_named").replace("%{name}", &h.name),
                None => h.name.clone(),
            })
            .collect();
        note.push(' ');
        note.push_str(&text("targets_fix12.group_without").replace(
            "%{names}",
            &names.join(&text("targets_fix2.name_separator")),
        ));
    }
    match holder {
        Some(holder) => text("insight_fix10.group_of")
            .replace("%{holder}", holder)
            .replace("%{note}", &note),
        None => note,
    }
}

/// A person or a department named on a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TargetHolder {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department_id: Option<i64>,
    pub name: String,
}

impl App {
    pub(crate) async fn target_views(
        &self,
        tx: &mut Tx,
        query: &DashboardQuery,
        whose: &Whose,
        (contract_owners, payment_owners): (&Option<Vec<i64>>, &Option<Vec<i64>>),
        (from, to): (NaiveDate, NaiveDate),
        viewer: (bool, (Option<i64>, Option<i64>)),
    ) -> Result<Vec<TargetView>> {
        // Targets belong to the company, one department or one user. A
        // viewer who does not see the whole company is measured against
        // their own holder's target: their department's, or their own.
        // A group (chosen people, or a department without a target of its
        // own of the measure) is measured by the rule of
        // [`kuijing_domain::target_groups`].
        let scope = query.scope.as_deref().unwrap_or("company");
        if !matches!(scope, "company" | "department" | "user" | "users")
            || (scope != "company" && scope != "department" && query.user_ids.is_empty())
        {
            return Ok(Vec::new());
        }
        // The people a group may add up: those chosen, else everyone (the
        // company, or the viewer's own department, by its departments).
        let people: Vec<i64> = match whose.chosen() {
            Some(chosen) => chosen.iter().copied().collect(),
            None => {
                let mut everyone: Vec<i64> = whose.org.user_ids().collect();
                everyone.sort_unstable();
                everyone
            }
        };
        let last_day = to - chrono::Duration::days(1);
        let years = (i64::from(from.year()), i64::from(last_day.year()));
        let company = self.currency();
        let parts = months_of(from, to);
        let mut views = Vec::new();
        for (measure, owners) in [
            ("contract_amount", contract_owners),
            ("payment_amount", payment_owners),
        ] {
            let mut set = insight::targets_of_years(tx, years, measure).await?;
            let holding_of = |set: &[insight::Target]| {
                let has_own = |holder: (Option<i64>, Option<i64>)| {
                    set.iter().any(|t| (t.department_id, t.user_id) == holder)
                };
                Some(match (scope, query.user_ids.as_slice()) {
                    ("company", _) if viewer.0 => company_holding(&whose.org, &people, &has_own),
                    ("company", _) => match viewer.1 {
                        (Some(department), None) => {
                            department_holding(&whose.org, &people, department, true, &has_own)
                        }
                        own => Holding::Own(own),
                    },
                    ("department", _) => department_holding(
                        &whose.org,
                        &people,
                        query.department_id?,
                        query.with_children.unwrap_or(true),
                        &has_own,
                    ),
                    (_, [one]) => Holding::Own((None, Some(*one))),
                    _ => people_holding(&people),
                })
            };
            let Some(mut holding) = holding_of(&set) else {
                continue;
            };
            let all: Vec<insight::Target> =
                targets_held(&holding, &set).into_iter().cloned().collect();
            if all.is_empty() {
                continue;
            }
            // As in the target report: targets count in the company's
            // currency only; a holder whose targets are all in another one
            // stands as one without a target (a department's people's
            // targets are added up in its stead), and the targets left out
            // are named.
            let currency = company.clone();
            let mut targets_left_out = left_out_targets(all.iter(), &currency);
            if !targets_left_out.is_empty() {
                let every = set.clone();
                set.retain(|t| t.currency == currency);
                holding = holding_of(&set).unwrap_or(holding);
                // The parts now added up may have targets left out too.
                let mut held = all;
                for target in targets_held(&holding, &every) {
                    if !held.iter().any(|t| t.id == target.id) {
                        held.push(target.clone());
                    }
                }
                targets_left_out = left_out_targets(held.iter(), &currency);
            }
            let figures = self
                .holding_figures(
                    tx,
                    &holding,
                    (&set, &currency, measure),
                    (&whose.org, &people),
                    owners.as_deref(),
                    (from, to),
                )
                .await?;
            let (period_owners, month_owners) = figures.owners.clone();
            let months: Vec<TargetMonth> = parts
                .iter()
                .zip(figures.measured.months.iter().zip(&figures.months))
                .zip(month_owners)
                .map(
                    |((part, (target, (achieved, without))), whose)| TargetMonth {
                        year: part.year(),
                        month: part.month(),
                        from: part.from,
                        to: part.to - chrono::Duration::days(1),
                        target: *target,
                        achieved: *achieved,
                        achieved_without_target: *without,
                        rate: rate_of(*achieved, *target),
                        achieved_owner_ids: whose,
                    },
                )
                .collect();
            let target = figures.measured.target;
            let (achieved, achieved_without_target) = figures.achieved();
            let without_target = self
                .name_holders(tx, &figures.measured.without, &|id| whose.name_of(id))
                .await?;
            views.push(TargetView {
                measure,
                from,
                to: last_day,
                other_currencies: figures.other_currencies,
                targets_left_out,
                currency,
                rate: rate_of(achieved, target),
                target,
                achieved,
                achieved_without_target,
                achieved_owner_ids: period_owners,
                months,
                added_up: figures.measured.group,
                sub_departments: adds_departments(&holding),
                without_target,
            });
        }
        Ok(views)
    }
}

#[cfg(test)]
mod tests {
    use super::{rate_of, target_currency, year_target};

    #[test]
    fn targets_show_in_their_one_currency_else_the_company_currency() {
        assert_eq!(target_currency(["USD", "USD"], "CNY"), "USD");
        assert_eq!(target_currency(["USD", "EUR"], "CNY"), "CNY");
        assert_eq!(target_currency([], "CNY"), "CNY");
    }

    #[test]
    fn a_year_target_is_its_twelve_months() {
        assert_eq!(year_target(Some(500), &[None; 12]), Some(500));
        assert_eq!(
            year_target(Some(500), &[Some(10); 12]),
            Some(120),
            "twelve months set are the year"
        );
        assert_eq!(year_target(None, &[Some(10); 12]), Some(120));
        let mut some = [None; 12];
        some[2] = Some(10);
        assert_eq!(year_target(None, &some), None, "one month is not a year");
    }

    #[test]
    fn rates_are_tenths_of_a_percent_rounded_half_up() {
        assert_eq!(rate_of(976, Some(1000)), Some(976));
        assert_eq!(rate_of(75, Some(1000)), Some(75));
        assert_eq!(rate_of(7_45, Some(10_000)), Some(75), "7.45% is 7.5%");
        assert_eq!(rate_of(7_44, Some(10_000)), Some(74));
        assert_eq!(rate_of(1200, Some(1000)), Some(1200));
        assert_eq!(rate_of(0, Some(1000)), Some(0));
        assert_eq!(rate_of(5, Some(0)), None);
        assert_eq!(rate_of(5, None), None);
    }
}
