//! Target achievement.

use kuijing_domain::targets::{MonthPart, months_of, period_target};

use super::*;
use crate::dashboard::year_targets;

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
        (by, query): (&str, &ReportQuery),
        table: &mut Assembly,
    ) -> Result<()> {
        let measure = match query.measure.as_deref().filter(|m| !m.is_empty()) {
            None => "contract_amount",
            Some(m) if crate::dashboard::MEASURES.contains(&m) => m,
            Some(_) => return Err(invalid("measure", "invalid_choice")),
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
        let set = kuijing_store::insight::targets_of_years(tx, years, measure).await?;
        // The holders shown, each with the owners its achievement counts.
        let mut holders: BTreeMap<String, Option<Vec<i64>>> = BTreeMap::new();
        for target in &set {
            let holder = match (by, target.department_id, target.user_id) {
                ("department", Some(department), None) => {
                    let below = org.department_and_below(department);
                    let members: Vec<i64> = people
                        .iter()
                        .copied()
                        .filter(|id| org.department_of(*id).is_some_and(|d| below.contains(&d)))
                        .collect();
                    // A department's target stands against the whole
                    // department: a viewer who counts only part of it (a rep
                    // seeing their own contracts) is not shown the target
                    // against their part as if it were the department's.
                    let whole = counted
                        .as_ref()
                        .is_none_or(|seen| members.iter().all(|id| seen.contains(id)));
                    if !whole || (counted.is_some() && members.is_empty()) {
                        continue;
                    }
                    (department.to_string(), Some(members))
                }
                ("department", None, None) if counted.is_none() => ("company".to_string(), None),
                ("owner", None, Some(user)) => {
                    if counted.as_ref().is_some_and(|seen| !seen.contains(&user)) {
                        continue;
                    }
                    (user.to_string(), Some(vec![user]))
                }
                _ => continue,
            };
            holders.insert(holder.0, holder.1);
        }
        // One currency for the report, by the dashboard's rule, over the
        // targets of the holders shown.
        let shown: Vec<&kuijing_store::insight::Target> = set
            .iter()
            .filter(|t| holders.contains_key(&holder_of(by, t)))
            .collect();
        let currency = crate::dashboard::target_currency(
            shown.iter().map(|t| t.currency.as_str()),
            &frame.currency,
        );
        // Targets in another currency are named, never dropped unsaid.
        table.targets_left_out = crate::dashboard::left_out_targets(shown, &currency);
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
        // Rows of different holders and of the period beside its months do
        // not add up.
        table.not_additive(target);
        table.not_additive(achieved);
        let period_key = period_key(from, to);
        for (holder, owners) in &holders {
            let mine: Vec<&kuijing_store::insight::Target> = set
                .iter()
                .filter(|t| t.currency == currency && holder_of(by, t) == *holder)
                .collect();
            let of_year = |year: i32| Some(year_targets(&mine, year));
            let sums = kuijing_store::insight::by_month(tx, owners.as_deref(), measure, (from, to))
                .await?;
            let mut period_sum = 0;
            for part in &parts {
                let key = part.key();
                let row = (Some(holder.clone()), Some(key.clone()));
                let amount: i64 = sums
                    .iter()
                    .filter(|s| s.month == key && s.currency == currency)
                    .map(|s| s.amount)
                    .sum();
                period_sum += amount;
                table.put(row.clone(), achieved, amount);
                if let Some(t) = part.target(&year_targets(&mine, part.year())) {
                    table.put(row, target, t);
                }
            }
            for other in crate::dashboard::other_currencies(&sums, &currency) {
                table.other_currencies.insert(other);
            }
            let row = (Some(holder.clone()), Some(period_key.clone()));
            table.put(row.clone(), achieved, period_sum);
            if let Some(t) = period_target((from, to), of_year) {
                table.put(row, target, t);
            }
        }
        Ok(())
    }
}

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

/// The row key of a target's holder in a report grouped `by`: the company,
/// a department's id or a user's id; empty for a target of another grouping.
fn holder_of(by: &str, target: &kuijing_store::insight::Target) -> String {
    match (by, target.department_id, target.user_id) {
        ("department", None, None) => "company".to_string(),
        ("department", Some(department), None) => department.to_string(),
        ("owner", None, Some(user)) => user.to_string(),
        _ => String::new(),
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
