//! Follow-ups of any record, written once for every kind: method, content,
//! time, the next contact time (which becomes an event in the author's
//! schedule), the contacts and opportunities they name (of the record's
//! customer and in the author's scope) and the files uploaded with them;
//! the list of follow-ups across records is in `list`.

use chrono::{DateTime, Datelike, Utc};
use kuijing_domain::{Action, FieldErrors, Kind, Permission, text};
pub use kuijing_store::follow_ups::FollowUpRow;
use kuijing_store::follow_ups::{self, NewFollowUp};
pub use kuijing_store::follow_ups::{FollowUp, FollowUpLink};
use kuijing_store::lists::{Filter, Sort};
use kuijing_store::opportunities::{OpportunityQuery, SortColumn};
use kuijing_store::schema::Contacts;
use kuijing_store::{Tx, attachments, contacts, customers, events, leads, opportunities, options};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::attachments::Attachment;
use crate::choices::Choice;
use crate::error::{Result, ServiceError};
pub use crate::timeline::TimelineApproval;
use crate::{App, Caller};

mod list;

/// How many follow-ups a record's timeline shows.
const TIMELINE: u64 = 200;

/// The most files one follow-up takes.
const MAX_FILES: usize = 10;

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpInput {
    /// A follow-up method (phone, e-mail, visit, ...), as administrators keep them.
    pub method_id: Option<i64>,
    pub content: String,
    /// Now when left out.
    pub happened_at: Option<DateTime<Utc>>,
    /// Becomes an event in the author's schedule, or moves the one a
    /// former follow-up of the record made.
    pub next_contact_at: Option<DateTime<Utc>>,
    /// Contacts of the record's customer the follow-up was with.
    #[serde(default)]
    pub contact_ids: Vec<i64>,
    /// Opportunities of the record's customer it was about.
    #[serde(default)]
    pub opportunity_ids: Vec<i64>,
}

/// A file sent with a follow-up from the composer.
#[derive(Debug, Clone)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The record a follow-up is written on.
pub(crate) struct Target<'a> {
    pub kind: Kind,
    pub id: i64,
    /// The customer whose contacts and opportunities it may name.
    pub customer: Option<i64>,
    /// What the record is called: the title of its next-contact event.
    pub name: &'a str,
}

/// What a follow-up was written as.
pub(crate) struct Written {
    pub id: i64,
    pub content: String,
    pub happened_at: DateTime<Utc>,
}

/// What the composer offers to name: the customer's contacts and
/// opportunities the author may see.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct FollowUpChoices {
    #[schema(value_type = Vec<(i64, String)>)]
    pub contacts: Vec<Choice>,
    #[schema(value_type = Vec<(i64, String)>)]
    pub opportunities: Vec<Choice>,
}

impl App {
    /// Adds a follow-up to a record of any kind the caller sees, with the
    /// files uploaded in the composer; the record keeps its time, the start
    /// of its text, and the next contact time.
    pub async fn add_follow_up(
        &self,
        caller: &Caller,
        kind: Kind,
        id: i64,
        input: FollowUpInput,
        files: &[Upload],
    ) -> Result<FollowUp> {
        caller.require(Permission::new(Kind::FollowUp, Action::Create))?;
        let mut tx = self.db.write().await?;
        self.visible_record(&mut tx, caller, kind, id).await?;
        self.refuse_read_only_member(&mut tx, caller, (kind, id))
            .await?;
        if kind == Kind::Customer && self.seen_only_in_pool(&mut tx, caller, id).await? {
            return Err(ServiceError::Refused {
                code: "pool_claim_first",
            });
        }
        let (customer, name) = self.follow_up_target(&mut tx, caller, kind, id).await?;
        let target = Target {
            kind,
            id,
            customer,
            name: &name,
        };
        let written = self
            .write_follow_up(&mut tx, caller, &target, &input, files)
            .await?;
        let next = input.next_contact_at;
        let next_taken = follow_ups::touch_record(
            &mut tx,
            kind,
            id,
            written.happened_at,
            &written.content,
            next,
        )
        .await?;
        if let Some(at) = next.filter(|_| next_taken) {
            self.schedule_next_contact(&mut tx, caller, &target, written.id, at)
                .await?;
        }
        tx.commit().await?;
        self.follow_up_written(kind, id, written.id).await
    }

    /// The customer whose contacts and opportunities a follow-up of the
    /// record may name (a lead has none yet), and what the record is called.
    async fn follow_up_target(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        kind: Kind,
        id: i64,
    ) -> Result<(Option<i64>, String)> {
        let visibility = self.visibility_of(tx, caller, kind).await?;
        let (user, today) = (caller.user.id, self.today());
        let found = match kind {
            Kind::Customer => {
                let pools = self.pools_of(tx, caller).await?;
                customers::get(tx, &visibility, user, today, id, &pools)
                    .await?
                    .map(|c| (Some(id), c.name))
            }
            Kind::Lead => leads::get(tx, (&visibility, user, today), id)
                .await?
                .map(|l| (None, l.name)),
            Kind::Contact => contacts::get(tx, (&visibility, user, today), id)
                .await?
                .map(|c| (Some(c.customer_id), c.name)),
            Kind::Opportunity => opportunities::get(tx, &visibility, user, today, id)
                .await?
                .map(|o| (Some(o.customer_id), o.name)),
            _ => None,
        };
        found.ok_or(ServiceError::NotFound)
    }

    /// Checks and writes a follow-up with its links and files inside the
    /// caller's transaction, and puts its next contact time in the
    /// author's schedule. The caller has checked the record is visible.
    pub(crate) async fn write_follow_up(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        target: &Target<'_>,
        input: &FollowUpInput,
        files: &[Upload],
    ) -> Result<Written> {
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
            if !methods.iter().any(|m| m.id == method && m.active) {
                errors.add("method_id", "invalid_choice");
            }
        }
        let now = self.now();
        let happened_at = input.happened_at.unwrap_or(now);
        // A follow-up records what happened: not later than today.
        if happened_at > now + chrono::Duration::days(1) {
            errors.add("happened_at", "date_future");
        }
        if happened_at.year() < 2000 {
            errors.add("happened_at", "follow_up_too_early");
        }
        if input.next_contact_at.is_some_and(|next| next < happened_at) {
            errors.add("next_contact_at", "next_contact_before");
        }
        if input
            .next_contact_at
            .is_some_and(|next| next.year() > now.year() + 10)
        {
            errors.add("next_contact_at", "next_contact_too_far");
        }
        let contact_ids = unique(&input.contact_ids);
        let opportunity_ids = unique(&input.opportunity_ids);
        self.check_links(
            tx,
            caller,
            target.customer,
            (&contact_ids, &opportunity_ids),
            &mut errors,
        )
        .await?;
        if files.len() > MAX_FILES {
            errors.add("files", "too_many_files");
        }
        let checked: Vec<_> = files
            .iter()
            .filter_map(|file| {
                self.check_upload("files", &file.name, &file.bytes, &mut errors)
                    .map(|checked| (checked, file))
            })
            .collect();
        errors.into_result()?;
        let content = content.unwrap_or_default();

        let new = NewFollowUp {
            kind: target.kind.as_str(),
            record_id: target.id,
            method_id: input.method_id,
            content: &content,
            happened_at,
            next_contact_at: input.next_contact_at,
            author_id: caller.user.id,
        };
        let id = follow_ups::insert(tx, &new, now).await?;
        follow_ups::add_links(tx, id, Kind::Contact.as_str(), &contact_ids).await?;
        follow_ups::add_links(tx, id, Kind::Opportunity.as_str(), &opportunity_ids).await?;
        for (checked, file) in &checked {
            self.store_upload(
                tx,
                caller,
                (Kind::FollowUp.as_str(), id),
                checked,
                &file.bytes,
            )
            .await?;
        }
        tracing::info!(
            follow_up.id = id,
            record.kind = target.kind.as_str(),
            record.id = target.id,
            files = checked.len(),
            actor.id = caller.user.id,
            "follow-up written"
        );
        Ok(Written {
            id,
            content,
            happened_at,
        })
    }

    /// A record's follow-ups, newest first, with what they name and their
    /// files; the caller has checked the record is visible.
    pub(crate) async fn follow_ups_of(
        &self,
        tx: &mut Tx,
        kind: Kind,
        id: i64,
    ) -> Result<Vec<FollowUp>> {
        let mut found = follow_ups::of_record(tx, kind.as_str(), id, TIMELINE).await?;
        let ids: Vec<i64> = found.iter().map(|f| f.id).collect();
        let links = follow_ups::links_of(tx, &ids).await?;
        let files = attachments::of_records(tx, Kind::FollowUp.as_str(), &ids).await?;
        for follow_up in &mut found {
            follow_up.links = links
                .iter()
                .filter(|l| l.follow_up_id == follow_up.id)
                .cloned()
                .collect();
            follow_up.attachments = files
                .iter()
                .filter(|a| a.record_id == follow_up.id)
                .cloned()
                .collect();
        }
        Ok(found)
    }

    /// One follow-up of a record as just written, read back.
    pub(crate) async fn follow_up_written(
        &self,
        kind: Kind,
        record: i64,
        id: i64,
    ) -> Result<FollowUp> {
        let mut tx = self.db.read().await?;
        self.follow_ups_of(&mut tx, kind, record)
            .await?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or(ServiceError::NotFound)
    }

    /// The contacts and opportunities a follow-up of the customer may name,
    /// as far as the caller sees them.
    pub async fn follow_up_choices(
        &self,
        caller: &Caller,
        customer: Option<i64>,
    ) -> Result<FollowUpChoices> {
        let Some(customer) = customer else {
            return Ok(FollowUpChoices::default());
        };
        let mut tx = self.db.read().await?;
        let mut choices = FollowUpChoices::default();
        if caller.can(Permission::new(Kind::Contact, Action::View)) {
            let visibility = self.visibility_of(&mut tx, caller, Kind::Contact).await?;
            let query = contacts::ContactQuery {
                filters: vec![Filter::Equals(Contacts::CustomerId, customer.into())],
                ..Default::default()
            };
            let sort = Sort::by(Contacts::Name, false);
            let scope = (&visibility, caller.user.id, self.today());
            choices.contacts = contacts::list(&mut tx, scope, &query, sort, None, 200)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect();
        }
        if caller.can(Permission::new(Kind::Opportunity, Action::View)) {
            let visibility = self
                .visibility_of(&mut tx, caller, Kind::Opportunity)
                .await?;
            let query = OpportunityQuery {
                customer: Some(customer),
                ..OpportunityQuery::default()
            };
            choices.opportunities = opportunities::list(
                &mut tx,
                &visibility,
                caller.user.id,
                self.today(),
                &query,
                (SortColumn::UpdatedAt, true),
                None,
                200,
            )
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
        }
        Ok(choices)
    }

    /// Adds a file to a follow-up of the caller's own, on a record they
    /// still see.
    pub async fn attach_to_follow_up(
        &self,
        caller: &Caller,
        follow_up: i64,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Attachment> {
        let mut tx = self.db.write().await?;
        let owner = follow_ups::owner_of(&mut tx, follow_up)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let kind = owner
            .kind
            .parse::<Kind>()
            .map_err(|_| ServiceError::NotFound)?;
        self.visible_record(&mut tx, caller, kind, owner.record_id)
            .await?;
        if owner.author_id != caller.user.id {
            return Err(ServiceError::Forbidden);
        }
        let mut errors = FieldErrors::new();
        let checked = self.check_upload("file", file_name, bytes, &mut errors);
        errors.into_result()?;
        let Some(checked) = checked else {
            return Err(ServiceError::Internal("attachment".into()));
        };
        let id = self
            .store_upload(
                &mut tx,
                caller,
                (Kind::FollowUp.as_str(), follow_up),
                &checked,
                bytes,
            )
            .await?;
        tx.commit().await?;
        let mut tx = self.db.read().await?;
        attachments::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Contacts and opportunities named must be the customer's and visible
    /// to the caller; one of another customer is refused by its field.
    async fn check_links(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        customer: Option<i64>,
        (contact_ids, opportunity_ids): (&[i64], &[i64]),
        errors: &mut FieldErrors,
    ) -> Result<()> {
        if !contact_ids.is_empty() {
            let visibility = self.visibility_of(tx, caller, Kind::Contact).await?;
            for id in contact_ids {
                let scope = (&visibility, caller.user.id, self.today());
                let found = contacts::get(tx, scope, *id).await?;
                match (found, customer) {
                    (Some(contact), Some(customer)) if contact.customer_id == customer => {}
                    (Some(_), _) => {
                        errors.add("contact_ids", "not_of_customer");
                        break;
                    }
                    (None, _) => {
                        errors.add("contact_ids", "invalid_choice");
                        break;
                    }
                }
            }
        }
        if !opportunity_ids.is_empty() {
            let visibility = self.visibility_of(tx, caller, Kind::Opportunity).await?;
            let today = self.today();
            for id in opportunity_ids {
                let found = opportunities::get(tx, &visibility, caller.user.id, today, *id).await?;
                match (found, customer) {
                    (Some(o), Some(customer)) if o.customer_id == customer => {}
                    (Some(_), _) => {
                        errors.add("opportunity_ids", "not_of_customer");
                        break;
                    }
                    (None, _) => {
                        errors.add("opportunity_ids", "invalid_choice");
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    /// The author's next contact with the record: the open one a former
    /// follow-up made moves to the new time, else a new event is made.
    async fn schedule_next_contact(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        target: &Target<'_>,
        follow_up: i64,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let now = self.now();
        let record = (target.kind.as_str(), target.id);
        match events::open_next_contact(tx, caller.user.id, record).await? {
            Some(event) => {
                events::move_next_contact(tx, &event, (at, target.name), follow_up, now).await?;
            }
            None => {
                let fields = events::EventFields {
                    title: target.name.chars().take(100).collect(),
                    starts_at: at,
                    ends_at: None,
                    all_day: false,
                    related_kind: Some(target.kind.as_str().to_string()),
                    related_id: Some(target.id),
                    notes: None,
                    remind_minutes: None,
                    reminded_at: None,
                };
                events::insert(tx, caller.user.id, &fields, Some(follow_up), now).await?;
            }
        }
        Ok(())
    }
}

fn unique(ids: &[i64]) -> Vec<i64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}
