//! Reading the change log of a record the caller may already see.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use kuijing_domain::fields::FieldType;
use kuijing_domain::{ChangeAction, FieldChange, Kind, money};
use kuijing_store::{Tx, change_logs, users};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{App, Caller, Result};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LogView {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: ChangeAction,
    pub fields: Vec<FieldChange>,
    pub request_id: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The names of the custom fields the entry changed (`custom.<key>` to
    /// the field's label); a deleted field has none and is named by its key.
    pub labels: BTreeMap<String, String>,
}

impl LogView {
    /// The label of a custom field the entry changed, while the field exists.
    pub fn label(&self, field: &str) -> Option<&str> {
        self.labels.get(field).map(String::as_str)
    }

    /// Whether the entry records a record created or changed by an import.
    pub fn by_import(&self) -> bool {
        self.fields
            .iter()
            .any(|f| f.field == crate::record_import::VIA && f.new.as_deref() == Some("import"))
    }

    /// The fields the entry changed, without the mark of how it was made.
    pub fn changes(&self) -> impl Iterator<Item = &FieldChange> {
        self.fields
            .iter()
            .filter(|f| f.field != crate::record_import::VIA)
    }
}

/// Replaces ids in logged fields by the names a person reads: departments,
/// users, roles, pools, customers and options as they are called when the
/// change is made.
pub(crate) async fn readable(tx: &mut Tx, fields: &mut [FieldChange]) -> Result<()> {
    for field in fields.iter_mut() {
        let lookup = match field.field.as_str() {
            "department_id" | "parent_id" => Lookup::Department,
            "superior_id" | "head_id" | "owner_id" => Lookup::User,
            "roles" => Lookup::Role,
            "pool_id" => Lookup::Pool,
            "customer_id" => Lookup::Customer,
            // Administrator-edited options of customers and leads, and a
            // follow-up's method.
            "level_id" | "industry_id" | "source_id" | "method_id" => Lookup::Option,
            // A contract's payment method, its signers and what it comes
            // from, and a payment's contract.
            "payment_method_id" => Lookup::Option,
            "company_signer_id" => Lookup::User,
            // A customer's contacts that went along with it to a new owner.
            "customer_signer_id" | "contacts" => Lookup::Contact,
            "opportunity_id" => Lookup::Opportunity,
            "contract_id" => Lookup::Contract,
            _ => continue,
        };
        for value in [&mut field.old, &mut field.new] {
            let Some(text) = value.as_ref() else { continue };
            let ids: Vec<i64> = text
                .split(',')
                .filter_map(|p| p.trim().parse().ok())
                .collect();
            if ids.is_empty() {
                continue;
            }
            let names: BTreeMap<i64, String> = match lookup {
                Lookup::Department => kuijing_store::departments::names(tx, &ids)
                    .await?
                    .into_iter()
                    .collect(),
                Lookup::User => users::names(tx, &ids).await?.into_iter().collect(),
                Lookup::Role => kuijing_store::roles::names(tx, &ids)
                    .await?
                    .into_iter()
                    .collect(),
                Lookup::Pool => kuijing_store::pools::names(tx, &ids)
                    .await?
                    .into_iter()
                    .collect(),
                Lookup::Customer => kuijing_store::customers::names(tx, &ids)
                    .await?
                    .into_iter()
                    .collect(),
                Lookup::Option => kuijing_store::options::labels(tx, &ids)
                    .await?
                    .into_iter()
                    .collect(),
                Lookup::Contact => kuijing_store::contacts::names(tx, &ids)
                    .await?
                    .into_iter()
                    .collect(),
                Lookup::Contract => kuijing_store::contracts::many_unscoped(tx, &ids)
                    .await?
                    .into_iter()
                    .map(|c| (c.id, c.number))
                    .collect(),
                Lookup::Opportunity => {
                    let mut names = BTreeMap::new();
                    for id in &ids {
                        if let Some(o) = kuijing_store::opportunities::get_unscoped(tx, *id).await?
                        {
                            names.insert(o.id, o.name);
                        }
                    }
                    names
                }
            };
            let shown: Vec<String> = ids
                .iter()
                .map(|id| names.get(id).cloned().unwrap_or_else(|| format!("#{id}")))
                .collect();
            *value = Some(shown.join(", "));
        }
    }
    Ok(())
}

enum Lookup {
    Department,
    User,
    Role,
    Pool,
    Customer,
    Option,
    Contact,
    Contract,
    Opportunity,
}

/// How many entries a record page shows.
const SHOWN: u64 = 200;

/// Whether a logged field holds money: an amount, a price, an instalment's
/// amount or what it received (`plans.2.amount`), an instalment added
/// (`plans`), or a custom money field.
fn is_money(field: &str, custom_money: &BTreeSet<String>) -> bool {
    match field {
        "amount" | "price" | "plans" => true,
        _ => {
            custom_money.contains(field)
                || (field.starts_with("plans.")
                    && (field.ends_with(".amount") || field.ends_with(".received")))
        }
    }
}

/// Shows the money of log entries (newest first) as the record's pages do,
/// with its currency and grouping: `USD 15,000.00`, `JPY 1,000`. `currency`
/// is the record's currency now; an entry that changed the currency shows
/// its old amounts in the old one, and the entries before it in that one.
/// A value that is not a plain amount (written otherwise) is left as it is.
fn show_money(
    entries: &mut [change_logs::LogEntry],
    currency: &str,
    custom_money: &BTreeSet<String>,
) {
    let mut current = currency.to_string();
    for entry in entries.iter_mut() {
        let (old_currency, new_currency) = match entry.fields.iter().find(|f| f.field == "currency")
        {
            Some(change) => (
                change.old.clone().unwrap_or_else(|| current.clone()),
                change.new.clone().unwrap_or_else(|| current.clone()),
            ),
            None => (current.clone(), current.clone()),
        };
        for field in entry.fields.iter_mut() {
            if !is_money(&field.field, custom_money) {
                continue;
            }
            for (value, currency) in [
                (&mut field.old, &old_currency),
                (&mut field.new, &new_currency),
            ] {
                let Some(text) = value.as_deref() else {
                    continue;
                };
                if let Ok(minor) = money::parse_amount(text) {
                    *value = Some(money::format_money(minor, currency));
                } else if let Some(rest) = text.strip_prefix('-')
                    && let Ok(minor) = money::parse_amount(rest)
                {
                    *value = Some(money::format_money(-minor, currency));
                }
            }
        }
        current = old_currency;
    }
}

impl App {
    /// The log of a record, newest first, with the names of who acted (and
    /// built-in roles and options in the caller's language). Call it
    /// only after the record itself was read in the caller's scope. Money of
    /// custom fields is shown in the company currency.
    pub(crate) async fn change_log_of(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        kind: Kind,
        record: i64,
    ) -> Result<Vec<LogView>> {
        let currency = self.currency();
        self.change_log_in(tx, caller, (kind, record), &currency)
            .await
    }

    /// As [`App::change_log_of`], for a record with a currency of its own.
    pub(crate) async fn change_log_in(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        (kind, record): (Kind, i64),
        currency: &str,
    ) -> Result<Vec<LogView>> {
        let mut entries = change_logs::of_record(tx, kind, record, SHOWN).await?;
        let actors: BTreeSet<i64> = entries.iter().filter_map(|e| e.actor_id).collect();
        let actors: Vec<i64> = actors.into_iter().collect();
        let names: BTreeMap<i64, String> = users::names(tx, &actors).await?.into_iter().collect();
        let defs = self.field_defs_in(tx, kind).await?;
        let custom_money: BTreeSet<String> = defs
            .iter()
            .filter(|d| d.field_type == FieldType::Money)
            .map(|d| format!("custom.{}", d.key))
            .collect();
        show_money(&mut entries, currency, &custom_money);
        for entry in &mut entries {
            caller.shown_log_fields(&mut entry.fields);
        }
        let labels: BTreeMap<String, String> = defs
            .into_iter()
            .map(|d| (format!("custom.{}", d.key), d.label))
            .collect();
        Ok(entries
            .into_iter()
            .map(|entry| LogView {
                id: entry.id,
                actor_name: entry.actor_id.and_then(|id| names.get(&id).cloned()),
                actor_id: entry.actor_id,
                action: entry.action,
                labels: entry
                    .fields
                    .iter()
                    .filter_map(|f| Some((f.field.clone(), labels.get(&f.field)?.clone())))
                    .collect(),
                fields: entry.fields,
                request_id: entry.request_id,
                created_at: entry.created_at,
            })
            .collect())
    }
}
