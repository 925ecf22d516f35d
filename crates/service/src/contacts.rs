//! Contacts: the people at a customer; one of them is the primary contact.

use kuijing_domain::change::Diff;
use kuijing_domain::{Action, Change, ChangeAction, FieldErrors, Kind, Permission, text};
pub use kuijing_store::contacts::Contact;
use kuijing_store::contacts::{self, ContactFields};
use kuijing_store::{Page, customers, departments};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::changelog::LogView;
use crate::error::{Result, ServiceError};
use crate::{App, Caller, ListPage, PageRequest};

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub customer_id: i64,
    pub name: String,
    pub mobile: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub post: Option<String>,
    #[serde(default)]
    pub decision_maker: bool,
    #[serde(default)]
    pub is_primary: bool,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub next_contact_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The version read, for an edit.
    pub version: Option<i64>,
}

#[derive(Debug, Clone, serde::Serialize, ToSchema)]
pub struct ContactDetail {
    #[serde(flatten)]
    pub contact: Contact,
    pub change_log: Vec<LogView>,
}

fn contact(action: Action) -> Permission {
    Permission::new(Kind::Contact, action)
}

impl App {
    pub async fn list_contacts(
        &self,
        caller: &Caller,
        (search, customer): (Option<&str>, Option<i64>),
        drill: &crate::dashboard::Drill,
        page: PageRequest,
    ) -> Result<ListPage<Contact>> {
        caller.require(contact(Action::View))?;
        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Contact, &org);
        let search = search.map(text::normalize).filter(|s| !s.is_empty());
        let limit = page
            .limit
            .unwrap_or(PageRequest::DEFAULT_LIMIT)
            .clamp(1, PageRequest::MAX_LIMIT);
        let probe = Page {
            after: page.cursor,
            limit: limit + 1,
        };
        let (from, before) = drill.days();
        let drilled = contacts::ContactDrill {
            created_from: from.map(|d| self.start_of(d)),
            created_before: before.map(|d| self.start_of(d)),
            owners: drill.owners(None),
        };
        let narrowed = (search.as_deref(), customer, &drilled);
        let found = contacts::list(&mut tx, &visibility, narrowed, probe).await?;
        let total = contacts::count(&mut tx, &visibility, narrowed).await?;
        Ok(ListPage::new(found, total, limit, |c| c.id))
    }

    pub async fn get_contact(&self, caller: &Caller, id: i64) -> Result<ContactDetail> {
        caller.require(contact(Action::View))?;
        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Contact, &org);
        let found = contacts::get(&mut tx, &visibility, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let change_log = self.change_log_of(&mut tx, Kind::Contact, id).await?;
        Ok(ContactDetail {
            contact: found,
            change_log,
        })
    }

    pub async fn create_contact(
        &self,
        caller: &Caller,
        input: ContactInput,
    ) -> Result<ContactDetail> {
        caller.require(contact(Action::Create))?;
        let mut tx = self.db.write().await?;
        let fields = self.check_contact(&mut tx, caller, input).await?;
        let id =
            contacts::insert(&mut tx, &fields, caller.user.id, caller.user.id, self.now()).await?;
        if fields.is_primary {
            contacts::make_primary(&mut tx, fields.customer_id, id).await?;
        }
        let mut diff = Diff::new();
        describe(&mut diff, None, Some(&fields));
        self.log(
            &mut tx,
            caller,
            Change {
                kind: Kind::Contact,
                record_id: id,
                action: ChangeAction::Create,
                fields: diff.into_fields(),
            },
        )
        .await?;
        tx.commit().await?;
        self.get_contact(caller, id).await
    }

    pub async fn update_contact(
        &self,
        caller: &Caller,
        id: i64,
        input: ContactInput,
    ) -> Result<ContactDetail> {
        caller.require(contact(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Contact, &org);
        let current = contacts::get(&mut tx, &visibility, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if input.version.is_some_and(|v| v != current.version) {
            let stored = serde_json::to_value(&current)
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
            return Err(ServiceError::Changed {
                version: current.version,
                current: Box::new(stored),
            });
        }
        let fields = self.check_contact(&mut tx, caller, input).await?;
        let old = fields_of(&current);
        let mut diff = Diff::new();
        describe(&mut diff, Some(&old), Some(&fields));
        if !diff.is_empty() {
            if !contacts::update(&mut tx, id, current.version, &fields, self.now()).await? {
                return Err(ServiceError::Stale {
                    version: current.version,
                });
            }
            if fields.is_primary && !current.is_primary {
                contacts::make_primary(&mut tx, fields.customer_id, id).await?;
            }
            self.log(
                &mut tx,
                caller,
                Change {
                    kind: Kind::Contact,
                    record_id: id,
                    action: ChangeAction::Update,
                    fields: diff.into_fields(),
                },
            )
            .await?;
        }
        tx.commit().await?;
        self.get_contact(caller, id).await
    }

    pub async fn delete_contact(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(contact(Action::Delete))?;
        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Contact, &org);
        let current = contacts::get(&mut tx, &visibility, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        contacts::delete(&mut tx, id).await?;
        let fields = vec![kuijing_domain::FieldChange {
            field: "name".into(),
            old: Some(current.name),
            new: None,
        }];
        self.log(
            &mut tx,
            caller,
            Change {
                kind: Kind::Contact,
                record_id: id,
                action: ChangeAction::Delete,
                fields,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn check_contact(
        &self,
        tx: &mut kuijing_store::Tx,
        caller: &Caller,
        input: ContactInput,
    ) -> Result<ContactFields> {
        let mut errors = FieldErrors::new();
        let org = departments::org_chart(tx).await?;
        let visibility = caller.actor.visibility(Kind::Customer, &org);
        // A contact belongs to a customer the caller may see.
        if customers::get(
            tx,
            &visibility,
            caller.user.id,
            self.today(),
            input.customer_id,
            &[],
        )
        .await?
        .is_none()
        {
            errors.add("customer_id", "customer_unknown");
        }
        let name = errors
            .take("name", text::parse_name(&input.name, 50))
            .unwrap_or_default();
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
        let fields = ContactFields {
            customer_id: input.customer_id,
            name,
            mobile: optional(&mut errors, "mobile", input.mobile, 50),
            phone: optional(&mut errors, "phone", input.phone, 50),
            email,
            post: optional(&mut errors, "post", input.post, 50),
            decision_maker: input.decision_maker,
            is_primary: input.is_primary,
            address: optional(&mut errors, "address", input.address, 300),
            notes: optional(&mut errors, "notes", input.notes, 5000),
            next_contact_at: input.next_contact_at,
        };
        errors.into_result()?;
        Ok(fields)
    }
}

fn fields_of(c: &Contact) -> ContactFields {
    ContactFields {
        customer_id: c.customer_id,
        name: c.name.clone(),
        mobile: c.mobile.clone(),
        phone: c.phone.clone(),
        email: c.email.clone(),
        post: c.post.clone(),
        decision_maker: c.decision_maker,
        is_primary: c.is_primary,
        address: c.address.clone(),
        notes: c.notes.clone(),
        next_contact_at: c.next_contact_at,
    }
}

fn describe(diff: &mut Diff, old: Option<&ContactFields>, new: Option<&ContactFields>) {
    diff.field(
        "customer_id",
        old.map(|f| f.customer_id),
        new.map(|f| f.customer_id),
    );
    diff.field(
        "name",
        old.map(|f| f.name.clone()),
        new.map(|f| f.name.clone()),
    );
    for (field, get) in [
        (
            "mobile",
            (|f: &ContactFields| f.mobile.clone()) as fn(&ContactFields) -> Option<String>,
        ),
        ("phone", |f| f.phone.clone()),
        ("email", |f| f.email.clone()),
        ("post", |f| f.post.clone()),
        ("address", |f| f.address.clone()),
        ("notes", |f| f.notes.clone()),
    ] {
        diff.field(field, old.and_then(get), new.and_then(get));
    }
    diff.field(
        "decision_maker",
        old.map(|f| f.decision_maker),
        new.map(|f| f.decision_maker),
    );
    diff.field(
        "is_primary",
        old.map(|f| f.is_primary),
        new.map(|f| f.is_primary),
    );
}
