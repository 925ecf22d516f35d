//! Recycle rules: when an owned customer goes back into its owner's pool,
//! and when the owner is warned first. Decided from the customer's dates
//! alone, so the job, the reminder and the "soon back in the pool" list
//! agree.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::PoolRules;

/// What a recycle rule waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecycleKind {
    /// No follow-up within the days.
    NoFollowUp,
    /// No opportunity created within the days.
    NoOpportunity,
    /// Nothing won within the days.
    NotWon,
}

impl RecycleKind {
    pub const ALL: [RecycleKind; 3] = [
        RecycleKind::NoFollowUp,
        RecycleKind::NoOpportunity,
        RecycleKind::NotWon,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecycleKind::NoFollowUp => "no_follow_up",
            RecycleKind::NoOpportunity => "no_opportunity",
            RecycleKind::NotWon => "not_won",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or("invalid_choice")
    }
}

/// One rule: a customer whose owner has not done `kind` for `days` goes
/// back. With `levels`, only customers of those levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecycleRule {
    pub kind: RecycleKind,
    pub days: i64,
    /// Customer level option ids; every level when empty.
    #[serde(default)]
    pub levels: Vec<i64>,
}

impl RecycleRule {
    pub fn applies_to(&self, level: Option<i64>) -> bool {
        self.levels.is_empty() || level.is_some_and(|l| self.levels.contains(&l))
    }
}

/// The dates of an owned customer that the rules look at.
#[derive(Debug, Clone, Copy)]
pub struct CustomerDates {
    /// Since when the current owner has it; the clock of every rule starts
    /// here at the latest, so a customer just claimed is not taken away.
    pub owned_since: DateTime<Utc>,
    pub last_follow_up_at: Option<DateTime<Utc>>,
    pub last_opportunity_at: Option<DateTime<Utc>>,
    pub last_won_at: Option<DateTime<Utc>>,
    pub level_id: Option<i64>,
    pub locked: bool,
    pub dealt: bool,
}

/// What the rules say about a customer now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Keep,
    /// It will go back at `due_at` unless the owner acts; warn them.
    RemindSoon {
        kind: RecycleKind,
        due_at: DateTime<Utc>,
    },
    /// It goes back now, for the reason `kind`.
    Recycle {
        kind: RecycleKind,
    },
}

impl PoolRules {
    /// When the customer goes back and why: the earliest due rule that
    /// applies to its level. Locked customers never go back, nor dealt ones
    /// when the pool exempts them.
    pub fn due(&self, customer: &CustomerDates) -> Option<(RecycleKind, DateTime<Utc>)> {
        self.due_counted(customer)
            .map(|(kind, due_at, _)| (kind, due_at))
    }

    /// As [`PoolRules::due`], with the instant the days of that rule count
    /// from: the later of the last act the rule looks for and the day the
    /// owner got the customer (never the day the rule was set).
    pub fn due_counted(
        &self,
        customer: &CustomerDates,
    ) -> Option<(RecycleKind, DateTime<Utc>, DateTime<Utc>)> {
        if customer.locked || (self.won_exempt && customer.dealt) {
            return None;
        }
        self.recycle
            .iter()
            .filter(|rule| rule.applies_to(customer.level_id))
            .map(|rule| {
                let last = match rule.kind {
                    RecycleKind::NoFollowUp => customer.last_follow_up_at,
                    RecycleKind::NoOpportunity => customer.last_opportunity_at,
                    RecycleKind::NotWon => customer.last_won_at,
                };
                let since = last.map_or(customer.owned_since, |l| l.max(customer.owned_since));
                (rule.kind, since + Duration::days(rule.days), since)
            })
            .min_by_key(|(_, due, _)| *due)
    }

    /// Whether the customer goes back now, should be warned, or stays.
    pub fn verdict(&self, customer: &CustomerDates, now: DateTime<Utc>) -> Verdict {
        let Some((kind, due_at)) = self.due(customer) else {
            return Verdict::Keep;
        };
        if due_at <= now {
            return Verdict::Recycle { kind };
        }
        let remind = self.remind_days.unwrap_or(0);
        if remind > 0 && due_at - Duration::days(remind) <= now {
            Verdict::RemindSoon { kind, due_at }
        } else {
            Verdict::Keep
        }
    }

    /// The longest a customer can be owned before any rule can touch it,
    /// warning included: customers owned for less are not looked at.
    pub fn quiet_days(&self) -> Option<i64> {
        let shortest = self.recycle.iter().map(|r| r.days).min()?;
        Some((shortest - self.remind_days.unwrap_or(0)).max(0))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn day(n: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, n, 9, 0, 0)
            .single()
            .expect("date")
    }

    fn owned_on_the_first() -> CustomerDates {
        CustomerDates {
            owned_since: day(1),
            last_follow_up_at: None,
            last_opportunity_at: None,
            last_won_at: None,
            level_id: None,
            locked: false,
            dealt: false,
        }
    }

    fn rule(kind: RecycleKind, days: i64, levels: &[i64]) -> RecycleRule {
        RecycleRule {
            kind,
            days,
            levels: levels.to_vec(),
        }
    }

    fn rules(recycle: Vec<RecycleRule>) -> PoolRules {
        PoolRules {
            recycle,
            remind_days: Some(3),
            ..PoolRules::default()
        }
    }

    #[test]
    fn a_customer_without_follow_up_goes_back_after_the_days_and_is_warned_before() {
        let rules = rules(vec![rule(RecycleKind::NoFollowUp, 10, &[])]);
        let customer = owned_on_the_first();
        assert_eq!(rules.verdict(&customer, day(7)), Verdict::Keep);
        assert_eq!(
            rules.verdict(&customer, day(8)),
            Verdict::RemindSoon {
                kind: RecycleKind::NoFollowUp,
                due_at: day(11)
            }
        );
        assert_eq!(
            rules.verdict(&customer, day(11)),
            Verdict::Recycle {
                kind: RecycleKind::NoFollowUp
            }
        );
    }

    #[test]
    fn a_follow_up_restarts_the_clock() {
        let rules = rules(vec![rule(RecycleKind::NoFollowUp, 10, &[])]);
        let customer = CustomerDates {
            last_follow_up_at: Some(day(6)),
            ..owned_on_the_first()
        };
        assert_eq!(rules.verdict(&customer, day(12)), Verdict::Keep);
        assert_eq!(
            rules.due(&customer),
            Some((RecycleKind::NoFollowUp, day(16)))
        );
    }

    #[test]
    fn a_follow_up_by_the_former_owner_does_not_keep_a_new_owner_safe() {
        let rules = rules(vec![rule(RecycleKind::NoOpportunity, 10, &[])]);
        let customer = CustomerDates {
            owned_since: day(5),
            last_opportunity_at: Some(day(1)),
            ..owned_on_the_first()
        };
        assert_eq!(
            rules.due(&customer),
            Some((RecycleKind::NoOpportunity, day(15)))
        );
    }

    #[test]
    fn the_earliest_rule_decides() {
        let rules = rules(vec![
            rule(RecycleKind::NoFollowUp, 20, &[]),
            rule(RecycleKind::NotWon, 5, &[]),
        ]);
        assert_eq!(
            rules.verdict(&owned_on_the_first(), day(6)),
            Verdict::Recycle {
                kind: RecycleKind::NotWon
            }
        );
    }

    #[test]
    fn a_rule_for_some_levels_leaves_the_others_alone() {
        let rules = rules(vec![rule(RecycleKind::NoFollowUp, 5, &[7])]);
        let level_a = CustomerDates {
            level_id: Some(7),
            ..owned_on_the_first()
        };
        let level_b = CustomerDates {
            level_id: Some(8),
            ..owned_on_the_first()
        };
        let no_level = owned_on_the_first();
        assert!(matches!(
            rules.verdict(&level_a, day(20)),
            Verdict::Recycle { .. }
        ));
        assert_eq!(rules.verdict(&level_b, day(20)), Verdict::Keep);
        assert_eq!(rules.verdict(&no_level, day(20)), Verdict::Keep);
    }

    #[test]
    fn locked_customers_never_go_back_and_won_ones_when_the_pool_says_so() {
        let mut rules = rules(vec![rule(RecycleKind::NoFollowUp, 5, &[])]);
        let locked = CustomerDates {
            locked: true,
            ..owned_on_the_first()
        };
        let dealt = CustomerDates {
            dealt: true,
            ..owned_on_the_first()
        };
        assert_eq!(rules.verdict(&locked, day(20)), Verdict::Keep);
        assert!(matches!(
            rules.verdict(&dealt, day(20)),
            Verdict::Recycle { .. }
        ));
        rules.won_exempt = true;
        assert_eq!(rules.verdict(&dealt, day(20)), Verdict::Keep);
    }

    #[test]
    fn without_reminder_days_nobody_is_warned() {
        let mut rules = rules(vec![rule(RecycleKind::NoFollowUp, 10, &[])]);
        rules.remind_days = None;
        assert_eq!(rules.verdict(&owned_on_the_first(), day(10)), Verdict::Keep);
        assert_eq!(rules.quiet_days(), Some(10));
        rules.remind_days = Some(4);
        assert_eq!(rules.quiet_days(), Some(6));
        assert_eq!(PoolRules::default().quiet_days(), None);
    }

    #[test]
    fn kinds_read_back_from_their_names() {
        for kind in RecycleKind::ALL {
            assert_eq!(RecycleKind::parse(kind.as_str()), Ok(kind));
        }
        assert!(RecycleKind::parse("lost").is_err());
    }
}
