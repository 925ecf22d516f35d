//! Requests of custom approval kinds (quotation, refund, expense, ...): an
//! administrator defines a kind's form, users fill it in and submit it into
//! the kind's approval flow. Their values are checked like custom fields;
//! the first money field is the request's amount, which flows branch on.

use kuijing_domain::approval::{Chosen, Facts, Status};
use kuijing_domain::fields::{self, FieldType};
use kuijing_domain::sales::DocStatus;
use kuijing_domain::{Action, FieldError, FieldErrors, Kind, Permission, money, text};
use kuijing_store::requests::{self, RequestFields, RequestRow};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::approvals::ApprovalView;
use crate::error::{Result, ServiceError};
use crate::{App, Caller, ListPage, PageRequest};

mod kinds;
pub(crate) use kinds::defs_of;
use kinds::kind_of;
pub use kinds::{FORM_TYPES, FormField, RequestKind, RequestKindInput};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    /// The kind, when making a request; fixed afterwards.
    pub kind: Option<String>,
    pub title: String,
    /// The values of the kind's fields, by key.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
    pub version: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Request {
    pub id: i64,
    pub kind: String,
    pub title: String,
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
    /// The first money field, in minor units of `currency`.
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub status: DocStatus,
    pub owner_id: i64,
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequestDetail {
    #[serde(flatten)]
    pub request: Request,
    pub kind_name: String,
    pub form: Vec<FormField>,
    pub owner_name: Option<String>,
    pub approval: Option<ApprovalView>,
    /// The owner may still change it (a draft, or back after a rejection
    /// or a withdrawal).
    pub can_edit: bool,
}

fn view() -> Permission {
    Permission::new(Kind::Approval, Action::View)
}

fn manage() -> Permission {
    Permission::new(Kind::Approval, Action::Manage)
}

fn corrupt(error: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(format!("stored request: {error}"))
}

fn request_of(row: RequestRow) -> Result<Request> {
    Ok(Request {
        fields: serde_json::from_str(&row.fields).map_err(corrupt)?,
        status: DocStatus::parse(&row.status).map_err(corrupt)?,
        id: row.id,
        kind: row.kind,
        title: row.title,
        amount: row.amount,
        currency: row.currency,
        owner_id: row.owner_id,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// A request as checked against its form, ready to store.
struct Checked {
    title: String,
    /// The values by key, as JSON.
    values: String,
    amount: Option<i64>,
    currency: Option<String>,
}

impl Checked {
    fn fields(&self) -> RequestFields<'_> {
        RequestFields {
            title: &self.title,
            fields: &self.values,
            amount: self.amount,
            currency: self.currency.as_deref(),
        }
    }
}

impl App {
    /// Checks a request against its kind's form.
    fn check_request(&self, form: &[FormField], input: &RequestInput) -> Result<Checked> {
        let mut errors = FieldErrors::new();
        let title = match text::parse_name(&input.title, 200) {
            Ok(title) => title,
            Err(refusal) => {
                errors.push(refusal.on("title"));
                String::new()
            }
        };
        let defs = defs_of(form);
        let values = fields::parse_custom_in(&defs, &input.fields, &self.currency(), &mut errors);
        let amount_field = form.iter().find(|f| f.field_type == FieldType::Money);
        let mut amount = None;
        if let Some(field) = amount_field
            && let Some(Value::String(text)) = values.get(&field.key)
        {
            match money::parse_amount(text) {
                Ok(minor) => amount = Some(minor),
                Err(code) => {
                    errors.add_labelled(format!("custom.{}", field.key), &field.label, code)
                }
            }
        }
        errors.into_result()?;
        Ok(Checked {
            values: serde_json::to_string(&values).map_err(corrupt)?,
            currency: amount.map(|_| self.currency()),
            title,
            amount,
        })
    }

    async fn active_kind(&self, tx: &mut kuijing_store::Tx, kind: &str) -> Result<RequestKind> {
        match requests::kind(tx, kind).await? {
            Some(row) => kind_of(row),
            None => Err(FieldError::new("kind", "invalid_choice").into()),
        }
    }

    /// Makes a draft request of a kind.
    pub async fn create_request(
        &self,
        caller: &Caller,
        input: &RequestInput,
    ) -> Result<RequestDetail> {
        caller.require(view())?;
        let mut tx = self.db.write().await?;
        let kind = input.kind.as_deref().unwrap_or_default().trim();
        let kind = self.active_kind(&mut tx, kind).await?;
        if !kind.active {
            return Err(FieldError::new("kind", "kind_inactive").into());
        }
        let checked = self.check_request(&kind.fields, input)?;
        let fields = checked.fields();
        let id = requests::insert(&mut tx, &kind.kind, caller.user.id, &fields, self.now()).await?;
        tx.commit().await?;
        tracing::info!(request.id = id, kind = %kind.kind, actor.id = caller.user.id, "request made");
        self.get_request(caller, id).await
    }

    /// The owner's request that they may still change.
    async fn own_request(
        &self,
        tx: &mut kuijing_store::Tx,
        caller: &Caller,
        id: i64,
    ) -> Result<Request> {
        let row = requests::get_unscoped(tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let request = request_of(row)?;
        if request.owner_id != caller.user.id {
            return Err(ServiceError::NotFound);
        }
        Ok(request)
    }

    /// The owner's request while it is theirs to change (a draft, or back
    /// after a rejection or a withdrawal); else refused with `code`.
    async fn changeable_request(
        &self,
        tx: &mut kuijing_store::Tx,
        caller: &Caller,
        id: i64,
        code: &'static str,
    ) -> Result<Request> {
        let current = self.own_request(tx, caller, id).await?;
        if !current.status.submittable() {
            return Err(ServiceError::Refused { code });
        }
        Ok(current)
    }

    pub async fn update_request(
        &self,
        caller: &Caller,
        id: i64,
        input: &RequestInput,
    ) -> Result<RequestDetail> {
        caller.require(view())?;
        let mut tx = self.db.write().await?;
        let current = self
            .changeable_request(&mut tx, caller, id, "request_not_editable")
            .await?;
        // A save on a version older than the stored one answers 409 with
        // the request as stored, as the other records do; without a
        // version it saves over what is stored.
        crate::stale_check(input.version, current.version, &current)?;
        let kind = self.active_kind(&mut tx, &current.kind).await?;
        let checked = self.check_request(&kind.fields, input)?;
        let fields = checked.fields();
        let version = input.version.unwrap_or(current.version);
        if !requests::update(&mut tx, (id, version), &fields, self.now()).await? {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        tx.commit().await?;
        self.get_request(caller, id).await
    }

    /// Deletes a draft that was never submitted.
    pub async fn delete_request(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(view())?;
        let mut tx = self.db.write().await?;
        let current = self.own_request(&mut tx, caller, id).await?;
        if current.status != DocStatus::Draft
            || !requests::delete(&mut tx, id, DocStatus::Draft.as_str()).await?
        {
            return Err(ServiceError::Refused {
                code: "request_not_draft",
            });
        }
        tx.commit().await?;
        Ok(())
    }

    /// Submits a request into its kind's active flow; with none it is
    /// approved at once.
    pub async fn submit_request(
        &self,
        caller: &Caller,
        id: i64,
        chosen: &Chosen,
    ) -> Result<RequestDetail> {
        caller.require(view())?;
        let mut tx = self.db.write().await?;
        let current = self
            .changeable_request(&mut tx, caller, id, "request_not_submittable")
            .await?;
        let kind = self.active_kind(&mut tx, &current.kind).await?;
        let now = self.now();
        let from = current.status.as_str();
        if !requests::set_status(&mut tx, id, (from, DocStatus::InApproval.as_str()), now).await? {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        let facts = self.request_facts(&mut tx, &kind.fields, &current).await?;
        let status = self
            .start_approval(
                &mut tx,
                caller,
                (&current.kind, id, &current.title),
                &facts,
                chosen,
            )
            .await?;
        if status == Status::Approved {
            requests::set_status(
                &mut tx,
                id,
                (DocStatus::InApproval.as_str(), DocStatus::Approved.as_str()),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        self.get_request(caller, id).await
    }

    /// What a flow may branch on: the amount and its currency (the
    /// company's), the owner and their
    /// department, and every field by its key (numbers and money as
    /// numbers, money in minor units; the rest as text).
    async fn request_facts(
        &self,
        tx: &mut kuijing_store::Tx,
        form: &[FormField],
        request: &Request,
    ) -> Result<Facts> {
        let currency = request.currency.clone().unwrap_or_else(|| self.currency());
        let mut facts = self
            .facts_of(
                tx,
                (request.amount.unwrap_or(0), &currency),
                Some(request.owner_id),
            )
            .await?;
        crate::approvals::add_field_facts(&mut facts, &defs_of(form), &request.fields);
        Ok(facts)
    }

    /// A request, for its owner, anyone on its approval, and approval
    /// managers; others are told it does not exist.
    pub async fn get_request(&self, caller: &Caller, id: i64) -> Result<RequestDetail> {
        caller.require(view())?;
        let mut tx = self.db.read().await?;
        let row = requests::get_unscoped(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let request = request_of(row)?;
        let approval = self
            .approval_view(&mut tx, caller, &request.kind, id)
            .await?;
        let involved = approval
            .as_ref()
            .is_some_and(|a| a.people.iter().any(|(user, _)| *user == caller.user.id));
        let own = request.owner_id == caller.user.id;
        if !own && !involved && !caller.can(manage()) {
            return Err(ServiceError::NotFound);
        }
        let kind = requests::kind(&mut tx, &request.kind).await?;
        let (kind_name, form) = match kind {
            Some(row) => {
                let kind = kind_of(row)?;
                (kind.name, kind.fields)
            }
            None => (request.kind.clone(), Vec::new()),
        };
        let owner_name = kuijing_store::users::names(&mut tx, &[request.owner_id])
            .await?
            .into_iter()
            .next()
            .map(|(_, name)| name);
        Ok(RequestDetail {
            can_edit: own && request.status.submittable(),
            kind_name,
            form,
            owner_name,
            approval,
            request,
        })
    }

    /// The caller's own requests, newest first.
    pub async fn my_requests(
        &self,
        caller: &Caller,
        page: PageRequest,
    ) -> Result<ListPage<Request>> {
        caller.require(view())?;
        let limit = page.limit.unwrap_or(50).clamp(1, 200);
        let mut tx = self.db.read().await?;
        let rows = requests::of_owner(&mut tx, caller.user.id, page.cursor, limit + 1).await?;
        let more = rows.len() as u64 > limit;
        let items: Vec<Request> = rows
            .into_iter()
            .take(limit as usize)
            .map(request_of)
            .collect::<Result<_>>()?;
        let next_cursor = more
            .then(|| items.last().map(|r| r.id.to_string()))
            .flatten();
        Ok(ListPage {
            total: requests::count_of_owner(&mut tx, caller.user.id).await?,
            items,
            next_cursor,
        })
    }
}
