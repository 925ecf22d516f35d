//! Target achievement.

use kuijing_domain::targets::{MonthPart, months_of};

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
        let held = |holder: (Option<i64>, Option<i64>)| {
            set.iter().any(|t| (t.department_id, t.user_id) == holder)
        };
        // The holders shown, each with the owners its achievement counts
        // and the holders whose targets it stands against.
        let mut holders: BTreeMap<String, Shown> = BTreeMap::new();
        let mut departments: BTreeSet<i64> = BTreeSet::new();
        for target in &set {
            match (by, target.department_id, target.user_id) {
                ("department", Some(department), None) => {
                    departments.insert(department);
                }
                ("department", None, None) if counted.is_none() => {
                    holders.insert("company".to_string(), Shown::own(None, (None, None)));
                }
                ("owner", None, Some(user)) => {
                    if counted.as_ref().is_some_and(|seen| !seen.contains(&user)) {
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
            // A department without a target of its own stands against its
            // people's targets added up, as on the dashboard, when any of
            // them has one.
            for department in org.department_ids() {
                if departments.contains(&department) {
                    continue;
                }
                let below = org.department_and_below(department);
                let has_one = people.iter().any(|id| {
                    org.department_of(*id).is_some_and(|d| below.contains(&d))
                        && held((None, Some(*id)))
                });
                if has_one {
                    departments.insert(department);
                }
            }
        }
        for department in departments {
            let below = org.department_and_below(department);
            let members: Vec<i64> = people
                .iter()
                .copied()
                .filter(|id| org.department_of(*id).is_some_and(|d| below.contains(&d)))
                .collect();
            // A department's target stands against the whole department: a
            // viewer who counts only part of it (a rep seeing their own
            // contracts) is not shown the target against their part as if
            // it were the department's.
            let whole = counted
                .as_ref()
                .is_none_or(|seen| members.iter().all(|id| seen.contains(id)));
            if !whole || (counted.is_some() && members.is_empty()) {
                continue;
            }
            let shown = if held((Some(department), None)) {
                Shown::own(Some(members), (Some(department), None))
            } else {
                Shown {
                    of: members.iter().map(|id| (None, Some(*id))).collect(),
                    owners: Some(members),
                    group: true,
                }
            };
            holders.insert(department.to_string(), shown);
        }
        // One currency for the report, by the dashboard's rule, over the
        // targets of the holders shown (a group's people's among them).
        let of_shown = |t: &&kuijing_store::insight::Target| {
            holders
                .values()
                .any(|h| h.of.contains(&(t.department_id, t.user_id)))
        };
        let shown: Vec<&kuijing_store::insight::Target> = set.iter().filter(of_shown).collect();
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
        for (holder, shown) in &holders {
            // Each holder's targets in the report's currency.
            let mine: Vec<Vec<&kuijing_store::insight::Target>> = shown
                .of
                .iter()
                .map(|of| {
                    set.iter()
                        .filter(|t| t.currency == currency && (t.department_id, t.user_id) == *of)
                        .collect()
                })
                .collect();
            let measured = crate::dashboard::measure_targets((from, to), &mine, shown.group);
            if shown.group {
                table.added_up.push(AddedUpTarget {
                    key: holder.clone(),
                    name: String::new(),
                    without_target: measured
                        .without
                        .iter()
                        .filter_map(|index| shown.of.get(*index).and_then(|h| h.1))
                        .map(|user_id| crate::dashboard::TargetHolder {
                            user_id,
                            name: frame.whose.name_of(user_id),
                        })
                        .collect(),
                });
            }
            let sums =
                kuijing_store::insight::by_month(tx, shown.owners.as_deref(), measure, (from, to))
                    .await?;
            let mut period_sum = 0;
            for (part, month_target) in parts.iter().zip(&measured.months) {
                let key = part.key();
                let row = (Some(holder.clone()), Some(key.clone()));
                let amount: i64 = sums
                    .iter()
                    .filter(|s| s.month == key && s.currency == currency)
                    .map(|s| s.amount)
                    .sum();
                period_sum += amount;
                table.put(row.clone(), achieved, amount);
                if let Some(t) = month_target {
                    table.put(row, target, *t);
                }
            }
            for other in crate::dashboard::other_currencies(&sums, &currency) {
                table.other_currencies.insert(other);
            }
            let row = (Some(holder.clone()), Some(period_key.clone()));
            table.put(row.clone(), achieved, period_sum);
            if let Some(t) = measured.target {
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

/// A holder of the target report: the owners its achievement counts, the
/// holders whose targets it stands against (itself, or a group's people),
/// and whether those are added up as a group's.
struct Shown {
    owners: Option<Vec<i64>>,
    of: Vec<(Option<i64>, Option<i64>)>,
    group: bool,
}

impl Shown {
    fn own(owners: Option<Vec<i64>>, holder: (Option<i64>, Option<i64>)) -> Self {
        Self {
            owners,
            of: vec![holder],
            group: false,
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
