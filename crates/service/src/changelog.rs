//! Reading the change log of a record the caller may already see.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use kuijing_domain::{ChangeAction, FieldChange, Kind};
use kuijing_store::{Tx, change_logs, users};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{App, Result};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LogView {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: ChangeAction,
    pub fields: Vec<FieldChange>,
    pub request_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// How many entries a record page shows.
const SHOWN: u64 = 200;

impl App {
    /// The log of a record, newest first, with the names of who acted. Call it
    /// only after the record itself was read in the caller's scope.
    pub(crate) async fn change_log_of(
        &self,
        tx: &mut Tx,
        kind: Kind,
        record: i64,
    ) -> Result<Vec<LogView>> {
        let entries = change_logs::of_record(tx, kind, record, SHOWN).await?;
        let actors: BTreeSet<i64> = entries.iter().filter_map(|e| e.actor_id).collect();
        let actors: Vec<i64> = actors.into_iter().collect();
        let names: BTreeMap<i64, String> = users::names(tx, &actors).await?.into_iter().collect();
        Ok(entries
            .into_iter()
            .map(|entry| LogView {
                id: entry.id,
                actor_name: entry.actor_id.and_then(|id| names.get(&id).cloned()),
                actor_id: entry.actor_id,
                action: entry.action,
                fields: entry.fields,
                request_id: entry.request_id,
                created_at: entry.created_at,
            })
            .collect())
    }
}
