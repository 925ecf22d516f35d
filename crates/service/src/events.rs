//! The schedule: each user's own events (others see none of them; another
//! user's event is not found), the next contacts that follow-ups put there,
//! and the next contact times of the records the user owns.

use chrono::{DateTime, Utc};
use kuijing_domain::{Action, FieldErrors, Kind, Permission, text};
use kuijing_store::events::{self, EventFields};
pub use kuijing_store::events::{Event, RecordNextContact};
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
}

/// An event with the name of the record it is about, when the user sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    #[serde(flatten)]
    pub event: Event,
    pub related_name: Option<String>,
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
            errors.add("to", "ends_before_start");
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
        let fields = self.check_event(&mut tx, caller, input).await?;
        let id = events::insert(&mut tx, caller.user.id, &fields, None, self.now()).await?;
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
        crate::stale_check(patch.version, current.version, &current)?;
        let input = EventInput {
            title: patch.title.unwrap_or(current.title.clone()),
            starts_at: patch.starts_at.unwrap_or(current.starts_at),
            ends_at: patch.ends_at.unwrap_or(current.ends_at),
            all_day: patch.all_day.unwrap_or(current.all_day),
            related_kind: current.related_kind.clone(),
            related_id: current.related_id,
            notes: patch.notes.unwrap_or(current.notes.clone()),
        };
        let fields = self.check_event(&mut tx, caller, input).await?;
        let now = self.now();
        if !events::update(&mut tx, (id, current.version), &fields, now).await? {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        if let Some(done) = patch.done.filter(|d| *d != current.done) {
            events::set_done(&mut tx, id, done, now).await?;
        }
        tx.commit().await?;
        self.get_event(caller, id).await
    }

    pub async fn delete_event(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(event(Action::Delete))?;
        let mut tx = self.db.write().await?;
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
        errors.into_result()?;
        Ok(EventFields {
            title,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            all_day: input.all_day,
            related_kind: related.map(|(kind, _)| kind.as_str().to_string()),
            related_id: related.map(|(_, id)| id),
            notes,
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
        Ok(EventView {
            event,
            related_name,
        })
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
            Kind::Lead => leads::get(tx, &visibility, id).await?.map(|l| l.name),
            Kind::Contact => contacts::get(tx, &visibility, id).await?.map(|c| c.name),
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
