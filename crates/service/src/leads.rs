//! Leads: prospects in their owner's scope: lists with views, filters and
//! sorting, details, create and edit with optimistic locking, transfer and
//! delete. Conversion is in `lead_convert`, spreadsheets in `lead_io`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kuijing_domain::change::Diff;
use kuijing_domain::{Action, Change, ChangeAction, FieldErrors, Kind, Permission, text};
use kuijing_store::follow_ups::FollowUp;
use kuijing_store::leads::{self, LeadFields};
use kuijing_store::schema::Leads;
use kuijing_store::{Tx, departments, options, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::changelog::LogView;
use crate::customers::FollowUpInput;
use crate::error::{Result, ServiceError};
use crate::list_filters::{FilterInput, ListSpec, RecordQuery, Shape, limit_of, paged, parse_sort};
use crate::selection::RecordBatch;
use crate::{App, Caller, ListPage, stale_check};
use kuijing_store::lists::Shown;

pub use kuijing_store::leads::Lead;

pub(crate) const LEAD_LIST: ListSpec<Leads> = ListSpec {
    kind: "leads",
    fields: &[
        ("name", Leads::Name, Shape::Text),
        ("contact_name", Leads::ContactName, Shape::Text),
        ("mobile", Leads::MobileKey, Shape::Phone),
        ("phone", Leads::PhoneKey, Shape::Phone),
        ("email", Leads::Email, Shape::Text),
        ("address", Leads::Address, Shape::Text),
        ("postcode", Leads::Postcode, Shape::Code),
        ("notes", Leads::Notes, Shape::Text),
        ("level_id", Leads::LevelId, Shape::Choice),
        ("industry_id", Leads::IndustryId, Shape::Choice),
        ("source_id", Leads::SourceId, Shape::Choice),
        ("owner_id", Leads::OwnerId, Shape::Choice),
        ("converted", Leads::Converted, Shape::Bool),
        ("created_at", Leads::CreatedAt, Shape::Time),
        ("updated_at", Leads::UpdatedAt, Shape::Time),
        ("last_follow_up_at", Leads::LastFollowUpAt, Shape::Time),
        ("next_contact_at", Leads::NextContactAt, Shape::Time),
        ("converted_at", Leads::ConvertedAt, Shape::Time),
    ],
    sortable: &[
        "id",
        "name",
        "contact_name",
        "mobile",
        "phone",
        "email",
        "address",
        "postcode",
        "notes",
        "level_id",
        "industry_id",
        "source_id",
        "owner_id",
        "converted",
        "created_at",
        "updated_at",
        "last_follow_up_at",
        "next_contact_at",
        "converted_at",
    ],
    sort_only: &[],
    shown: &[
        ("level_id", Shown::Option),
        ("industry_id", Shown::Option),
        ("source_id", Shown::Option),
        ("owner_id", Shown::User),
    ],
    id: Leads::Id,
    owner: Leads::OwnerId,
    created: Leads::CreatedAt,
};

/// The fields a lead list sorts by, besides its custom fields.
pub const SORTABLE: &[&str] = LEAD_LIST.sortable;

/// A new lead, or every field of an edit.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadInput {
    pub name: String,
    pub contact_name: Option<String>,
    pub mobile: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// The postal code, as text (`100`, `10048`); leading zeros are kept.
    pub postcode: Option<String>,
    pub level_id: Option<i64>,
    pub industry_id: Option<i64>,
    pub source_id: Option<i64>,
    pub notes: Option<String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    pub next_contact_at: Option<DateTime<Utc>>,
    /// The caller when left out; an edit changes owners by transfer.
    pub owner_id: Option<i64>,
    /// The version read, for an edit: a save on a newer one answers 409 with
    /// the stored lead.
    pub version: Option<i64>,
}

/// A lead as lists show it, with the names behind its ids.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeadView {
    #[serde(flatten)]
    pub lead: Lead,
    pub owner_name: Option<String>,
    pub level: Option<String>,
    pub industry: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeadDetail {
    #[serde(flatten)]
    pub view: LeadView,
    pub follow_ups: Vec<FollowUp>,
    pub change_log: Vec<LogView>,
    /// Who shares the lead with its owner.
    pub team: Vec<crate::teams::TeamView>,
    /// Whether the caller may edit it.
    pub can_edit: bool,
    /// Whether the caller may change it at all: its owner is in their scope
    /// or they are in its team with write access (a member who only reads
    /// converts, transfers, deletes and follows up nothing).
    pub writable: bool,
}

/// Leads to act on, and the new owner for a transfer.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadTransfer {
    #[serde(default)]
    pub ids: Vec<i64>,
    /// Every lead that matches this filter, in the caller's scope, instead of `ids`.
    #[serde(default)]
    pub matching: Option<crate::selection::RecordMatch>,
    pub owner_id: i64,
}

fn lead(action: Action) -> Permission {
    Permission::new(Kind::Lead, action)
}

impl App {
    /// Leads in the caller's scope and those whose team they are in. Besides
    /// the common views, `open` and `converted` narrow to leads not yet (or
    /// already) converted.
    pub async fn list_leads(
        &self,
        caller: &Caller,
        query: &RecordQuery,
    ) -> Result<ListPage<LeadView>> {
        caller.require(lead(Action::View))?;
        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Lead, &org);
        let store_query = self.lead_store_query(&mut tx, caller, &org, query).await?;
        let defs = self.field_defs_in(&mut tx, Kind::Lead).await?;
        let (sort, after) = parse_sort(&LEAD_LIST, &defs, query)?;
        let sort = sort.in_language(&caller.language);
        let limit = limit_of(query);
        let scope = (&visibility, caller.user.id, self.today());
        let found = leads::list(&mut tx, scope, &store_query, sort, after, limit + 1).await?;
        let total = leads::count(&mut tx, scope, &store_query).await?;
        let (found, next_cursor) = paged(found, query, |l| l.id);
        Ok(ListPage {
            items: self.lead_views((&mut tx, caller), found).await?,
            total,
            next_cursor,
        })
    }

    /// The store's query of a lead list, with the lead views read as filters.
    pub(crate) async fn lead_store_query(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        org: &kuijing_domain::OrgChart,
        query: &RecordQuery,
    ) -> Result<leads::LeadQuery> {
        let mut query = query.clone();
        let converted = match query.view.as_deref() {
            Some("open") => Some(false),
            Some("converted") => Some(true),
            _ => None,
        };
        if let Some(flag) = converted {
            query.view = None;
            query.filters.push(FilterInput {
                field: "converted".into(),
                op: "equals".into(),
                value: Some(flag.into()),
            });
        }
        let defs = self.field_defs_in(tx, Kind::Lead).await?;
        self.list_narrowing(&LEAD_LIST, (caller, org), &defs, &query)
    }

    pub async fn get_lead(&self, caller: &Caller, id: i64) -> Result<LeadDetail> {
        caller.require(lead(Action::View))?;
        let mut tx = self.db.read().await?;
        let found = self.visible_lead(&mut tx, caller, id).await?;
        let visibility = self.visibility_of(&mut tx, caller, Kind::Lead).await?;
        let scope = (&visibility, caller.user.id, self.today());
        let writable = leads::writable(&mut tx, scope, id).await?;
        let can_edit = caller.can(lead(Action::Edit)) && !found.converted && writable;
        let follow_ups = self.follow_ups_of(&mut tx, Kind::Lead, id).await?;
        let change_log = self.change_log_of(&mut tx, caller, Kind::Lead, id).await?;
        let team = self.team_of(&mut tx, Kind::Lead, id).await?;
        Ok(LeadDetail {
            can_edit,
            writable,
            view: self
                .lead_views((&mut tx, caller), vec![found])
                .await?
                .remove(0),
            follow_ups,
            change_log,
            team,
        })
    }

    pub async fn create_lead(&self, caller: &Caller, input: LeadInput) -> Result<LeadDetail> {
        caller.require(lead(Action::Create))?;
        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        let mut errors = FieldErrors::new();
        let owner = input.owner_id.unwrap_or(caller.user.id);
        if owner != caller.user.id {
            let field = ("owner_id", &mut errors);
            self.check_owner_of(&mut tx, (caller, &org), Kind::Lead, owner, field)
                .await?;
        }
        let fields = self.check_lead(&mut tx, input, true, &mut errors).await?;
        self.check_unique_in(&mut tx, Kind::Lead, &fields.custom, None, &mut errors)
            .await?;
        errors.into_result()?;

        let id = leads::insert(&mut tx, &fields, owner, caller.user.id, self.now()).await?;
        let change = Change {
            kind: Kind::Lead,
            record_id: id,
            action: ChangeAction::Create,
            fields: created(&fields),
        };
        self.log(&mut tx, caller, change).await?;
        tx.commit().await?;
        tracing::info!(lead.id = id, actor.id = caller.user.id, "lead created");
        self.get_lead(caller, id).await
    }

    /// Saves every field of a lead, refusing a save made on an older version
    /// (409 with the stored lead) and a converted lead.
    pub async fn update_lead(
        &self,
        caller: &Caller,
        id: i64,
        input: LeadInput,
    ) -> Result<LeadDetail> {
        caller.require(lead(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let current = self.writable_lead(&mut tx, caller, id).await?;
        if current.converted {
            return Err(ServiceError::Refused {
                code: "lead_converted",
            });
        }
        stale_check(input.version, current.version, &current)?;
        let mut errors = FieldErrors::new();
        let fields = self.check_lead(&mut tx, input, false, &mut errors).await?;
        self.check_unique_in(&mut tx, Kind::Lead, &fields.custom, Some(id), &mut errors)
            .await?;
        errors.into_result()?;

        let mut diff = Diff::new();
        describe(&mut diff, Some(&LeadFields::from(&current)), Some(&fields));
        if !diff.is_empty() {
            if !leads::update(&mut tx, id, current.version, &fields, self.now()).await? {
                return Err(ServiceError::Stale {
                    version: current.version,
                });
            }
            let change = Change {
                kind: Kind::Lead,
                record_id: id,
                action: ChangeAction::Update,
                fields: diff.into_fields(),
            };
            self.log(&mut tx, caller, change).await?;
        }
        tx.commit().await?;
        self.get_lead(caller, id).await
    }

    pub async fn delete_lead(&self, caller: &Caller, id: i64) -> Result<()> {
        let batch = RecordBatch {
            ids: vec![id],
            matching: None,
        };
        self.delete_leads(caller, &batch).await.map(|_| ())
    }

    /// Deletes leads the caller may change (ticked, or all that match), all
    /// or none.
    pub async fn delete_leads(&self, caller: &Caller, batch: &RecordBatch) -> Result<u64> {
        self.delete_owned(caller, Kind::Lead, batch).await
    }

    pub async fn transfer_leads(&self, caller: &Caller, input: LeadTransfer) -> Result<u64> {
        let batch = RecordBatch {
            ids: input.ids,
            matching: input.matching,
        };
        self.transfer_owned(caller, Kind::Lead, &batch, input.owner_id)
            .await
    }

    /// Writes a follow-up on a lead the caller sees, with the files
    /// uploaded in the composer.
    pub async fn add_lead_follow_up(
        &self,
        caller: &Caller,
        id: i64,
        input: FollowUpInput,
        files: Vec<crate::follow_ups::Upload>,
    ) -> Result<FollowUp> {
        self.add_follow_up(caller, Kind::Lead, id, input, &files)
            .await
    }

    /// A lead the caller sees: one in their scope, or one whose team they
    /// are in while their membership holds (404 otherwise).
    pub(crate) async fn visible_lead(&self, tx: &mut Tx, caller: &Caller, id: i64) -> Result<Lead> {
        let visibility = self.visibility_of(tx, caller, Kind::Lead).await?;
        let scope = (&visibility, caller.user.id, self.today());
        leads::get(tx, scope, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// A lead the caller may change: one in their scope, or one whose team
    /// they are in with write access (404 when they cannot see it, else 403).
    pub(crate) async fn writable_lead(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        id: i64,
    ) -> Result<Lead> {
        let found = self.visible_lead(tx, caller, id).await?;
        let visibility = self.visibility_of(tx, caller, Kind::Lead).await?;
        let scope = (&visibility, caller.user.id, self.today());
        if !leads::writable(tx, scope, id).await? {
            return Err(ServiceError::Forbidden);
        }
        Ok(found)
    }

    /// Checks a lead as typed into the fields it is stored with.
    pub(crate) async fn check_lead(
        &self,
        tx: &mut Tx,
        input: LeadInput,
        new: bool,
        errors: &mut FieldErrors,
    ) -> Result<LeadFields> {
        let name = errors
            .take("name", text::parse_name(&input.name, 100))
            .unwrap_or_default();
        crate::customers::check_choices(
            tx,
            [input.level_id, input.industry_id, input.source_id],
            errors,
        )
        .await?;
        let optional = |errors: &mut FieldErrors, field: &str, value: Option<String>, max| {
            errors
                .take(field, text::parse_optional_text(value.as_deref(), max))
                .flatten()
        };
        let email = match optional(errors, "email", input.email, 254) {
            Some(email) => errors.take("email", text::parse_email(&email)),
            None => None,
        };
        let mobile = crate::input::half_width_text(errors, "mobile", input.mobile, 50);
        let phone = crate::input::half_width_text(errors, "phone", input.phone, 50);
        crate::input::check_phones(
            errors,
            [("mobile", mobile.as_deref()), ("phone", phone.as_deref())],
        );
        crate::input::check_next_contact(errors, input.next_contact_at, self.now());
        let defs = self.field_defs_in(tx, Kind::Lead).await?;
        Ok(LeadFields {
            name,
            contact_name: optional(errors, "contact_name", input.contact_name, 50),
            mobile,
            phone,
            email,
            address: optional(errors, "address", input.address, 300),
            postcode: crate::input::postcode(errors, input.postcode),
            level_id: input.level_id,
            industry_id: input.industry_id,
            source_id: input.source_id,
            notes: optional(errors, "notes", input.notes, 5000),
            custom: crate::customers::custom_of(&defs, &input.custom, new, errors),
            next_contact_at: input.next_contact_at,
        })
    }

    pub(crate) async fn lead_views(
        &self,
        (tx, caller): (&mut Tx, &Caller),
        found: Vec<Lead>,
    ) -> Result<Vec<LeadView>> {
        let owners: Vec<i64> = found.iter().filter_map(|l| l.owner_id).collect();
        let names: BTreeMap<i64, String> = users::names(tx, &owners).await?.into_iter().collect();
        let labels: BTreeMap<i64, String> = caller
            .shown_options(options::of_kind(tx, "customer").await?)
            .into_iter()
            .map(|o| (o.id, o.label))
            .collect();
        let label = |id: Option<i64>| id.and_then(|id| labels.get(&id).cloned());
        Ok(found
            .into_iter()
            .map(|lead| LeadView {
                owner_name: lead.owner_id.and_then(|o| names.get(&o).cloned()),
                level: label(lead.level_id),
                industry: label(lead.industry_id),
                source: label(lead.source_id),
                lead,
            })
            .collect())
    }
}

/// The fields of a lead that changed, for the change log.
/// What creating a lead logs, from its form or an import: its fields (the
/// owner is the record's own, shown beside the log).
pub(crate) fn created(fields: &LeadFields) -> Vec<kuijing_domain::FieldChange> {
    let mut diff = Diff::new();
    describe(&mut diff, None, Some(fields));
    diff.into_fields()
}

pub(crate) fn describe(diff: &mut Diff, old: Option<&LeadFields>, new: Option<&LeadFields>) {
    type Get = fn(&LeadFields) -> Option<String>;
    let texts: [(&str, Get); 9] = [
        ("name", |f| Some(f.name.clone())),
        ("contact_name", |f| f.contact_name.clone()),
        ("mobile", |f| f.mobile.clone()),
        ("phone", |f| f.phone.clone()),
        ("email", |f| f.email.clone()),
        ("address", |f| f.address.clone()),
        ("postcode", |f| f.postcode.clone()),
        ("notes", |f| f.notes.clone()),
        ("next_contact_at", |f| {
            f.next_contact_at.map(|t| t.to_rfc3339())
        }),
    ];
    for (field, get) in texts {
        diff.field(field, old.and_then(get), new.and_then(get));
    }
    type Id = fn(&LeadFields) -> Option<i64>;
    let ids: [(&str, Id); 3] = [
        ("level_id", |f| f.level_id),
        ("industry_id", |f| f.industry_id),
        ("source_id", |f| f.source_id),
    ];
    for (field, get) in ids {
        diff.field(field, old.and_then(get), new.and_then(get));
    }
    crate::customers::describe_custom(diff, old.map(|f| &f.custom), new.map(|f| &f.custom));
}
