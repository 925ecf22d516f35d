//! Converting leads into customers: the fields carried over, custom fields
//! through the mapping an administrator sets, a primary contact from the
//! lead's contact name, the follow-ups, attachments and team carried over, and the
//! lead marked converted with a link to its customer.

use std::collections::BTreeSet;

use kuijing_domain::fields::{self, FieldType};
use kuijing_domain::{
    Action, Change, ChangeAction, FieldChange, FieldError, FieldErrors, Kind, Permission,
};
use kuijing_store::contacts::{self, ContactFields};
use kuijing_store::{attachments, customers, events, follow_ups, lead_field_maps, leads, teams};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::customers::CustomerInput;
use crate::error::{Result, ServiceError};
use crate::leads::Lead;
use crate::{App, Caller};

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ConvertInput {
    #[serde(default)]
    pub ids: Vec<i64>,
    /// Every lead that matches this filter, in the caller's scope, instead
    /// of `ids` (converted ones refuse the batch, so filter on open leads).
    #[serde(default)]
    pub matching: Option<crate::selection::RecordMatch>,
    /// What a lead that looks like an existing customer (same normalised
    /// name, phone or e-mail) does: `link` marks it converted into that
    /// customer, `create` makes a new customer anyway. Without it such a
    /// lead refuses the batch (409 `duplicate_customer`, with the matches).
    #[serde(default)]
    pub on_duplicate: Option<OnDuplicate>,
    /// With `link`: the customer to link to, one of the lead's matches
    /// (needed when a lead matches several).
    #[serde(default)]
    pub customer_id: Option<i64>,
    /// A choice for one lead of the batch, over `on_duplicate` and
    /// `customer_id`: so a batch converts with each lead that matches
    /// several customers linked to the one chosen for it, made a customer
    /// anyway, or left out.
    #[serde(default)]
    pub choices: Vec<LeadChoice>,
}

/// What one lead of a batch does.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct LeadChoice {
    pub lead_id: i64,
    pub action: LeadAction,
    /// With `link`: the customer, one of the lead's matches.
    #[serde(default)]
    pub customer_id: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeadAction {
    /// Linked to an existing customer it matches.
    Link,
    /// Made a new customer even if it matches some.
    Create,
    /// Left out of the batch, still open.
    Skip,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnDuplicate {
    Link,
    Create,
}

/// A lead that looks like customers already there, with its matches (a
/// match outside the caller's scope without its id and name).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeadDuplicates {
    pub lead_id: i64,
    pub lead_name: String,
    pub matches: Vec<crate::customers::DuplicateHint>,
    /// Why `link` could not take it: `several` (choose one with
    /// `customer_id`), `hidden` (no match the caller may change), or
    /// `not_a_match` (`customer_id` is none of its matches).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

/// Each converted lead and the customer it became.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Converted {
    pub lead_id: i64,
    pub customer_id: i64,
}

/// One pair of the mapping: a lead custom field and the customer custom
/// field it becomes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct FieldPair {
    pub lead_key: String,
    pub customer_key: String,
}

impl App {
    /// Turns leads into customers, all of them or none: a lead that cannot
    /// become a customer (already converted, or a value the customer's
    /// fields refuse) stops the whole batch, naming the lead. A lead that
    /// looks like an existing customer is linked to it or made a customer
    /// anyway as its choice, else `on_duplicate`, says; without either,
    /// every such lead is named with its matches and nothing is written.
    /// A lead whose choice is `skip` is left out and stays open.
    pub async fn convert_leads(
        &self,
        caller: &Caller,
        input: ConvertInput,
    ) -> Result<Vec<Converted>> {
        caller.require(Permission::new(Kind::Lead, Action::Convert))?;
        caller.require(Permission::new(Kind::Customer, Action::Create))?;
        let mut tx = self.db.write().await?;
        let batch = crate::selection::RecordBatch {
            ids: input.ids,
            matching: input.matching,
        };
        let mut errors = FieldErrors::new();
        let chosen = self
            .records_chosen(&mut tx, caller, Kind::Lead, &batch, &mut errors)
            .await?;
        errors.into_result()?;
        let mapping = lead_field_maps::all(&mut tx).await?;
        let mut converted = Vec::new();
        let mut duplicates = Vec::new();
        // A lead named twice is converted once.
        let ids: BTreeSet<i64> = chosen.into_iter().collect();
        for id in ids {
            let choice = input.choices.iter().find(|c| c.lead_id == id);
            let (on_duplicate, asked) = match choice.map(|c| c.action) {
                Some(LeadAction::Skip) => continue,
                Some(LeadAction::Link) => {
                    (Some(OnDuplicate::Link), choice.and_then(|c| c.customer_id))
                }
                Some(LeadAction::Create) => (Some(OnDuplicate::Create), None),
                None => (input.on_duplicate, input.customer_id),
            };
            let found = self.writable_lead(&mut tx, caller, id).await?;
            if found.converted {
                return Err(ServiceError::Refused {
                    code: "lead_converted",
                });
            }
            let matches = self.lead_duplicates(&mut tx, caller, &found).await?;
            let target = match (matches.is_empty(), on_duplicate) {
                (true, _) | (false, Some(OnDuplicate::Create)) => None,
                (false, None) => {
                    duplicates.push(LeadDuplicates {
                        lead_id: id,
                        lead_name: found.name.clone(),
                        matches,
                        reason: None,
                    });
                    continue;
                }
                (false, Some(OnDuplicate::Link)) => {
                    match self.link_target(&mut tx, caller, &matches, asked).await? {
                        Ok(customer) => Some(customer),
                        Err(reason) => {
                            duplicates.push(LeadDuplicates {
                                lead_id: id,
                                lead_name: found.name.clone(),
                                matches,
                                reason: Some(reason),
                            });
                            continue;
                        }
                    }
                }
            };
            // Once a lead is refused nothing is written: the rest are only
            // checked, so the answer names every lead that needs a choice.
            if !duplicates.is_empty() {
                continue;
            }
            let customer = match target {
                Some(customer) => customer,
                None => {
                    self.customer_from_lead(&mut tx, caller, &found, &mapping)
                        .await?
                }
            };
            follow_ups::copy(&mut tx, ("lead", id), ("customer", customer)).await?;
            // The customer's last follow-up is the lead's latest, so it
            // sorts, filters and recycles as followed up.
            if let Some(last) = follow_ups::of_record(&mut tx, "lead", id, 1).await?.pop() {
                let (at, next) = (last.happened_at, last.next_contact_at);
                follow_ups::touch_record(
                    &mut tx,
                    Kind::Customer,
                    customer,
                    at,
                    &last.content,
                    next,
                )
                .await?;
            }
            attachments::copy(&mut tx, ("lead", id), ("customer", customer)).await?;
            // The lead's schedule is the customer's now: its open events
            // (the next contact among them) and its next contact time.
            events::move_open(&mut tx, ("lead", id), ("customer", customer), self.now()).await?;
            if let Some(at) = found.next_contact_at {
                customers::take_next_contact(&mut tx, customer, at).await?;
            }
            let today = self.today();
            let everything = kuijing_domain::Visibility::everything();
            let owner = customers::get(&mut tx, &everything, caller.user.id, today, customer, &[])
                .await?
                .and_then(|c| c.owner_id);
            let (lead, to) = ((Kind::Lead, id), (Kind::Customer, customer));
            teams::carry(&mut tx, lead, to, owner, today).await?;
            if !leads::mark_converted(&mut tx, id, customer, self.now()).await? {
                return Err(ServiceError::Refused {
                    code: "lead_converted",
                });
            }
            // The lead's log says it was converted, and into which customer.
            let converted_lead = Change {
                kind: Kind::Lead,
                record_id: id,
                action: ChangeAction::Update,
                fields: vec![
                    FieldChange {
                        field: "converted".into(),
                        old: Some(false.to_string()),
                        new: Some(true.to_string()),
                    },
                    FieldChange {
                        field: "customer_id".into(),
                        old: None,
                        new: Some(customer.to_string()),
                    },
                ],
            };
            self.log(&mut tx, caller, converted_lead).await?;
            let from_lead = Change {
                kind: Kind::Customer,
                record_id: customer,
                action: if target.is_some() {
                    ChangeAction::Update
                } else {
                    ChangeAction::Create
                },
                fields: vec![FieldChange {
                    field: "lead".into(),
                    old: None,
                    new: Some(found.name.clone()),
                }],
            };
            self.log(&mut tx, caller, from_lead).await?;
            converted.push(Converted {
                lead_id: id,
                customer_id: customer,
            });
        }
        if !duplicates.is_empty() {
            return Err(ServiceError::Duplicates(duplicates));
        }
        tx.commit().await?;
        tracing::info!(
            leads = converted.len(),
            actor.id = caller.user.id,
            "leads converted"
        );
        Ok(converted)
    }

    /// The customers a lead looks like, by the matcher of the duplicate
    /// hint: its name, phone, mobile or e-mail.
    async fn lead_duplicates(
        &self,
        tx: &mut kuijing_store::Tx,
        caller: &Caller,
        lead: &Lead,
    ) -> Result<Vec<crate::customers::DuplicateHint>> {
        let (name, email) = (Some(lead.name.as_str()), lead.email.as_deref());
        let mut found = self
            .duplicate_hints(tx, caller, (name, lead.phone.as_deref(), email), None)
            .await?;
        if let Some(mobile) = lead.mobile.as_deref() {
            let by_mobile = self
                .duplicate_hints(tx, caller, (None, Some(mobile), None), None)
                .await?;
            for hint in by_mobile {
                match found.iter_mut().find(|f| f.customer_id == hint.customer_id) {
                    Some(seen) => {
                        for matched in hint.matched {
                            if !seen.matched.contains(&matched) {
                                seen.matched.push(matched);
                            }
                        }
                    }
                    None => found.push(hint),
                }
            }
        }
        Ok(found)
    }

    /// The customer a lead is linked to: the one asked for among its
    /// matches, or its only match the caller may change; else why not.
    async fn link_target(
        &self,
        tx: &mut kuijing_store::Tx,
        caller: &Caller,
        matches: &[crate::customers::DuplicateHint],
        asked: Option<i64>,
    ) -> Result<Result<i64, &'static str>> {
        let mut writable = Vec::new();
        for hint in matches.iter().filter(|m| m.visible) {
            match self.writable_customer(tx, caller, hint.customer_id).await {
                Ok(_) => writable.push(hint.customer_id),
                Err(ServiceError::NotFound | ServiceError::Forbidden) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(match asked {
            Some(id) if writable.contains(&id) => Ok(id),
            // A match the caller sees but may not change; one outside their
            // view is no answer to a guessed id.
            Some(id) if matches.iter().any(|m| m.id == Some(id)) => Err("hidden"),
            Some(_) => Err("not_a_match"),
            None => match writable.as_slice() {
                [one] => Ok(*one),
                [] => Err("hidden"),
                _ => Err("several"),
            },
        })
    }

    /// Writes the customer a lead becomes, with its primary contact.
    async fn customer_from_lead(
        &self,
        tx: &mut kuijing_store::Tx,
        caller: &Caller,
        lead: &Lead,
        mapping: &[(String, String)],
    ) -> Result<i64> {
        let custom: serde_json::Map<String, serde_json::Value> = mapping
            .iter()
            .filter_map(|(from, to)| lead.custom.get(from).map(|v| (to.clone(), v.clone())))
            .collect();
        // A mapped choice the customer field does not offer (its options
        // changed since the mapping was set): named with the lead, the
        // value and who can fix it, rather than as a customer's field.
        let customer_defs = self.field_defs_in(tx, Kind::Customer).await?;
        for (key, value) in &custom {
            let Some(def) = customer_defs.iter().find(|d| &d.key == key) else {
                continue;
            };
            if !matches!(def.field_type, FieldType::Choice | FieldType::MultiChoice) {
                continue;
            }
            let values: Vec<String> = match value {
                serde_json::Value::Array(items) => items.iter().map(fields::display).collect(),
                other => vec![fields::display(other)],
            };
            let missing = not_offered(def, &values);
            if !missing.is_empty() {
                return Err(
                    FieldError::new(format!("custom.{key}"), "lead_choice_not_offered")
                        .labelled(&def.label)
                        .with("lead", format!("{} (#{})", lead.name, lead.id))
                        .with("value", missing.join(", "))
                        .into(),
                );
            }
        }
        let mut input = CustomerInput {
            name: lead.name.clone(),
            level_id: lead.level_id,
            industry_id: lead.industry_id,
            source_id: lead.source_id,
            phone: lead.phone.clone(),
            mobile: lead.mobile.clone(),
            email: lead.email.clone(),
            address: lead.address.clone(),
            postcode: lead.postcode.clone(),
            notes: lead.notes.clone(),
            next_contact_at: lead.next_contact_at,
            custom,
            ..CustomerInput::default()
        };
        // A lead keeps one address line; the customer has its region apart.
        crate::customers::read_region(&mut input);
        let mut errors = FieldErrors::new();
        let fields = self.check_customer(tx, input, true, &mut errors).await?;
        // A unique customer field takes no value another customer holds.
        self.check_unique_in(
            tx,
            kuijing_domain::Kind::Customer,
            &fields.custom,
            None,
            &mut errors,
        )
        .await?;
        errors.into_result()?;
        let owner = lead.owner_id.unwrap_or(caller.user.id);
        let now = self.now();
        let customer =
            customers::insert(tx, &fields, Some(owner), None, caller.user.id, now).await?;
        if let Some(name) = lead.contact_name.clone().filter(|n| !n.trim().is_empty()) {
            let contact = ContactFields {
                customer_id: customer,
                name,
                mobile: lead.mobile.clone(),
                phone: lead.phone.clone(),
                email: lead.email.clone(),
                is_primary: true,
                ..ContactFields::default()
            };
            contacts::insert(tx, &contact, owner, caller.user.id, now).await?;
        }
        Ok(customer)
    }

    /// The mapping of lead custom fields to customer custom fields.
    pub async fn lead_field_mapping(&self) -> Result<Vec<FieldPair>> {
        let mut tx = self.db.read().await?;
        Ok(lead_field_maps::all(&mut tx)
            .await?
            .into_iter()
            .map(|(lead_key, customer_key)| FieldPair {
                lead_key,
                customer_key,
            })
            .collect())
    }

    /// Sets the whole mapping. Each lead field maps to at most one customer
    /// field, both must exist, and their types must agree.
    pub async fn set_lead_field_mapping(
        &self,
        caller: &Caller,
        pairs: Vec<FieldPair>,
    ) -> Result<Vec<FieldPair>> {
        caller.require(Permission::new(Kind::Settings, Action::Manage))?;
        let mut tx = self.db.write().await?;
        let lead_defs = self.field_defs_in(&mut tx, Kind::Lead).await?;
        let customer_defs = self.field_defs_in(&mut tx, Kind::Customer).await?;
        let mut errors = FieldErrors::new();
        let mut seen = BTreeSet::new();
        let mut kept = Vec::new();
        for pair in pairs.into_iter().filter(|p| !p.customer_key.is_empty()) {
            let field = format!("mapping.{}", pair.lead_key);
            let from = lead_defs.iter().find(|d| d.key == pair.lead_key);
            let to = customer_defs.iter().find(|d| d.key == pair.customer_key);
            match (from, to) {
                (None, _) | (_, None) => errors.add(field, "field_unknown"),
                (Some(from), Some(to)) if from.field_type != to.field_type => {
                    errors.add(field, "field_type_differs")
                }
                _ if !seen.insert(pair.lead_key.clone()) => errors.add(field, "mapped_twice"),
                (Some(from), Some(to)) if !not_offered(to, &from.options).is_empty() => {
                    // A lead's choice must be one the customer field offers,
                    // or its conversion would be refused.
                    let missing = not_offered(to, &from.options);
                    errors.push(
                        FieldError::new(field, "mapping_options_missing")
                            .labelled(&from.label)
                            .with("lead_field", &from.label)
                            .with("customer_field", &to.label)
                            .with("missing", missing.join(", ")),
                    );
                }
                _ => kept.push((pair.lead_key, pair.customer_key)),
            }
        }
        errors.into_result()?;
        lead_field_maps::replace(&mut tx, &kept).await?;
        self.log_update(
            &mut tx,
            caller,
            Kind::Settings,
            0,
            "lead_field_mapping",
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        self.lead_field_mapping().await
    }
}

/// The values among `values` that the choice field `def` does not offer,
/// case, width and spaces aside.
fn not_offered(def: &kuijing_domain::fields::FieldDef, values: &[String]) -> Vec<String> {
    use kuijing_domain::text::normalize;
    values
        .iter()
        .filter(|v| !v.trim().is_empty())
        .filter(|v| !def.options.iter().any(|o| normalize(o) == normalize(v)))
        .cloned()
        .collect()
}
