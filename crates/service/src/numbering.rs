//! Numbering rules of contracts and payments, set by administrators, and
//! the next free number a rule gives.

use chrono::NaiveDate;
use kuijing_domain::sales::NumberRule;
use kuijing_domain::{Action, FieldErrors, Kind, Permission};
use kuijing_store::{Tx, contracts, numbers, payments};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{Result, ServiceError};
use crate::{App, Caller};

/// The kinds that are numbered, with the prefix they start with.
pub const NUMBERED: &[(Kind, &str)] = &[(Kind::Contract, "HT"), (Kind::Payment, "HK")];

/// A kind's rule, with the number it would give a document dated today.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NumberRuleView {
    pub kind: String,
    pub rule: NumberRule,
    pub example: String,
}

fn numbered(kind: &str) -> Result<(Kind, &'static str)> {
    NUMBERED
        .iter()
        .find(|(k, _)| k.as_str() == kind)
        .copied()
        .ok_or(ServiceError::NotFound)
}

fn manage() -> Permission {
    Permission::new(Kind::Settings, Action::Manage)
}

/// How many numbers a rule may skip because they were typed by hand
/// before giving up; far more than a day of typing.
const MAX_SKIPPED: usize = 1_000;

/// The rule's next number that no record of the kind holds yet: numbers
/// typed by hand are passed over, so the rule never gets stuck on them.
pub(crate) async fn next_free(tx: &mut Tx, kind: Kind, date: NaiveDate) -> Result<String> {
    let (_, prefix) = numbered(kind.as_str())?;
    for _ in 0..MAX_SKIPPED {
        let next = numbers::next(tx, kind.as_str(), prefix, date).await?;
        let taken = match kind {
            Kind::Payment => payments::number_taken(tx, &next, None).await?,
            _ => contracts::number_taken(tx, &next, None).await?,
        };
        if !taken {
            return Ok(next);
        }
    }
    Err(crate::contracts::invalid("number", "rule_number_taken"))
}

impl App {
    /// The rules of every numbered kind.
    pub async fn number_rules(&self, caller: &Caller) -> Result<Vec<NumberRuleView>> {
        caller.require(manage())?;
        let mut tx = self.db.read().await?;
        let today = self.today();
        let mut out = Vec::new();
        for (kind, prefix) in NUMBERED {
            let rule = numbers::rule(&mut tx, kind.as_str(), prefix).await?;
            out.push(NumberRuleView {
                kind: kind.as_str().into(),
                example: rule.format(today, 1),
                rule,
            });
        }
        Ok(out)
    }

    /// Sets a kind's rule; numbers already given stay as they are.
    pub async fn set_number_rule(
        &self,
        caller: &Caller,
        kind: &str,
        rule: NumberRule,
    ) -> Result<NumberRuleView> {
        caller.require(manage())?;
        let (kind, _) = numbered(kind)?;
        let rule = NumberRule {
            prefix: rule.prefix.trim().to_string(),
            ..rule
        };
        let mut errors = FieldErrors::new();
        for (field, refusal) in rule.check() {
            errors.push(refusal.on(field));
        }
        errors.into_result()?;
        let mut tx = self.db.write().await?;
        numbers::set_rule(&mut tx, kind.as_str(), &rule).await?;
        tx.commit().await?;
        tracing::info!(
            kind = kind.as_str(),
            actor.id = caller.user.id,
            "number rule set"
        );
        Ok(NumberRuleView {
            kind: kind.as_str().into(),
            example: rule.format(self.today(), 1),
            rule,
        })
    }
}
