//! Targets: set, deleted and shown against what was achieved over the
//! dashboard's period.

use kuijing_domain::targets::{YearTargets, group_target, months_of, period_target};

use super::*;

/// What a target measures.
pub const MEASURES: [&str; 2] = ["contract_amount", "payment_amount"];

/// Several targets of one holder and year, as the targets page saves them.
#[derive(Debug, Clone)]
pub struct TargetsInput {
    pub year: i64,
    pub department_id: Option<i64>,
    pub user_id: Option<i64>,
    /// The company's currency when none.
    pub currency: Option<String>,
    pub amounts: Vec<TargetAmount>,
}

/// One amount of [`TargetsInput`]: a measure and month (0 for the year),
/// the amount as typed, and how a message names it (none: by its field).
#[derive(Debug, Clone)]
pub struct TargetAmount {
    pub measure: String,
    pub month: i64,
    pub amount: String,
    pub label: Option<String>,
}

/// A target as an administrator sets it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    pub year: i64,
    /// 0 for the whole year.
    #[serde(default)]
    pub month: i64,
    pub department_id: Option<i64>,
    pub user_id: Option<i64>,
    /// `contract_amount` or `payment_amount`.
    pub measure: String,
    pub amount: crate::products::DecimalText,
    /// The company's currency (its `currency` setting) when left out.
    pub currency: Option<String>,
}

/// Achieved out of a target, in tenths of a percent rounded half up (976
/// is 97.6%), the same figure as the target report's rate; none without a
/// target above 0.
pub fn rate_of(achieved: i64, target: Option<i64>) -> Option<i64> {
    target
        .filter(|t| *t > 0)
        .and_then(|t| kuijing_domain::dates::rate_tenths(i128::from(achieved), i128::from(t)))
}

/// The currency targets are shown in, the same on the dashboard and in the
/// target report: the targets' own when all of those shown are in one
/// currency, else the company currency. A target is met only by money in its
/// currency; money in others is named beside it, never counted as zero
/// silently (see [`TargetView::other_currencies`]).
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
    /// Achieved on those days.
    pub achieved: i64,
    /// Achieved out of the target, in tenths of a percent (976 is 97.6%),
    /// as the reports' rates.
    pub rate: Option<i64>,
}

/// A target measure over the dashboard's period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetView {
    /// `contract_amount` or `payment_amount`.
    pub measure: &'static str,
    /// The period (both days included).
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The targets' currency: only money in it meets them.
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
    /// group (chosen people, or a department's people when it has no target
    /// of its own) the targets of those who have one added up.
    pub target: Option<i64>,
    /// Achieved in the period.
    pub achieved: i64,
    /// Achieved out of the period's target, in tenths of a percent (976 is
    /// 97.6%), as the reports' rates.
    pub rate: Option<i64>,
    /// The months the period touches, in order.
    pub months: Vec<TargetMonth>,
    /// Whether the target is a group's: its people's targets added up
    /// (chosen people, or a department without a target of its own).
    pub added_up: bool,
    /// People of the group with no target in `currency` for the period,
    /// left out of `target` and of every month's (what they achieved still
    /// counts); empty for a single holder.
    pub without_target: Vec<TargetHolder>,
}

/// What a holder, or a group of holders, stands against over a period:
/// the period's target and each month's (in the order of
/// [`months_of`]), and for a group the positions of those with no target
/// for the whole period, left out of both. One rule for the dashboard's
/// target block and the target report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Measured {
    pub(crate) target: Option<i64>,
    pub(crate) months: Vec<Option<i64>>,
    pub(crate) without: Vec<usize>,
}

/// Measures the targets of `holders` (each one's targets, in the one
/// currency shown) over `[from, to)`. A single holder (`group` false)
/// stands against its own targets; a group against the sum of its
/// holders' (see [`group_target`]), those without a target for the whole
/// period left out of the period's target and of every month's.
pub(crate) fn measure_targets(
    (from, to): (NaiveDate, NaiveDate),
    holders: &[Vec<&insight::Target>],
    group: bool,
) -> Measured {
    let each = holders
        .iter()
        .map(|targets| period_target((from, to), |year| Some(year_targets(targets, year))));
    let (target, without) = group_target(each);
    let counted: Vec<&Vec<&insight::Target>> = holders
        .iter()
        .enumerate()
        .filter(|(index, _)| !group || !without.contains(index))
        .map(|(_, targets)| targets)
        .collect();
    let months = months_of(from, to)
        .iter()
        .map(|part| {
            if counted.is_empty() {
                return None;
            }
            counted
                .iter()
                .map(|targets| part.target(&year_targets(targets, part.year())))
                .sum()
        })
        .collect();
    Measured {
        target,
        months,
        without: if group { without } else { Vec::new() },
    }
}

/// How a group's target is measured, in the reader's language, the same
/// on the dashboard, the target report's page and its exports: added up
/// from its people with a target in `currency` for the whole period, and
/// who has none (named, left out of the target; what they achieved still
/// counts). `holder` names the group where several are shown.
pub fn group_target_text(
    holder: Option<&str>,
    currency: &str,
    without: &[TargetHolder],
    text: &(dyn Fn(&str) -> String + Sync),
) -> String {
    let mut note = text("insight_fix10.group_target").replace("%{currency}", currency);
    if !without.is_empty() {
        let names: Vec<&str> = without.iter().map(|h| h.name.as_str()).collect();
        note.push(' ');
        note.push_str(&text("insight_fix10.group_without").replace(
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

/// A person named on a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TargetHolder {
    pub user_id: i64,
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
        // own of the measure) is measured against its people's targets
        // added up.
        let scope = query.scope.as_deref().unwrap_or("company");
        let single: Option<(Option<i64>, Option<i64>)> = match scope {
            "company" if viewer.0 => Some((None, None)),
            "company" => Some(viewer.1),
            "department" => Some((query.department_id, None)),
            "user" | "users" => match query.user_ids.as_slice() {
                [] => return Ok(Vec::new()),
                [one] => Some((None, Some(*one))),
                _ => None,
            },
            _ => return Ok(Vec::new()),
        };
        let people: Vec<i64> = whose
            .chosen()
            .map(|c| c.iter().copied().collect())
            .unwrap_or_default();
        let last_day = to - chrono::Duration::days(1);
        let years = (i64::from(from.year()), i64::from(last_day.year()));
        let company = self.currency();
        let parts = months_of(from, to);
        let mut views = Vec::new();
        for (measure, owners) in [
            ("contract_amount", contract_owners),
            ("payment_amount", payment_owners),
        ] {
            let set = insight::targets_of_years(tx, years, measure).await?;
            let of_holder = |holder: (Option<i64>, Option<i64>)| -> Vec<&insight::Target> {
                set.iter()
                    .filter(|t| (t.department_id, t.user_id) == holder)
                    .collect()
            };
            // The holders measured: the single one when it has targets of
            // the measure (a department's people when it has none),
            // else each person of the group.
            let holders: Vec<(Option<i64>, Option<i64>)> = match single {
                Some(holder) if !of_holder(holder).is_empty() => vec![holder],
                Some(_) if scope != "department" => continue,
                _ => people.iter().map(|user| (None, Some(*user))).collect(),
            };
            let group = single.is_none() || holders.first() != single.as_ref();
            let all: Vec<&insight::Target> = holders.iter().flat_map(|h| of_holder(*h)).collect();
            if all.is_empty() {
                continue;
            }
            let currency = target_currency(all.iter().map(|t| t.currency.as_str()), &company);
            // Each holder's targets in that currency: a target in another
            // is never added to it.
            let mine: Vec<Vec<&insight::Target>> = holders
                .iter()
                .map(|holder| {
                    of_holder(*holder)
                        .into_iter()
                        .filter(|t| t.currency == currency)
                        .collect()
                })
                .collect();
            let measured = measure_targets((from, to), &mine, group);
            let by_month = insight::by_month(tx, owners.as_deref(), measure, (from, to)).await?;
            let months: Vec<TargetMonth> = parts
                .iter()
                .zip(&measured.months)
                .map(|(part, target)| {
                    let key = part.key();
                    let achieved = by_month
                        .iter()
                        .filter(|r| r.month == key && r.currency == currency)
                        .map(|r| r.amount)
                        .sum();
                    TargetMonth {
                        year: part.year(),
                        month: part.month(),
                        from: part.from,
                        to: part.to - chrono::Duration::days(1),
                        target: *target,
                        achieved,
                        rate: rate_of(achieved, *target),
                    }
                })
                .collect();
            let target = measured.target;
            let without = measured.without;
            let without_target = without
                .iter()
                .filter_map(|index| holders.get(*index).and_then(|h| h.1))
                .map(|user_id| TargetHolder {
                    user_id,
                    name: whose.name_of(user_id),
                })
                .collect();
            let achieved = months.iter().map(|m| m.achieved).sum();
            views.push(TargetView {
                measure,
                from,
                to: last_day,
                other_currencies: other_currencies(&by_month, &currency),
                targets_left_out: left_out_targets(all.iter().copied(), &currency),
                currency,
                rate: rate_of(achieved, target),
                target,
                achieved,
                months,
                added_up: group,
                without_target,
            });
        }
        Ok(views)
    }

    /// Sets a target (an administrator's or a report manager's task) and
    /// answers it as saved, with its id.
    pub async fn set_target(
        &self,
        caller: &Caller,
        input: &TargetInput,
    ) -> Result<insight::Target> {
        let batch = TargetsInput {
            year: input.year,
            department_id: input.department_id,
            user_id: input.user_id,
            currency: input.currency.clone(),
            amounts: vec![TargetAmount {
                measure: input.measure.clone(),
                month: input.month,
                amount: input.amount.text(),
                label: None,
            }],
        };
        self.set_targets(caller, &batch).await?;
        let holder = (input.department_id, input.user_id);
        let mut tx = self.db.read().await?;
        insight::targets(&mut tx, input.year, holder)
            .await?
            .into_iter()
            .find(|t| t.measure == input.measure && t.month == input.month)
            .ok_or(ServiceError::NotFound)
    }

    /// Sets several targets of one holder and year at once: every problem
    /// (the year, the holder, the currency, each amount) is reported
    /// together, and nothing is saved unless all are right.
    pub async fn set_targets(&self, caller: &Caller, input: &TargetsInput) -> Result<()> {
        caller.require(Permission::new(Kind::Report, Action::Manage))?;
        let mut errors = kuijing_domain::FieldErrors::new();
        kuijing_domain::targets::check_year("year", input.year, &mut errors);
        if input.department_id.is_some() && input.user_id.is_some() {
            errors.add("user_id", "one_holder");
        }
        let currency = self.currency_of(input.currency.as_deref(), &mut errors);
        let mut amounts = Vec::new();
        for entry in &input.amounts {
            // A labelled amount is one of many: its field names it
            // (`amount:contract_amount:3`), so each keeps its own message.
            let mut add = |field: &str, code: &'static str| match &entry.label {
                Some(label) => errors.add_labelled(
                    format!("{field}:{}:{}", entry.measure, entry.month),
                    label,
                    code,
                ),
                None => errors.add(field, code),
            };
            if !(0..=12).contains(&entry.month) {
                add("month", "month_out_of_range");
            }
            if !MEASURES.contains(&entry.measure.as_str()) {
                add("measure", "invalid_choice");
            }
            match money::parse_amount(&entry.amount) {
                Ok(amount) => amounts.push((entry, amount)),
                Err(code) => add("amount", code),
            }
        }
        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        if let Some(department) = input.department_id
            && !org.department_ids().any(|d| d == department)
        {
            errors.add("department_id", "invalid_choice");
        }
        if let Some(user) = input.user_id
            && org.department_of(user).is_none()
        {
            errors.add("user_id", "invalid_choice");
        }
        // A holder's targets of a measure and year are in one currency:
        // those not replaced here must already be in this one.
        let saved =
            insight::targets(&mut tx, input.year, (input.department_id, input.user_id)).await?;
        let kept_in_other = saved.iter().find(|t| {
            t.currency != currency
                && amounts.iter().any(|(entry, _)| entry.measure == t.measure)
                && !amounts
                    .iter()
                    .any(|(entry, _)| entry.measure == t.measure && entry.month == t.month)
        });
        if let Some(other) = kept_in_other {
            errors.push(
                kuijing_domain::FieldError::new("currency", "target_currency_mixed")
                    .with("currency", &other.currency),
            );
        }
        errors.into_result()?;
        for (entry, amount) in &amounts {
            insight::set_target(
                &mut tx,
                (input.year, entry.month),
                (input.department_id, input.user_id),
                &entry.measure,
                (*amount, &currency),
                self.now(),
            )
            .await?;
        }
        tx.commit().await?;
        tracing::info!(
            year = input.year,
            targets = amounts.len(),
            actor.id = caller.user.id,
            "targets set"
        );
        Ok(())
    }

    /// Deletes a target (an administrator's or a report manager's task).
    pub async fn delete_target(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(Permission::new(Kind::Report, Action::Manage))?;
        let mut tx = self.db.write().await?;
        if !insight::delete_target(&mut tx, id).await? {
            return Err(ServiceError::NotFound);
        }
        tx.commit().await?;
        tracing::info!(target.id = id, actor.id = caller.user.id, "target deleted");
        Ok(())
    }

    /// The targets of a holder for a year, for the settings page.
    pub async fn targets_of(
        &self,
        caller: &Caller,
        year: i64,
        holder: (Option<i64>, Option<i64>),
    ) -> Result<Vec<insight::Target>> {
        caller.require(Permission::new(Kind::Report, Action::Manage))?;
        let mut tx = self.db.read().await?;
        Ok(insight::targets(&mut tx, year, holder).await?)
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
