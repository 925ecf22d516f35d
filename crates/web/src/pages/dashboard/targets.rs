//! The dashboard's target blocks: the period's target, achieved and rate,
//! and its months as a chart and a table.

use kuijing_service::dashboard::{LeftOutTargets, TargetMonth, TargetView};

use super::{Shell, View};
use crate::charts::{self, Group};

impl View {
    /// An amount of a target, in the target's currency.
    pub(super) fn target_money(&self, amount: &i64, target: &TargetView) -> String {
        self.shell.money(amount, &target.currency)
    }

    /// What a target does not count: money in currencies other than its own.
    pub(super) fn uncounted(&self, target: &TargetView) -> Option<String> {
        uncounted_note(&self.shell, &target.other_currencies, &target.currency)
    }

    /// What a target leaves out: targets set in other currencies.
    pub(super) fn left_out(&self, target: &TargetView) -> Option<String> {
        left_out_note(&self.shell, &target.targets_left_out, &target.currency)
    }

    /// How a group's target is measured: its people's targets added up,
    /// naming who has none for the period (left out of it).
    pub(super) fn without_target(&self, target: &TargetView) -> Option<String> {
        target.added_up.then(|| {
            kuijing_service::dashboard::group_target_text(
                None,
                (&target.currency, target.sub_departments),
                &target.without_target,
                &|key: &str| self.shell.t(key),
            )
        })
    }

    /// What a group's people and sub-departments without a target achieved,
    /// apart from the figure the rate compares.
    pub(super) fn achieved_without(&self, target: &TargetView) -> Option<String> {
        (target.added_up && !target.without_target.is_empty()).then(|| {
            self.shell
                .t("targets_fix12.achieved_without")
                .replace(
                    "%{amount}",
                    &self.target_money(&target.achieved_without_target, target),
                )
                .replace(
                    "%{total}",
                    &self.target_money(&(target.achieved + target.achieved_without_target), target),
                )
        })
    }

    /// The period a target block measures, as its heading says it.
    pub(super) fn target_period(&self, target: &TargetView) -> String {
        days_text(target.from, target.to)
    }

    /// A month of a target's table: the month, and the days of it inside
    /// the period when the period covers it in part.
    pub(super) fn target_month_label(&self, m: &TargetMonth) -> String {
        let month = self.month_label(&m.year, &m.month);
        if whole_month(m) {
            month
        } else {
            format!("{month} ({})", days_text(m.from, m.to))
        }
    }

    /// The records a target's achievement counts on the days given: those
    /// of the owners whose records make the figure (for a group, only
    /// those whose target counts), else everyone's the dashboard counts.
    /// Only those in the target's currency: the achievement sums no other.
    pub(super) fn target_link(
        &self,
        target: &TargetView,
        from: &chrono::NaiveDate,
        to: &chrono::NaiveDate,
        owners: &Option<Vec<i64>>,
    ) -> Option<String> {
        self.owners_link(target.measure, (*from, *to), owners, &target.currency)
    }

    /// As [`Self::days_link`], by the owners given (none: everyone's), in
    /// `currency` (the one the amount linked is in).
    pub(super) fn owners_link(
        &self,
        measure: &str,
        (first, last): (chrono::NaiveDate, chrono::NaiveDate),
        whose: &Option<Vec<i64>>,
        currency: &str,
    ) -> Option<String> {
        let path = match measure {
            "contract_amount" => "/contracts?status=approved&",
            _ => "/payments?status=approved&",
        };
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("from", &first.to_string());
        query.append_pair("to", &last.to_string());
        query.append_pair("currency", currency);
        if let Some(owners) = whose {
            if owners.is_empty() {
                return None;
            }
            for owner in owners {
                query.append_pair("owner_id", &owner.to_string());
            }
        }
        Some(format!("{path}{}", query.finish()))
    }
}

fn days_text(from: chrono::NaiveDate, to: chrono::NaiveDate) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from} – {to}")
    }
}

fn whole_month(m: &TargetMonth) -> bool {
    use chrono::Datelike;
    m.from.day() == 1 && m.to.succ_opt().is_some_and(|next| next.day() == 1)
}

/// Says which currencies' money a target leaves out, so an achievement of
/// zero in the target's currency is not read as no sales at all.
pub(crate) fn uncounted_note(shell: &Shell, others: &[String], currency: &str) -> Option<String> {
    (!others.is_empty()).then(|| {
        shell
            .t("targets_fix.uncounted")
            .replace("%{others}", &others.join(", "))
            .replace("%{currency}", currency)
    })
}

/// Names the targets left out for being set in another currency than the
/// figures' (see [`kuijing_service::reports::left_out_text`]).
pub(crate) fn left_out_note(
    shell: &Shell,
    left: &[LeftOutTargets],
    currency: &str,
) -> Option<String> {
    kuijing_service::reports::left_out_text(left, currency, &|key: &str| shell.t(key))
}

/// A target's months as bars: the month's target (for the days of it in
/// the period) beside what was achieved, each with its amount on hover ("—"
/// where the month has no target, which draws no bar). Months are named
/// short, with the year under the first and under each January, as the
/// trend names them, so a narrow chart thins its labels but never cuts them.
pub(super) fn target_chart(target: &TargetView, shell: &Shell, currency: &str) -> String {
    let target_word = shell.t("dashboard.target");
    let achieved_word = shell.t("dashboard.achieved");
    let mut groups: Vec<Group> = target
        .months
        .iter()
        .map(|m| {
            let month = format!("{:04}-{:02}", m.year, m.month);
            let days = if whole_month(m) {
                month.clone()
            } else {
                days_text(m.from, m.to)
            };
            Group {
                label: month,
                note: None,
                values: vec![m.target.unwrap_or(0), m.achieved],
                titles: vec![
                    format!(
                        "{days} {target_word}: {}",
                        m.target
                            .map_or_else(|| "—".to_string(), |v| shell.money(&v, currency))
                    ),
                    format!(
                        "{days} {achieved_word}: {}",
                        shell.money(&m.achieved, currency)
                    ),
                ],
            }
        })
        .collect();
    crate::pages::reports::name_months(&mut groups, shell);
    let title = format!(
        "{} · {}",
        shell.tk("target", target.measure),
        days_text(target.from, target.to)
    );
    charts::grouped_bars(
        &groups,
        &[&target_word, &achieved_word],
        &title,
        &charts::Axis::money(2),
    )
}
