//! Follow-ups: what was said or done with a record of any kind, written
//! once for customers, leads, contacts and opportunities; and the list of
//! follow-ups across records: who wrote what about which record, within the
//! viewer's scope of follow-ups (by author), narrowed to the days and
//! authors of a dashboard figure.

use chrono::{DateTime, Utc};
use kuijing_domain::{Action, FieldErrors, Kind, Permission, text};
pub use kuijing_store::follow_ups::FollowUpRow;
use kuijing_store::follow_ups::{self, FollowUp, FollowUpQuery, NewFollowUp};
use kuijing_store::{Tx, departments, options, users};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::dashboard::Drill;
use crate::error::{Result, ServiceError};
use crate::{App, Caller, ListPage, PageRequest};

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct FollowUpInput {
    pub method_id: Option<i64>,
    pub content: String,
    /// Now when left out.
    pub happened_at: Option<DateTime<Utc>>,
    pub next_contact_at: Option<DateTime<Utc>>,
}

impl App {
    /// Adds a follow-up to a record the caller sees; the record keeps its
    /// time, the start of its text, and the next contact time.
    pub async fn add_follow_up(
        &self,
        caller: &Caller,
        kind: Kind,
        id: i64,
        input: FollowUpInput,
    ) -> Result<FollowUp> {
        caller.require(Permission::new(Kind::FollowUp, Action::Create))?;
        let mut tx = self.db.write().await?;
        self.visible_record(&mut tx, caller, kind, id).await?;
        let (content, happened_at) = self.check_follow_up(&mut tx, &input).await?;
        let new = NewFollowUp {
            kind: kind.as_str(),
            record_id: id,
            method_id: input.method_id,
            content: &content,
            happened_at,
            next_contact_at: input.next_contact_at,
            author_id: caller.user.id,
        };
        let follow_up = follow_ups::insert(&mut tx, &new, self.now()).await?;
        let next = input.next_contact_at;
        follow_ups::touch_record(&mut tx, kind, id, happened_at, &content, next).await?;
        tx.commit().await?;

        let mut tx = self.db.read().await?;
        let all = follow_ups::of_record(&mut tx, kind.as_str(), id, 200).await?;
        all.into_iter()
            .find(|f| f.id == follow_up)
            .ok_or(ServiceError::NotFound)
    }

    /// Checks a follow-up's content, method and times, for any record kind;
    /// answers the content and when it happened.
    pub(crate) async fn check_follow_up(
        &self,
        tx: &mut Tx,
        input: &FollowUpInput,
    ) -> Result<(String, DateTime<Utc>)> {
        let mut errors = FieldErrors::new();
        let content = errors
            .take(
                "content",
                text::parse_optional_text(Some(&input.content), 5000),
            )
            .flatten();
        if content.is_none() && !errors.0.iter().any(|e| e.field == "content") {
            errors.add("content", "required");
        }
        if let Some(method) = input.method_id {
            let methods = options::of_field(tx, "follow_up", "method_id").await?;
            if !methods.iter().any(|m| m.id == method) {
                errors.add("method_id", "invalid_choice");
            }
        }
        let now = self.now();
        let happened_at = input.happened_at.unwrap_or(now);
        // A follow-up records what happened: not later than today.
        if happened_at > now + chrono::Duration::days(1) {
            errors.add("happened_at", "date_future");
        }
        if input.next_contact_at.is_some_and(|next| next < happened_at) {
            errors.add("next_contact_at", "next_contact_before");
        }
        errors.into_result()?;
        let content = content.unwrap_or_default();
        Ok((content, happened_at))
    }

    pub async fn list_follow_ups(
        &self,
        caller: &Caller,
        drill: &Drill,
        page: PageRequest,
    ) -> Result<ListPage<FollowUpRow>> {
        caller.require(Permission::new(Kind::FollowUp, Action::View))?;
        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::FollowUp, &org);
        // The authors the viewer's scope sees, as the dashboard counts them.
        let visible = if visibility.all {
            None
        } else {
            Some(
                users::all_names(&mut tx)
                    .await?
                    .into_iter()
                    .map(|(id, _)| id)
                    .filter(|id| {
                        org.department_of(*id)
                            .is_some_and(|d| visibility.sees(*id, d))
                    })
                    .collect(),
            )
        };
        let (from, before) = drill.days();
        let query = FollowUpQuery {
            from: from.map(|d| self.start_of(d)),
            before: before.map(|d| self.start_of(d)),
            authors: drill.owners(visible),
        };
        let store_page = page.store_page();
        let found = follow_ups::list(
            &mut tx,
            &query,
            kuijing_store::Page {
                limit: store_page.limit + 1,
                ..store_page
            },
        )
        .await?;
        let total = follow_ups::count(&mut tx, &query).await?;
        Ok(ListPage::new(found, total, store_page.limit, |f| f.id))
    }
}
