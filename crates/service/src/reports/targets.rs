//! Target achievement.

use super::*;

impl App {
    /// Target achievement: per department (the company's target too, for
    /// a viewer who sees everyone) or per user holding a target for the
    /// year of the period, a row for the year and one per month, each with
    /// the target, what was achieved (approved contracts by signing day, or
    /// approved payments by the day received) and the rate. A month without
    /// a target of its own shows "—", never a share of the year's; a year
    /// without its own target shows the sum of the months' targets when all
    /// twelve are set, else "—" (the year rate is the year's achievement out
    /// of a whole year's target). Money in other currencies than the
    /// targets' is named in `other_currencies`.
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
        let year = (frame.to - chrono::Duration::days(1)).year();
        let kind = if measure == "payment_amount" {
            Kind::Payment
        } else {
            Kind::Contract
        };
        // Whose records count: the chosen people the viewer sees.
        let counted = frame.whose.owners(caller, kind);
        let org = &frame.whose.org;
        let people: Vec<i64> = frame.whose.people.iter().map(|(id, _)| *id).collect();
        let set = kuijing_store::insight::targets_of_year(tx, i64::from(year), measure).await?;
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
        let shown = set
            .iter()
            .filter(|t| holders.contains_key(&holder_of(by, t)));
        let currency =
            crate::dashboard::target_currency(shown.map(|t| t.currency.as_str()), &frame.currency);
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
        // Rows of different holders and of the year beside its months do
        // not add up.
        table.not_additive(target);
        table.not_additive(achieved);
        let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(frame.from);
        let end = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or(frame.to);
        // A period shorter than the year (a quarter, a month) is followed:
        // its months only, and what was achieved within it.
        let (from, to) = (frame.from.max(start), frame.to.min(end));
        let whole_year = from == start && to == end;
        let months = months_within(year, (from, to));
        for (holder, owners) in &holders {
            let mine: Vec<&kuijing_store::insight::Target> = set
                .iter()
                .filter(|t| t.currency == currency && holder_of(by, t) == *holder)
                .collect();
            let sums = kuijing_store::insight::by_month(tx, owners.as_deref(), measure, (from, to))
                .await?;
            let year_key = Some(if whole_year {
                format!("{year:04}")
            } else {
                // The year and the days, sorted before the months.
                let last = to - chrono::Duration::days(1);
                format!(
                    "{year:04} ({} – {})",
                    from.format("%m-%d"),
                    last.format("%m-%d")
                )
            });
            let mut year_sum = 0;
            let mut monthly_targets = Vec::new();
            for &month in &months {
                let key = format!("{year:04}-{month:02}");
                let row = (Some(holder.clone()), Some(key.clone()));
                let amount: i64 = sums
                    .iter()
                    .filter(|s| s.month == key && s.currency == currency)
                    .map(|s| s.amount)
                    .sum();
                year_sum += amount;
                table.put(row.clone(), achieved, amount);
                let month_target = mine.iter().find(|t| t.month == i64::from(month));
                if let Some(t) = month_target {
                    table.put(row, target, t.amount);
                }
                monthly_targets.push(month_target.map(|t| t.amount));
            }
            for other in crate::dashboard::other_currencies(&sums, &currency) {
                table.other_currencies.insert(other);
            }
            let row = (Some(holder.clone()), year_key);
            table.put(row.clone(), achieved, year_sum);
            let own = mine.iter().find(|t| t.month == 0).map(|t| t.amount);
            let period_target = if whole_year {
                crate::dashboard::year_target(own, &monthly_targets)
            } else {
                // The months' own targets, summed; "—" unless all are set.
                monthly_targets.iter().copied().sum::<Option<i64>>()
            };
            if let Some(t) = period_target {
                table.put(row, target, t);
            }
        }
        Ok(())
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

/// The months of `year` that a period (`from` to the day before `to`)
/// touches, in order.
fn months_within(year: i32, (from, to): (NaiveDate, NaiveDate)) -> Vec<u32> {
    (1..=12)
        .filter(|month| {
            let first = NaiveDate::from_ymd_opt(year, *month, 1);
            let next = if *month == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, month + 1, 1)
            };
            matches!((first, next), (Some(first), Some(next)) if first < to && next > from)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_keeps_the_months_it_touches() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default();
        assert_eq!(months_within(2026, (day(4, 1), day(7, 1))), vec![4, 5, 6]);
        assert_eq!(months_within(2026, (day(3, 15), day(3, 16))), vec![3]);
        assert_eq!(
            months_within(
                2026,
                (
                    day(1, 1),
                    NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default()
                )
            )
            .len(),
            12
        );
    }
}
