//! Releasing: an owner puts customers into one of the pools they belong
//! to, saying why.

use kuijing_domain::{
    Action, Change, ChangeAction, FieldChange, FieldError, FieldErrors, Kind, Permission, text,
};
use kuijing_store::pool_customers;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::{Result, ServiceError};
use crate::{App, Caller};

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ReleaseInput {
    pub ids: Vec<i64>,
    /// One of the pools the releaser belongs to; the first of them when left out.
    pub pool_id: Option<i64>,
    pub reason: String,
}

impl App {
    /// An owner puts customers into one of the pools they belong to, saying why.
    pub async fn release_to_pool(&self, caller: &Caller, input: ReleaseInput) -> Result<u64> {
        caller.require(Permission::new(Kind::Customer, Action::Release))?;
        let mut errors = FieldErrors::new();
        let reason = errors
            .take(
                "reason",
                text::parse_optional_text(Some(&input.reason), 500),
            )
            .flatten();
        if reason.is_none() && errors.is_empty() {
            errors.add("reason", "required");
        }
        if input.ids.is_empty() {
            errors.add("ids", "required");
        }
        errors.into_result()?;
        let mut tx = self.db.write().await?;
        let mine = self.visible_pools(&mut tx, caller).await?;
        let pool = match input.pool_id {
            Some(id) => mine.iter().find(|p| p.id == id),
            None => mine.first(),
        };
        let Some(pool) = pool.map(|p| p.id) else {
            if input.pool_id.is_some() {
                return Err(FieldError::new("pool_id", "invalid_choice").into());
            }
            return Err(ServiceError::Refused { code: "no_pool" });
        };
        let mut owners = Vec::new();
        for id in &input.ids {
            let current = self.managed_customer(&mut tx, caller, *id).await?;
            if current.locked {
                return Err(ServiceError::Refused {
                    code: "customer_locked",
                });
            }
            owners.push(current.owner_id);
        }
        let released = pool_customers::release(&mut tx, pool, &input.ids, self.now()).await?;
        for (id, owner) in input.ids.iter().zip(owners) {
            let fields = vec![
                FieldChange {
                    field: "owner_id".into(),
                    old: owner.map(|o| o.to_string()),
                    new: None,
                },
                FieldChange {
                    field: "pool_id".into(),
                    old: None,
                    new: Some(pool.to_string()),
                },
                FieldChange {
                    field: "release_reason".into(),
                    old: None,
                    new: reason.clone(),
                },
            ];
            let change = Change {
                kind: Kind::Customer,
                record_id: *id,
                action: ChangeAction::Update,
                fields,
            };
            self.log(&mut tx, caller, change).await?;
        }
        tx.commit().await?;
        Ok(released)
    }
}
