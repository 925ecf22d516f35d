//! Notifications: an approval waits for the user or was decided, an
//! instalment is due or overdue, a contract ends soon. Approvals notify as
//! they move; reminders come from a daily job, once per record and date.

use chrono::{Duration, NaiveDate};
use kuijing_domain::approval::{Approval, Status};
use kuijing_domain::sales::PlanStatus;
use kuijing_store::Tx;
use kuijing_store::notifications::{self, NewNotification, Notification};
use serde::Serialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

use crate::error::{Result, ServiceError};
use crate::{App, Caller, ListPage, PageRequest};

/// How many days before its end an approved contract is called ending.
pub const CONTRACT_REMINDER_DAYS: i64 = 30;

/// The farthest ahead an instalment's reminder may be set.
const MAX_REMIND_DAYS: i64 = 365;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: i64,
    /// `approval_waiting`, `approval_approved`, `approval_rejected`,
    /// `instalment_due`, `instalment_overdue` or `contract_expiring`.
    pub kind: String,
    /// `contract`, `payment`, or a custom approval kind's request.
    pub record_kind: String,
    pub record_id: i64,
    /// What the message names: `title`, `number`, `instalment`, `date`.
    #[schema(value_type = Object)]
    pub params: Map<String, Value>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub read_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn view_of(row: Notification) -> NotificationView {
    NotificationView {
        params: serde_json::from_str(&row.params).unwrap_or_default(),
        id: row.id,
        kind: row.kind,
        record_kind: row.record_kind,
        record_id: row.record_id,
        created_at: row.created_at,
        read_at: row.read_at,
    }
}

/// What an approval's move means for whom.
pub(crate) struct ApprovalMove<'a> {
    pub approval_id: i64,
    pub kind: &'a str,
    pub record_id: i64,
    pub title: &'a str,
    /// Whoever acted is not told of their own action.
    pub actor: i64,
}

impl App {
    /// The caller's notifications, newest first.
    pub async fn notifications(
        &self,
        caller: &Caller,
        unread_only: bool,
        page: PageRequest,
    ) -> Result<ListPage<NotificationView>> {
        let limit = page.limit.unwrap_or(50).clamp(1, 200);
        let mut tx = self.db.read().await?;
        let rows =
            notifications::list(&mut tx, caller.user.id, unread_only, page.cursor, limit + 1)
                .await?;
        let more = rows.len() as u64 > limit;
        let items: Vec<NotificationView> =
            rows.into_iter().take(limit as usize).map(view_of).collect();
        let next_cursor = more
            .then(|| items.last().map(|n| n.id.to_string()))
            .flatten();
        Ok(ListPage {
            total: notifications::unread_count(&mut tx, caller.user.id).await?,
            items,
            next_cursor,
        })
    }

    pub async fn unread_notifications(&self, caller: &Caller) -> Result<i64> {
        let mut tx = self.db.read().await?;
        Ok(notifications::unread_count(&mut tx, caller.user.id).await?)
    }

    /// Marks one of the caller's notifications read and answers it (to
    /// open its record); another user's is not found.
    pub async fn read_notification(&self, caller: &Caller, id: i64) -> Result<NotificationView> {
        let mut tx = self.db.write().await?;
        let found = notifications::get(&mut tx, caller.user.id, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        notifications::mark_read(&mut tx, caller.user.id, Some(id), self.now()).await?;
        tx.commit().await?;
        Ok(view_of(found))
    }

    /// Marks every notification of the caller read; answers how many.
    pub async fn read_all_notifications(&self, caller: &Caller) -> Result<u64> {
        let mut tx = self.db.write().await?;
        let changed = notifications::mark_read(&mut tx, caller.user.id, None, self.now()).await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// Tells the approvers the approval now waits for (those it did not
    /// wait for before), and the submitter how it ended.
    pub(crate) async fn notify_approval(
        &self,
        tx: &mut Tx,
        moved: &ApprovalMove<'_>,
        (before, after): (Option<&Approval>, &Approval),
    ) -> Result<()> {
        let now = self.now();
        // Each move is its own notification, even on the same step again.
        let key = format!("{}:{}", moved.approval_id, now.timestamp_micros());
        let params = json!({ "title": moved.title }).to_string();
        let waited = before.map(Approval::waiting_for).unwrap_or_default();
        let mut told = Vec::new();
        if after.status == Status::InProgress {
            for user in after.waiting_for() {
                if user != moved.actor && !waited.contains(&user) {
                    told.push((user, "approval_waiting"));
                }
            }
        }
        let ended = match after.status {
            Status::Approved => Some("approval_approved"),
            Status::Rejected => Some("approval_rejected"),
            _ => None,
        };
        if let Some(kind) = ended
            && after.submitter != moved.actor
        {
            told.push((after.submitter, kind));
        }
        for (user, kind) in told {
            let new = NewNotification {
                user_id: user,
                kind,
                record_kind: moved.kind,
                record_id: moved.record_id,
                params: params.clone(),
                dedupe_key: key.clone(),
            };
            notifications::notify(tx, &new, now).await?;
        }
        Ok(())
    }

    /// The daily reminders: instalments within their reminder days and
    /// overdue ones, and approved contracts ending within
    /// [`CONTRACT_REMINDER_DAYS`], to the contract's owner. Safe to run
    /// more than once a day and from several instances: each reminder is
    /// made once per record and date.
    pub async fn send_reminders(&self, today: NaiveDate) -> Result<u64> {
        let mut tx = self.db.write().await?;
        let now = self.now();
        let mut made = 0;
        let open = [
            PlanStatus::Pending.as_str(),
            PlanStatus::PartlyReceived.as_str(),
            PlanStatus::Overdue.as_str(),
        ];
        let window = (
            today - Duration::days(MAX_REMIND_DAYS),
            today + Duration::days(MAX_REMIND_DAYS),
        );
        for plan in notifications::open_instalments(&mut tx, window, &open).await? {
            let Some(owner) = plan.owner_id else { continue };
            let (kind, key) = if plan.planned_on < today {
                ("instalment_overdue", "overdue".to_string())
            } else if plan.remind_days > 0
                && plan.planned_on - Duration::days(plan.remind_days) <= today
            {
                ("instalment_due", plan.planned_on.to_string())
            } else {
                continue;
            };
            let new = NewNotification {
                user_id: owner,
                kind,
                record_kind: "contract",
                record_id: plan.contract_id,
                params: json!({
                    "number": plan.number,
                    "instalment": plan.instalment,
                    "date": plan.planned_on.to_string(),
                })
                .to_string(),
                dedupe_key: format!("{}:{key}", plan.plan_id),
            };
            made += u64::from(notifications::notify(&mut tx, &new, now).await?);
        }
        let ending = (today, today + Duration::days(CONTRACT_REMINDER_DAYS));
        for contract in notifications::contracts_ending(&mut tx, ending).await? {
            let Some(owner) = contract.owner_id else {
                continue;
            };
            let new = NewNotification {
                user_id: owner,
                kind: "contract_expiring",
                record_kind: "contract",
                record_id: contract.id,
                params: json!({
                    "number": contract.number,
                    "date": contract.ends_on.to_string(),
                })
                .to_string(),
                dedupe_key: contract.ends_on.to_string(),
            };
            made += u64::from(notifications::notify(&mut tx, &new, now).await?);
        }
        tx.commit().await?;
        Ok(made)
    }
}
