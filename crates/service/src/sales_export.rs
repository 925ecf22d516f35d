//! Export of opportunities, contracts, payments and products to XLSX or CSV:
//! exactly the rows the caller may see, read a page at a time and written to
//! a file on disk, so a large export is never held in memory.

use std::collections::HashMap;

use kuijing_domain::{Action, Kind, Permission};
use kuijing_store::opportunities::SortColumn;
use kuijing_store::products::ProductQuery;
use kuijing_store::{
    contacts, contracts, line_items, opportunities, options, payments, pipelines, products, users,
};

use crate::contracts::{ContractListQuery, contract_store_query};
use crate::error::{Result, ServiceError};
use crate::opportunities::OpportunityListQuery;
use crate::payments::{PaymentListQuery, payment_store_query};
use crate::products::lines_text;
use crate::spreadsheets::{Cell, Format, TableWriter};
use crate::{App, Caller};

/// The kinds of the sales modules that export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SalesKind {
    Opportunity,
    Contract,
    Payment,
    Product,
}

impl SalesKind {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "opportunities" => Self::Opportunity,
            "contracts" => Self::Contract,
            "payments" => Self::Payment,
            "products" => Self::Product,
            _ => return None,
        })
    }

    fn kind(self) -> Kind {
        match self {
            Self::Opportunity => Kind::Opportunity,
            Self::Contract => Kind::Contract,
            Self::Payment => Kind::Payment,
            Self::Product => Kind::Product,
        }
    }

    /// The exported columns, by field name.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Self::Opportunity => &[
                "name",
                "customer_id",
                "pipeline_id",
                "stage_id",
                "outcome",
                "reason",
                "amount",
                "currency",
                "expected_close_on",
                "owner_id",
                "created_at",
                "notes",
                "lines",
            ],
            Self::Contract => &[
                "number",
                "name",
                "customer_id",
                "opportunity_id",
                "signed_on",
                "starts_on",
                "ends_on",
                "amount",
                "received",
                "outstanding",
                "overpaid",
                "currency",
                "status",
                "customer_signer_id",
                "company_signer_id",
                "payment_method_id",
                "owner_id",
                "notes",
                "lines",
            ],
            Self::Payment => &[
                "number",
                "contract_id",
                "plan_id",
                "customer_id",
                "received_on",
                "payment_method_id",
                "amount",
                "currency",
                "status",
                "owner_id",
                "notes",
            ],
            Self::Product => &[
                "code",
                "name",
                "category_id",
                "unit",
                "price",
                "currency",
                "on_sale",
                "description",
            ],
        }
    }
}

/// Rows per read.
const BATCH: u64 = 500;

/// Which rows and columns an export holds: the list's filter (or the
/// ticked ids) and the columns the caller chose.
#[derive(Debug, Clone, Default)]
pub struct SalesExport {
    /// Only these records (ticked rows); otherwise all that match.
    pub ids: Option<Vec<i64>>,
    /// The list's columns as the caller chose them; otherwise the kind's
    /// export columns.
    pub columns: Option<Vec<String>>,
    pub search: Option<String>,
    /// `mine` or `all`.
    pub view: Option<String>,
    /// A contract's or a payment's status.
    pub status: Option<String>,
    /// An opportunity's outcome.
    pub outcome: Option<String>,
    pub pipeline_id: Option<i64>,
    /// An opportunity's stage.
    pub stage_id: Option<i64>,
    /// Approved contracts ending within this many days.
    pub ending_within_days: Option<i64>,
    /// Only the records of this customer (opportunities, contracts, and
    /// the payments of its contracts).
    pub customer_id: Option<i64>,
    /// Conditions on custom fields (payments), as the list has them.
    pub filters: Vec<crate::list_filters::FilterInput>,
}

/// Money columns are numbers; the currency goes beside the first of them.
const MONEY: &[&str] = &["amount", "received", "outstanding", "overpaid", "price"];

/// The columns to write: those chosen (with the currency beside the first
/// money column), or the kind's own followed by every custom field, so an
/// export imports again as it was.
fn columns_of(
    kind: SalesKind,
    chosen: Option<&[String]>,
    defs: &[kuijing_domain::fields::FieldDef],
) -> Vec<String> {
    let Some(chosen) = chosen else {
        return kind
            .columns()
            .iter()
            .map(|c| c.to_string())
            .chain(defs.iter().map(|d| format!("custom.{}", d.key)))
            .collect();
    };
    let mut columns = Vec::with_capacity(chosen.len() + 1);
    let mut currency = chosen.iter().any(|c| c == "currency");
    let reason = chosen.iter().any(|c| c == "reason");
    for column in chosen {
        columns.push(column.clone());
        if !currency && MONEY.contains(&column.as_str()) {
            columns.push("currency".to_string());
            currency = true;
        }
        // An outcome goes with its reason, so that a lost opportunity
        // exported is imported again.
        if !reason && column == "outcome" {
            columns.push("reason".to_string());
        }
    }
    columns
}

/// A custom field's value as text, as an import reads it back: a percent
/// with its sign, money in the decimals of the record's `currency`.
fn custom_cell(
    defs: &[kuijing_domain::fields::FieldDef],
    (custom, currency): (&serde_json::Map<String, serde_json::Value>, &str),
    column: &str,
) -> Option<Cell> {
    let key = column.strip_prefix("custom.")?;
    let def = defs.iter().find(|d| d.key == key);
    Some(Cell::Text(
        custom
            .get(key)
            .map(|value| match def {
                Some(def) => {
                    kuijing_domain::fields::display_as(def.field_type, value, Some(currency), false)
                }
                None => kuijing_domain::fields::display(value),
            })
            .unwrap_or_default(),
    ))
}

/// What approved payments brought in past a contract's amount (0 for a
/// contract that is not approved), as its list shows it.
fn overpaid(contract: &kuijing_store::contracts::Contract) -> i64 {
    if contract.status.counts() {
        contract.received.saturating_sub(contract.amount).max(0)
    } else {
        0
    }
}

impl App {
    /// Writes the visible records of a kind that the export asks for to a
    /// file; `text` turns a message key (`fields.amount`, `outcome.won`,
    /// `doc_status.approved`) into the caller's language.
    pub async fn export_sales(
        &self,
        caller: &Caller,
        kind: SalesKind,
        export: &SalesExport,
        format: Format,
        text: &(dyn Fn(&str) -> String + Sync),
    ) -> Result<tempfile::TempPath> {
        caller.require(Permission::new(kind.kind(), Action::Export))?;
        let mut tx = self.db.read().await?;
        let visibility = self.visibility_of(&mut tx, caller, kind.kind()).await?;
        let today = self.today();
        let names: HashMap<i64, String> = users::all_names(&mut tx).await?.into_iter().collect();
        let person = |id: Option<i64>| {
            Cell::Text(
                id.and_then(|id| names.get(&id).cloned())
                    .unwrap_or_default(),
            )
        };
        let zone = self.time_zone();
        let at = |t: Option<chrono::DateTime<chrono::Utc>>| {
            Cell::Text(
                t.map(|t| t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default(),
            )
        };
        let defs = self.field_defs_in(&mut tx, kind.kind()).await?;
        let columns = columns_of(kind, export.columns.as_deref(), &defs);
        let wants = |column: &str| columns.iter().any(|c| c == column);
        let methods: HashMap<i64, String> = options::of_field(&mut tx, "payment", "method_id")
            .await?
            .into_iter()
            .map(|m| (m.id, caller.option_label(&m)))
            .collect();
        let method = |id: Option<i64>| {
            Cell::Text(
                id.and_then(|id| methods.get(&id).cloned())
                    .unwrap_or_default(),
            )
        };
        let note = |notes: &Option<String>| Cell::Text(notes.clone().unwrap_or_default());
        let dir = self.settings.data_dir.join("tmp");
        let io = |e: std::io::Error| ServiceError::Internal(format!("export file: {e}"));
        let mut writer = TableWriter::new(format, &dir).map_err(io)?;
        let header: Vec<String> = columns
            .iter()
            .map(|c| match c.strip_prefix("custom.") {
                Some(key) => defs
                    .iter()
                    .find(|d| d.key == key)
                    .map(|d| d.label.clone())
                    .unwrap_or_else(|| key.to_string()),
                None => {
                    let key = format!("fields.{c}");
                    match text(&key) {
                        found if found == key => text(&format!("sales_fix16.fields.{c}")),
                        found => found,
                    }
                }
            })
            .collect();
        writer.write_row(&header).map_err(io)?;
        let mut rows = 0u64;
        match kind {
            SalesKind::Opportunity => {
                let all = pipelines::list(&mut tx).await?;
                let list = OpportunityListQuery {
                    search: export.search.clone(),
                    pipeline_id: export.pipeline_id,
                    stage_id: export.stage_id,
                    outcome: export.outcome.clone(),
                    view: export.view.clone(),
                    customer_id: export.customer_id,
                    ..OpportunityListQuery::default()
                };
                let mut query = self.opportunity_query(caller, &list)?;
                query.ids = export.ids.clone();
                let mut after = None;
                loop {
                    let page = opportunities::list(
                        &mut tx,
                        &visibility,
                        caller.user.id,
                        today,
                        &query,
                        (SortColumn::Id, false),
                        after.clone(),
                        BATCH,
                    )
                    .await?;
                    let Some(last) = page.last() else { break };
                    after = Some((last.id.into(), last.id));
                    for o in &page {
                        let lines = if wants("lines") {
                            line_items::of_record(&mut tx, Kind::Opportunity.as_str(), o.id).await?
                        } else {
                            Vec::new()
                        };
                        let pipeline = all.iter().find(|p| p.id == o.pipeline_id);
                        let stage = pipeline.and_then(|p| p.stage(o.stage_id));
                        let cell = |column: &str| -> Cell {
                            if let Some(cell) = custom_cell(&defs, (&o.custom, &o.currency), column)
                            {
                                return cell;
                            }
                            match column {
                                "name" => Cell::Text(o.name.clone()),
                                "customer_id" => Cell::Text(o.customer_name.clone()),
                                "pipeline_id" => {
                                    Cell::Text(pipeline.map(|p| p.name.clone()).unwrap_or_default())
                                }
                                "stage_id" => {
                                    Cell::Text(stage.map(|s| s.name.clone()).unwrap_or_default())
                                }
                                "outcome" => {
                                    Cell::Text(text(&format!("outcome.{}", o.outcome.as_str())))
                                }
                                "reason" => note(&o.outcome_reason),
                                "amount" => Cell::money(o.amount, &o.currency),
                                "currency" => Cell::Text(o.currency.clone()),
                                "expected_close_on" => Cell::date(o.expected_close_on),
                                "next_contact_at" => at(o.next_contact_at),
                                "last_follow_up_at" => at(o.last_follow_up_at),
                                "owner_id" => person(o.owner_id),
                                "created_at" => at(Some(o.created_at)),
                                "updated_at" => at(Some(o.updated_at)),
                                "notes" => note(&o.notes),
                                "lines" => {
                                    Cell::Text(lines_text(&lines, &o.currency).unwrap_or_default())
                                }
                                _ => Cell::Empty,
                            }
                        };
                        let cells: Vec<Cell> = columns.iter().map(|c| cell(c)).collect();
                        writer.write_cells(&cells).map_err(io)?;
                        rows += 1;
                    }
                }
            }
            SalesKind::Contract => {
                let list = ContractListQuery {
                    search: export.search.clone(),
                    status: export.status.clone(),
                    view: export.view.clone(),
                    ending_within_days: export.ending_within_days,
                    customer_id: export.customer_id,
                    ..ContractListQuery::default()
                };
                let mut query = contract_store_query(caller, &list, today)?;
                query.ids = export.ids.clone();
                let mut after = None;
                loop {
                    let page = contracts::list(
                        &mut tx,
                        (&visibility, caller.user.id, today),
                        &query,
                        after,
                        BATCH,
                    )
                    .await?;
                    let Some(last) = page.last() else { break };
                    after = Some(last.id);
                    for c in &page {
                        let lines = if wants("lines") {
                            line_items::of_record(&mut tx, Kind::Contract.as_str(), c.id).await?
                        } else {
                            Vec::new()
                        };
                        let named = |found: Vec<(i64, String)>, id: Option<i64>| {
                            Cell::Text(
                                id.and_then(|id| found.into_iter().find(|f| f.0 == id))
                                    .map(|f| f.1)
                                    .unwrap_or_default(),
                            )
                        };
                        let opportunity = match c.opportunity_id {
                            Some(_) if wants("opportunity_id") => named(
                                opportunities::names_of_customer(&mut tx, c.customer_id).await?,
                                c.opportunity_id,
                            ),
                            _ => Cell::Empty,
                        };
                        let signer = match c.customer_signer_id {
                            Some(_) if wants("customer_signer_id") => named(
                                contacts::names_of_customer(&mut tx, c.customer_id).await?,
                                c.customer_signer_id,
                            ),
                            _ => Cell::Empty,
                        };
                        let cell = |column: &str| -> Cell {
                            if let Some(cell) = custom_cell(&defs, (&c.custom, &c.currency), column)
                            {
                                return cell;
                            }
                            match column {
                                "number" => Cell::Text(c.number.clone()),
                                "name" => Cell::Text(c.name.clone()),
                                "customer_id" => Cell::Text(c.customer_name.clone()),
                                "signed_on" => Cell::date(c.signed_on),
                                "starts_on" => Cell::date(c.starts_on),
                                "ends_on" => Cell::date(c.ends_on),
                                "amount" => Cell::money(c.amount, &c.currency),
                                "received" => Cell::money(c.received, &c.currency),
                                // Only an approved contract expects money:
                                // blank for the others, as the API's null.
                                "outstanding" if !c.status.counts() => Cell::Empty,
                                "outstanding" => Cell::money(c.outstanding(), &c.currency),
                                // Paid past the amount, as the list tags it.
                                "overpaid" => Cell::money(overpaid(c), &c.currency),
                                "currency" => Cell::Text(c.currency.clone()),
                                "status" => {
                                    Cell::Text(text(&format!("doc_status.{}", c.status.as_str())))
                                }
                                "owner_id" => person(c.owner_id),
                                "created_at" => at(Some(c.created_at)),
                                "opportunity_id" => opportunity.clone(),
                                "customer_signer_id" => signer.clone(),
                                "company_signer_id" => person(c.company_signer_id),
                                "payment_method_id" => method(c.payment_method_id),
                                "notes" => note(&c.notes),
                                "lines" => {
                                    Cell::Text(lines_text(&lines, &c.currency).unwrap_or_default())
                                }
                                _ => Cell::Empty,
                            }
                        };
                        let cells: Vec<Cell> = columns.iter().map(|c| cell(c)).collect();
                        writer.write_cells(&cells).map_err(io)?;
                        rows += 1;
                    }
                }
            }
            SalesKind::Payment => {
                let list = PaymentListQuery {
                    search: export.search.clone(),
                    status: export.status.clone(),
                    view: export.view.clone(),
                    customer_id: export.customer_id,
                    ..PaymentListQuery::default()
                };
                let mut query = payment_store_query(caller, &list)?;
                query.ids = export.ids.clone();
                query.filters = self.payment_filters(&mut tx, &export.filters).await?;
                let mut after = None;
                loop {
                    let page = payments::list(
                        &mut tx,
                        (&visibility, caller.user.id, today),
                        &query,
                        after,
                        BATCH,
                    )
                    .await?;
                    let Some(last) = page.last() else { break };
                    after = Some(last.id);
                    for p in &page {
                        let instalment = match p.plan_id {
                            Some(plan) if wants("plan_id") => {
                                contracts::plans(&mut tx, p.contract_id)
                                    .await?
                                    .into_iter()
                                    .find(|found| found.id == plan)
                                    .map(|found| found.instalment.to_string())
                                    .unwrap_or_default()
                            }
                            _ => String::new(),
                        };
                        let cell = |column: &str| -> Cell {
                            if let Some(cell) = custom_cell(&defs, (&p.custom, &p.currency), column)
                            {
                                return cell;
                            }
                            match column {
                                "number" => Cell::Text(p.number.clone()),
                                "plan_id" => Cell::Text(instalment.clone()),
                                "payment_method_id" => method(p.method_id),
                                "notes" => note(&p.notes),
                                "contract_id" => Cell::Text(p.contract_number.clone()),
                                "customer_id" => Cell::Text(p.customer_name.clone()),
                                "received_on" => Cell::Date(p.received_on),
                                "amount" => Cell::money(p.amount, &p.currency),
                                "currency" => Cell::Text(p.currency.clone()),
                                "status" => {
                                    Cell::Text(text(&format!("doc_status.{}", p.status.as_str())))
                                }
                                "owner_id" => person(p.owner_id),
                                "created_at" => at(Some(p.created_at)),
                                _ => Cell::Empty,
                            }
                        };
                        let cells: Vec<Cell> = columns.iter().map(|c| cell(c)).collect();
                        writer.write_cells(&cells).map_err(io)?;
                        rows += 1;
                    }
                }
            }
            SalesKind::Product => {
                // Each category by its path from the top, as an import
                // reads it back.
                let all = products::categories(&mut tx).await?;
                let categories: HashMap<i64, String> = all
                    .iter()
                    .filter_map(|c| Some((c.id, crate::category_paths::path_of(&all, c.id)?)))
                    .collect();
                let query = ProductQuery {
                    ids: export.ids.clone(),
                    ..ProductQuery::default()
                };
                let mut after = None;
                loop {
                    let page = products::list(&mut tx, &query, after, BATCH).await?;
                    let Some(last) = page.last() else { break };
                    after = Some(last.id);
                    for p in &page {
                        let cell = |column: &str| -> Cell {
                            if let Some(cell) = custom_cell(&defs, (&p.custom, &p.currency), column)
                            {
                                return cell;
                            }
                            match column {
                                "description" => note(&p.description),
                                "code" => Cell::Text(p.code.clone().unwrap_or_default()),
                                "name" => Cell::Text(p.name.clone()),
                                "category_id" => Cell::Text(
                                    p.category_id
                                        .and_then(|c| categories.get(&c).cloned())
                                        .unwrap_or_default(),
                                ),
                                "unit" => Cell::Text(p.unit.clone().unwrap_or_default()),
                                "price" => Cell::money(p.price, &p.currency),
                                "currency" => Cell::Text(p.currency.clone()),
                                "on_sale" => Cell::Text(text(if p.on_sale {
                                    "customers.yes"
                                } else {
                                    "customers.no"
                                })),
                                _ => Cell::Empty,
                            }
                        };
                        let cells: Vec<Cell> = columns.iter().map(|c| cell(c)).collect();
                        writer.write_cells(&cells).map_err(io)?;
                        rows += 1;
                    }
                }
            }
        }
        tracing::info!(
            kind = kind.kind().as_str(),
            rows,
            actor.id = caller.user.id,
            "sales records exported"
        );
        writer.finish().map_err(io)
    }
}
