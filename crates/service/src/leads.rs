//! Leads: prospects, their follow-ups, and conversion into customers.

use kuijing_domain::change::Diff;
use kuijing_domain::{
    Action, Change, ChangeAction, FieldChange, FieldErrors, Kind, Permission, text,
};
use kuijing_store::contacts::{self, ContactFields};
use kuijing_store::follow_ups::FollowUp;
use kuijing_store::leads::{self, LeadFields};
use kuijing_store::{Page, Tx, customers, departments};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::changelog::LogView;
use crate::customers::{CustomerInput, FollowUpInput};
use crate::error::{Result, ServiceError};
use crate::{App, Caller, ListPage, PageRequest};

pub use kuijing_store::leads::Lead;

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadInput {
    pub name: String,
    pub contact_name: Option<String>,
    pub mobile: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub level_id: Option<i64>,
    pub industry_id: Option<i64>,
    pub source_id: Option<i64>,
    pub notes: Option<String>,
    pub next_contact_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The version read, for an edit.
    pub version: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeadDetail {
    #[serde(flatten)]
    pub lead: Lead,
    pub follow_ups: Vec<FollowUp>,
    pub change_log: Vec<LogView>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ConvertInput {
    pub ids: Vec<i64>,
}

/// Each converted lead and the customer it became.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Converted {
    pub lead_id: i64,
    pub customer_id: i64,
}

fn lead(action: Action) -> Permission {
    Permission::new(Kind::Lead, action)
}

impl App {
    pub async fn list_leads(
        &self,
        caller: &Caller,
        search: Option<&str>,
        converted: Option<bool>,
        page: PageRequest,
    ) -> Result<ListPage<Lead>> {
        caller.require(lead(Action::View))?;
        let mut tx = self.db.read().await?;
        let visibility = self.lead_visibility(&mut tx, caller).await?;
        let search = search.map(|s| {
            let digits = kuijing_domain::company::phone_key(s);
            if digits.len() >= 6 && digits.len() + 4 >= s.len() {
                digits
            } else {
                text::normalize(s)
            }
        });
        let search = search.filter(|s| !s.is_empty());
        let limit = page
            .limit
            .unwrap_or(PageRequest::DEFAULT_LIMIT)
            .clamp(1, PageRequest::MAX_LIMIT);
        let found = leads::list(
            &mut tx,
            &visibility,
            search.as_deref(),
            converted,
            Page {
                after: page.cursor,
                limit: limit + 1,
            },
        )
        .await?;
        let total = leads::count(&mut tx, &visibility, search.as_deref(), converted).await?;
        Ok(ListPage::new(found, total, limit, |l| l.id))
    }

    pub async fn get_lead(&self, caller: &Caller, id: i64) -> Result<LeadDetail> {
        caller.require(lead(Action::View))?;
        let mut tx = self.db.read().await?;
        let visibility = self.lead_visibility(&mut tx, caller).await?;
        let found = leads::get(&mut tx, &visibility, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let follow_ups = self.follow_ups_of(&mut tx, Kind::Lead, id).await?;
        let change_log = self.change_log_of(&mut tx, Kind::Lead, id).await?;
        Ok(LeadDetail {
            lead: found,
            follow_ups,
            change_log,
        })
    }

    pub async fn create_lead(&self, caller: &Caller, input: LeadInput) -> Result<LeadDetail> {
        caller.require(lead(Action::Create))?;
        let mut tx = self.db.write().await?;
        let fields = self.check_lead(&mut tx, input).await?;
        let id =
            leads::insert(&mut tx, &fields, caller.user.id, caller.user.id, self.now()).await?;
        let fields = vec![FieldChange {
            field: "name".into(),
            old: None,
            new: Some(fields.name),
        }];
        self.log(
            &mut tx,
            caller,
            Change {
                kind: Kind::Lead,
                record_id: id,
                action: ChangeAction::Create,
                fields,
            },
        )
        .await?;
        tx.commit().await?;
        self.get_lead(caller, id).await
    }

    pub async fn update_lead(
        &self,
        caller: &Caller,
        id: i64,
        input: LeadInput,
    ) -> Result<LeadDetail> {
        caller.require(lead(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let visibility = self.lead_visibility(&mut tx, caller).await?;
        let current = leads::get(&mut tx, &visibility, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if current.converted {
            return Err(ServiceError::Refused {
                code: "lead_converted",
            });
        }
        if input.version.is_some_and(|v| v != current.version) {
            let stored = serde_json::to_value(&current)
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
            return Err(ServiceError::Changed {
                version: current.version,
                current: Box::new(stored),
            });
        }
        let fields = self.check_lead(&mut tx, input).await?;
        let mut diff = Diff::new();
        diff.field(
            "name",
            Some(current.name.clone()),
            Some(fields.name.clone()),
        );
        for (field, old, new) in [
            ("contact_name", &current.contact_name, &fields.contact_name),
            ("mobile", &current.mobile, &fields.mobile),
            ("phone", &current.phone, &fields.phone),
            ("email", &current.email, &fields.email),
            ("address", &current.address, &fields.address),
            ("notes", &current.notes, &fields.notes),
        ] {
            diff.field(field, old.clone(), new.clone());
        }
        if !diff.is_empty()
            || fields.level_id != current.level_id
            || fields.source_id != current.source_id
            || fields.industry_id != current.industry_id
        {
            if !leads::update(&mut tx, id, current.version, &fields, self.now()).await? {
                return Err(ServiceError::Stale {
                    version: current.version,
                });
            }
            self.log(
                &mut tx,
                caller,
                Change {
                    kind: Kind::Lead,
                    record_id: id,
                    action: ChangeAction::Update,
                    fields: diff.into_fields(),
                },
            )
            .await?;
        }
        tx.commit().await?;
        self.get_lead(caller, id).await
    }

    pub async fn delete_lead(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(lead(Action::Delete))?;
        let mut tx = self.db.write().await?;
        let visibility = self.lead_visibility(&mut tx, caller).await?;
        let current = leads::get(&mut tx, &visibility, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        leads::delete(&mut tx, id).await?;
        let fields = vec![FieldChange {
            field: "name".into(),
            old: Some(current.name),
            new: None,
        }];
        self.log(
            &mut tx,
            caller,
            Change {
                kind: Kind::Lead,
                record_id: id,
                action: ChangeAction::Delete,
                fields,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_lead_follow_up(
        &self,
        caller: &Caller,
        id: i64,
        input: FollowUpInput,
    ) -> Result<FollowUp> {
        caller.require(Permission::new(Kind::FollowUp, Action::Create))?;
        let mut tx = self.db.write().await?;
        let visibility = self.lead_visibility(&mut tx, caller).await?;
        let found = leads::get(&mut tx, &visibility, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        // A lead has no customer yet, so a follow-up of it names no contacts
        // or opportunities.
        let target = crate::follow_ups::Target {
            kind: Kind::Lead,
            id,
            customer: None,
            name: &found.name,
        };
        let written = self
            .write_follow_up(&mut tx, caller, &target, &input, &[])
            .await?;
        leads::touch_follow_up(
            &mut tx,
            id,
            written.happened_at,
            &written.content,
            input.next_contact_at,
        )
        .await?;
        tx.commit().await?;
        self.follow_up_written(Kind::Lead, id, written.id).await
    }

    /// Turns leads into customers: the fields carried over, a primary
    /// contact from the lead's contact name, the follow-ups copied, and the
    /// lead marked converted with a link to its customer.
    pub async fn convert_leads(
        &self,
        caller: &Caller,
        input: ConvertInput,
    ) -> Result<Vec<Converted>> {
        caller.require(lead(Action::Convert))?;
        caller.require(Permission::new(Kind::Customer, Action::Create))?;
        if input.ids.is_empty() {
            return Err(
                FieldErrors::from(kuijing_domain::FieldError::new("ids", "required")).into(),
            );
        }
        let mut tx = self.db.write().await?;
        let visibility = self.lead_visibility(&mut tx, caller).await?;
        let now = self.now();
        let mut converted = Vec::new();
        // A lead named twice is converted once.
        let ids: std::collections::BTreeSet<i64> = input.ids.iter().copied().collect();
        for id in &ids {
            let found = leads::get(&mut tx, &visibility, *id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            if found.converted {
                return Err(ServiceError::Refused {
                    code: "lead_converted",
                });
            }
            let customer_input = CustomerInput {
                name: found.name.clone(),
                level_id: found.level_id,
                industry_id: found.industry_id,
                source_id: found.source_id,
                phone: found.phone.clone(),
                mobile: found.mobile.clone(),
                email: found.email.clone(),
                address: found.address.clone(),
                notes: found.notes.clone(),
                next_contact_at: found.next_contact_at,
                ..CustomerInput::default()
            };
            let mut errors = FieldErrors::new();
            let fields = self
                .check_customer(&mut tx, customer_input, &mut errors)
                .await?;
            errors.into_result()?;
            let owner = found.owner_id.unwrap_or(caller.user.id);
            let customer =
                customers::insert(&mut tx, &fields, Some(owner), None, caller.user.id, now).await?;
            if let Some(name) = found.contact_name.clone().filter(|n| !n.trim().is_empty()) {
                let contact = ContactFields {
                    customer_id: customer,
                    name,
                    mobile: found.mobile.clone(),
                    phone: found.phone.clone(),
                    email: found.email.clone(),
                    is_primary: true,
                    ..ContactFields::default()
                };
                contacts::insert(&mut tx, &contact, owner, caller.user.id, now).await?;
            }
            leads::carry_follow_ups(&mut tx, *id, customer).await?;
            if !leads::mark_converted(&mut tx, *id, customer, now).await? {
                return Err(ServiceError::Refused {
                    code: "lead_converted",
                });
            }
            let to_customer = vec![FieldChange {
                field: "customer_id".into(),
                old: None,
                new: Some(customer.to_string()),
            }];
            self.log(
                &mut tx,
                caller,
                Change {
                    kind: Kind::Lead,
                    record_id: *id,
                    action: ChangeAction::Update,
                    fields: to_customer,
                },
            )
            .await?;
            let from_lead = vec![FieldChange {
                field: "lead".into(),
                old: None,
                new: Some(found.name.clone()),
            }];
            self.log(
                &mut tx,
                caller,
                Change {
                    kind: Kind::Customer,
                    record_id: customer,
                    action: ChangeAction::Create,
                    fields: from_lead,
                },
            )
            .await?;
            converted.push(Converted {
                lead_id: *id,
                customer_id: customer,
            });
        }
        tx.commit().await?;
        tracing::info!(
            leads = converted.len(),
            actor.id = caller.user.id,
            "leads converted"
        );
        Ok(converted)
    }

    async fn lead_visibility(
        &self,
        tx: &mut Tx,
        caller: &Caller,
    ) -> Result<kuijing_domain::Visibility> {
        let org = departments::org_chart(tx).await?;
        Ok(caller.actor.visibility(Kind::Lead, &org))
    }

    async fn check_lead(&self, tx: &mut Tx, input: LeadInput) -> Result<LeadFields> {
        let mut errors = FieldErrors::new();
        let name = errors
            .take("name", text::parse_name(&input.name, 100))
            .unwrap_or_default();
        crate::customers::check_choices(
            tx,
            [input.level_id, input.industry_id, input.source_id],
            &mut errors,
        )
        .await?;
        let optional =
            |errors: &mut FieldErrors, field: &str, value: Option<String>, max: usize| {
                errors
                    .take(field, text::parse_optional_text(value.as_deref(), max))
                    .flatten()
            };
        let email = match optional(&mut errors, "email", input.email, 254) {
            Some(email) => errors.take("email", text::parse_email(&email)),
            None => None,
        };
        let fields = LeadFields {
            name,
            contact_name: optional(&mut errors, "contact_name", input.contact_name, 50),
            mobile: optional(&mut errors, "mobile", input.mobile, 50),
            phone: optional(&mut errors, "phone", input.phone, 50),
            email,
            address: optional(&mut errors, "address", input.address, 300),
            level_id: input.level_id,
            industry_id: input.industry_id,
            source_id: input.source_id,
            notes: optional(&mut errors, "notes", input.notes, 5000),
            next_contact_at: input.next_contact_at,
        };
        errors.into_result()?;
        Ok(fields)
    }
}
