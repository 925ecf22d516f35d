//! A record's timeline beside its follow-ups: the approvals of the
//! customer's (or opportunity's) contracts and payments the caller sees.

use chrono::{DateTime, Utc};
use kuijing_domain::{Action, Kind, Permission};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::Result;
use crate::{App, Caller};

/// One step of an approval of a record's contract or payment, as a
/// timeline shows it beside the follow-ups.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineApproval {
    /// `contract` or `payment`.
    pub record_kind: String,
    pub record_id: i64,
    /// The contract's or payment's number.
    pub number: String,
    /// `submitted`, `approve`, `reject`, `withdraw`, ... (see approval actions).
    pub action: String,
    pub actor_name: Option<String>,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

/// How many contracts and payments a timeline looks into.
const TIMELINE_DOCUMENTS: u64 = 50;

impl App {
    /// The approvals of the contracts and payments of a customer (or of one
    /// opportunity's contracts) that the caller sees, newest first.
    pub async fn timeline_approvals(
        &self,
        caller: &Caller,
        record: (Kind, i64),
    ) -> Result<Vec<TimelineApproval>> {
        let mut tx = self.db.read().await?;
        let today = self.today();
        let mut documents: Vec<(Kind, i64, String)> = Vec::new();
        if caller.can(Permission::new(Kind::Contract, Action::View)) {
            let visibility = self.visibility_of(&mut tx, caller, Kind::Contract).await?;
            let mut query = kuijing_store::contracts::ContractQuery::default();
            match record {
                (Kind::Customer, id) => query.customer = Some(id),
                (Kind::Opportunity, id) => query.opportunity = Some(id),
                _ => return Ok(Vec::new()),
            }
            let found = kuijing_store::contracts::list(
                &mut tx,
                (&visibility, caller.user.id, today),
                &query,
                None,
                TIMELINE_DOCUMENTS,
            )
            .await?;
            documents.extend(found.into_iter().map(|c| (Kind::Contract, c.id, c.number)));
        }
        if let (Kind::Customer, id) = record
            && caller.can(Permission::new(Kind::Payment, Action::View))
        {
            let visibility = self.visibility_of(&mut tx, caller, Kind::Payment).await?;
            let query = kuijing_store::payments::PaymentQuery {
                customer: Some(id),
                ..Default::default()
            };
            let found = kuijing_store::payments::list(
                &mut tx,
                (&visibility, caller.user.id, today),
                &query,
                None,
                TIMELINE_DOCUMENTS,
            )
            .await?;
            documents.extend(found.into_iter().map(|p| (Kind::Payment, p.id, p.number)));
        }
        let mut entries = Vec::new();
        for (kind, id, number) in documents {
            for step in kuijing_store::approvals::history(&mut tx, kind.as_str(), id).await? {
                entries.push(TimelineApproval {
                    record_kind: kind.as_str().to_string(),
                    record_id: id,
                    number: number.clone(),
                    action: step.action,
                    actor_name: step.actor_name,
                    comment: step.comment,
                    at: step.created_at,
                });
            }
        }
        // Newest first; steps of the same moment in the order they were taken, last on top.
        entries.reverse();
        entries.sort_by_key(|e| std::cmp::Reverse(e.at));
        Ok(entries)
    }
}
