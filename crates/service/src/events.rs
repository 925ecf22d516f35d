//! The schedule: each user's events (those they own and those they take
//! part in; anyone else's is not found), the next contacts that follow-ups
//! put there, and the next contact times of the records the user owns.
//! Only the owner changes or deletes an event; a reminder goes to the owner
//! and every participant once, when its time comes.

use chrono::{DateTime, Utc};
use kuijing_domain::{Action, FieldErrors, Kind, Permission, text};
use kuijing_store::events::{self, EventFields};
pub use kuijing_store::events::{Event, RecordNextContact};
use kuijing_store::notifications::{self, NewNotification};
use kuijing_store::{Tx, contacts, contracts, customers, leads, opportunities};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Result, ServiceError};
use crate::input::nullable;
use crate::{App, Caller};

/// The kinds of record an event may be about.
const RELATED: [Kind; 5] = [
    Kind::Customer,
    Kind::Lead,
    Kind::Contact,
    Kind::Opportunity,
    Kind::Contract,
];

/// The longest stretch one schedule read covers.
const MAX_DAYS: i64 = 62;

/// The reminders offered, in minutes before the start.
pub const REMIND_CHOICES: [i64; 6] = [0, 5, 15, 30, 60, 1440];

/// The most participants one event takes.
const MAX_PARTICIPANTS: usize = 50;

/// Due reminders one run sends at most (the next run sends the rest).
const REMINDER_BATCH: u64 = 500;

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    pub title: String,
    pub starts_at: DateTime<Utc>,
    /// Not before the start; left out, the event has no length.
    pub ends_at: Option<DateTime<Utc>>,
    /// A whole day: `starts_at` is that day's midnight in the company's zone.
    #[serde(default)]
    pub all_day: bool,
    /// `customer`, `lead`, `contact`, `opportunity` or `contract`.
    pub related_kind: Option<String>,
    pub related_id: Option<i64>,
    pub notes: Option<String>,
    /// Other active users taking part: they see the event, never change it.
    #[serde(default)]
    pub participants: Vec<i64>,
    /// Minutes before the start to remind everyone: 0, 5, 15, 30, 60 or
    /// 1440; left out, no reminder.
    pub remind_minutes: Option<i64>,
}

/// Changes to an event; a field left out is kept, `null` clears it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventPatch {
    /// The version read; a save on a newer one answers 409.
    pub version: Option<i64>,
    pub title: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub ends_at: Option<Option<DateTime<Utc>>>,
    pub all_day: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    /// Marks it done, or not done again.
    pub done: Option<bool>,
    /// Replaces the participants.
    pub participants: Option<Vec<i64>>,
    /// `null` removes the reminder; a new time arms it again.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub remind_minutes: Option<Option<i64>>,
}

/// A user taking part in an event.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Participant {
    pub id: i64,
    pub name: String,
}

/// An event with the name of the record it is about, when the user sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    #[serde(flatten)]
    pub event: Event,
    pub related_name: Option<String>,
    pub owner_name: String,
    pub participants: Vec<Participant>,
    /// Whether the caller owns it (and so may change it).
    pub mine: bool,
}

/// What the schedule shows between two instants.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Schedule {
    pub events: Vec<EventView>,
    /// Next contact times of the user's own records that no event of
    /// theirs holds yet (set on the record's form or by an import).
    pub next_contacts: Vec<RecordNextContact>,
}

fn event(action: Action) -> Permission {
    Permission::new(Kind::Event, action)
}

impl App {
    /// The caller's events and next contacts touching `[from, to)`.
    pub async fn schedule(
        &self,
        caller: &Caller,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Schedule> {
        caller.require(event(Action::View))?;
        let mut errors = FieldErrors::new();
        if to <= from {
            errors.add("to", "schedule_ends_before_start");
        } else if to - from > chrono::Duration::days(MAX_DAYS) {
            errors.add("to", "range_too_long");
        }
        errors.into_result()?;
        let mut tx = self.db.read().await?;
        let found = events::between(&mut tx, caller.user.id, from, to).await?;
        let mut views = Vec::with_capacity(found.len());
        for event in found {
            views.push(self.event_view(&mut tx, caller, event).await?);
        }
        let held = |kind: &str, id: i64| {
            views.iter().any(|v| {
                v.event.next_contact
                    && v.event.related_kind.as_deref() == Some(kind)
                    && v.event.related_id == Some(id)
            })
        };
        let next_contacts = events::record_next_contacts(&mut tx, caller.user.id, from, to)
            .await?
            .into_iter()
            .filter(|n| !held(&n.kind, n.id))
            .collect();
        Ok(Schedule {
            events: views,
            next_contacts,
        })
    }

    /// One of the caller's events; another user's is not found.
    pub async fn get_event(&self, caller: &Caller, id: i64) -> Result<EventView> {
        caller.require(event(Action::View))?;
        let mut tx = self.db.read().await?;
        let found = events::get(&mut tx, caller.user.id, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.event_view(&mut tx, caller, found).await
    }

    pub async fn create_event(&self, caller: &Caller, input: EventInput) -> Result<EventView> {
        caller.require(event(Action::Create))?;
        let mut tx = self.db.write().await?;
        let participants = input.participants.clone();
        let mut fields = self.check_event(&mut tx, caller, input).await?;
        let now = self.now();
        fields.reminded_at = already_past(&fields, now);
        let id = events::insert(&mut tx, caller.user.id, &fields, None, now).await?;
        events::set_participants(&mut tx, id, &participants).await?;
        tx.commit().await?;
        tracing::info!(event.id = id, actor.id = caller.user.id, "event created");
        self.get_event(caller, id).await
    }

    pub async fn update_event(
        &self,
        caller: &Caller,
        id: i64,
        patch: EventPatch,
    ) -> Result<EventView> {
        caller.require(event(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let current = events::get(&mut tx, caller.user.id, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if current.owner_id != caller.user.id {
            return Err(ServiceError::Forbidden);
        }
        crate::stale_check(patch.version, current.version, &current)?;
        let participants = match patch.participants {
            Some(chosen) => chosen,
            None => events::participants(&mut tx, id).await?,
        };
        let input = EventInput {
            title: patch.title.unwrap_or(current.title.clone()),
            starts_at: patch.starts_at.unwrap_or(current.starts_at),
            ends_at: patch.ends_at.unwrap_or(current.ends_at),
            all_day: patch.all_day.unwrap_or(current.all_day),
            related_kind: current.related_kind.clone(),
            related_id: current.related_id,
            notes: patch.notes.unwrap_or(current.notes.clone()),
            participants: participants.clone(),
            remind_minutes: patch.remind_minutes.unwrap_or(current.remind_minutes),
        };
        let mut fields = self.check_event(&mut tx, caller, input).await?;
        let now = self.now();
        let before = current
            .remind_minutes
            .map(|m| current.starts_at - chrono::Duration::minutes(m));
        // The reminder stays sent while its instant stays; a new one arms
        // it again, unless the event has already begun.
        fields.reminded_at = if fields.remind_at() == before {
            current.reminded_at
        } else {
            already_past(&fields, now)
        };
        if !events::update(&mut tx, (id, current.version), &fields, now).await? {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        events::set_participants(&mut tx, id, &participants).await?;
        if let Some(done) = patch.done.filter(|d| *d != current.done) {
            events::set_done(&mut tx, id, done, now).await?;
        }
        tx.commit().await?;
        self.get_event(caller, id).await
    }

    pub async fn delete_event(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(event(Action::Delete))?;
        let mut tx = self.db.write().await?;
        let found = events::get(&mut tx, caller.user.id, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if found.owner_id != caller.user.id {
            return Err(ServiceError::Forbidden);
        }
        if !events::delete(&mut tx, caller.user.id, id).await? {
            return Err(ServiceError::NotFound);
        }
        tx.commit().await?;
        tracing::info!(event.id = id, actor.id = caller.user.id, "event deleted");
        Ok(())
    }

    async fn check_event(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        input: EventInput,
    ) -> Result<EventFields> {
        let mut errors = FieldErrors::new();
        let title = errors
            .take("title", text::parse_name(&input.title, 100))
            .unwrap_or_default();
        if input.ends_at.is_some_and(|end| end < input.starts_at) {
            errors.add("ends_at", "ends_before_start");
        }
        let notes = errors
            .take(
                "notes",
                text::parse_optional_text(input.notes.as_deref(), 2000),
            )
            .flatten();
        let related = match (input.related_kind.as_deref(), input.related_id) {
            (None | Some(""), None) => None,
            (Some(kind), Some(id)) => {
                let kind = kind.parse::<Kind>().ok().filter(|k| RELATED.contains(k));
                match kind {
                    Some(kind) if self.related_name(tx, caller, kind, id).await?.is_some() => {
                        Some((kind, id))
                    }
                    _ => {
                        errors.add("related_id", "invalid_choice");
                        None
                    }
                }
            }
            _ => {
                errors.add("related_id", "invalid_choice");
                None
            }
        };
        if input
            .remind_minutes
            .is_some_and(|m| !REMIND_CHOICES.contains(&m))
        {
            errors.add("remind_minutes", "invalid_choice");
        }
        let active = kuijing_store::users::active_names(tx).await?;
        let mut seen = Vec::new();
        for user in &input.participants {
            let known = active.iter().any(|(id, _)| id == user);
            if !known || *user == caller.user.id || seen.contains(user) {
                errors.add("participants", "invalid_choice");
                break;
            }
            seen.push(*user);
        }
        if input.participants.len() > MAX_PARTICIPANTS {
            errors.add("participants", "too_many_participants");
        }
        errors.into_result()?;
        Ok(EventFields {
            title,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            all_day: input.all_day,
            related_kind: related.map(|(kind, _)| kind.as_str().to_string()),
            related_id: related.map(|(_, id)| id),
            notes,
            remind_minutes: input.remind_minutes,
            reminded_at: None,
        })
    }

    async fn event_view(&self, tx: &mut Tx, caller: &Caller, event: Event) -> Result<EventView> {
        let related = event
            .related_kind
            .as_deref()
            .and_then(|k| k.parse::<Kind>().ok())
            .zip(event.related_id);
        let related_name = match related {
            Some((kind, id)) => self.related_name(tx, caller, kind, id).await?,
            None => None,
        };
        let people = events::participants(tx, event.id).await?;
        let mut ids = people.clone();
        ids.push(event.owner_id);
        let names = kuijing_store::users::names(tx, &ids).await?;
        let name_of = |id: i64| {
            names
                .iter()
                .find(|(n, _)| *n == id)
                .map(|(_, name)| name.clone())
                .unwrap_or_default()
        };
        Ok(EventView {
            owner_name: name_of(event.owner_id),
            participants: people
                .into_iter()
                .map(|id| Participant {
                    id,
                    name: name_of(id),
                })
                .collect(),
            mine: event.owner_id == caller.user.id,
            event,
            related_name,
        })
    }

    /// Sends the reminders due now: one notification to the owner and one
    /// to each participant per event and reminder time. Safe from several
    /// instances at once: only the worker whose conditional update marks
    /// the event reminded sends, and the notifications are made once per
    /// user, event and instant besides. Answers how many were made.
    pub async fn send_event_reminders(&self) -> Result<u64> {
        let now = self.now();
        let zone = self.time_zone();
        let mut tx = self.db.write().await?;
        let mut made = 0;
        for event in events::due_reminders(&mut tx, now, REMINDER_BATCH).await? {
            if event.done
                || !events::claim_reminder(&mut tx, (event.id, event.version), now).await?
            {
                continue;
            }
            let params = serde_json::json!({
                "title": event.title,
                "time": event.starts_at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string(),
            })
            .to_string();
            let mut people = vec![event.owner_id];
            people.extend(events::participants(&mut tx, event.id).await?);
            for user in people {
                let new = NewNotification {
                    user_id: user,
                    kind: "event_reminder",
                    record_kind: "event",
                    record_id: event.id,
                    params: params.clone(),
                    dedupe_key: event.starts_at.timestamp().to_string(),
                };
                made += u64::from(notifications::notify(&mut tx, &new, now).await?);
            }
            tracing::info!(event.id = event.id, "event reminder sent");
        }
        tx.commit().await?;
        Ok(made)
    }

    /// The events linked to a record that the caller owns or takes part in,
    /// newest first, for the record's timeline.
    pub async fn events_of_record(
        &self,
        caller: &Caller,
        (kind, id): (Kind, i64),
    ) -> Result<Vec<Event>> {
        if !caller.can(event(Action::View)) {
            return Ok(Vec::new());
        }
        let mut tx = self.db.read().await?;
        Ok(events::of_record(&mut tx, caller.user.id, (kind.as_str(), id), 50).await?)
    }

    /// The name of a record the caller may see; `None` for one they cannot.
    async fn related_name(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        kind: Kind,
        id: i64,
    ) -> Result<Option<String>> {
        if !caller.can(Permission::new(kind, Action::View)) {
            return Ok(None);
        }
        let visibility = self.visibility_of(tx, caller, kind).await?;
        let (user, today) = (caller.user.id, self.today());
        Ok(match kind {
            Kind::Customer => {
                let pools = self.pools_of(tx, caller).await?;
                customers::get(tx, &visibility, user, today, id, &pools)
                    .await?
                    .map(|c| c.name)
            }
            Kind::Lead => leads::get(tx, (&visibility, user, today), id)
                .await?
                .map(|l| l.name),
            Kind::Contact => contacts::get(tx, (&visibility, user, today), id)
                .await?
                .map(|c| c.name),
            Kind::Opportunity => opportunities::get(tx, &visibility, user, today, id)
                .await?
                .map(|o| o.name),
            Kind::Contract => contracts::get(tx, (&visibility, user, today), id)
                .await?
                .map(|c| c.number),
            _ => None,
        })
    }
}

/// A reminder whose event has already begun is never sent: it counts as
/// sent at `now`.
fn already_past(fields: &EventFields, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (fields.remind_minutes.is_some() && fields.starts_at <= now).then_some(now)
}
