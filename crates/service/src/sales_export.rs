//! Export of opportunities, contracts, payments and products to XLSX or CSV:
//! exactly the rows the caller may see, read a page at a time and written to
//! a file on disk, so a large export is never held in memory.

use std::collections::HashMap;

use kuijing_domain::{Action, Kind, Permission};
use kuijing_store::contracts::ContractQuery;
use kuijing_store::opportunities::{OpportunityQuery, SortColumn};
use kuijing_store::payments::PaymentQuery;
use kuijing_store::products::ProductQuery;
use kuijing_store::{contracts, opportunities, payments, pipelines, products, users};

use crate::error::{Result, ServiceError};
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
                "amount",
                "currency",
                "expected_close_on",
                "owner_id",
                "created_at",
            ],
            Self::Contract => &[
                "number",
                "name",
                "customer_id",
                "signed_on",
                "starts_on",
                "ends_on",
                "amount",
                "received",
                "currency",
                "status",
                "owner_id",
            ],
            Self::Payment => &[
                "number",
                "contract_id",
                "customer_id",
                "received_on",
                "amount",
                "currency",
                "status",
                "owner_id",
            ],
            Self::Product => &[
                "code",
                "name",
                "category_id",
                "unit",
                "price",
                "currency",
                "on_sale",
            ],
        }
    }
}

/// Rows per read.
const BATCH: u64 = 500;

impl App {
    /// Writes every visible record of a kind to a file; `text` turns a
    /// message key (`fields.amount`, `outcome.won`, `doc_status.approved`)
    /// into the caller's language.
    pub async fn export_sales(
        &self,
        caller: &Caller,
        kind: SalesKind,
        format: Format,
        text: &(dyn Fn(&str) -> String + Sync),
    ) -> Result<tempfile::TempPath> {
        caller.require(Permission::new(kind.kind(), Action::Export))?;
        let mut tx = self.db.read().await?;
        let visibility = self.visibility_of(&mut tx, caller, kind.kind()).await?;
        let today = self.today();
        let names: HashMap<i64, String> = users::all_names(&mut tx).await?.into_iter().collect();
        let person = |id: Option<i64>| {
            id.and_then(|id| names.get(&id).cloned())
                .unwrap_or_default()
        };
        let dir = self.settings.data_dir.join("tmp");
        let io = |e: std::io::Error| ServiceError::Internal(format!("export file: {e}"));
        let mut writer = TableWriter::new(format, &dir).map_err(io)?;
        let header: Vec<String> = kind
            .columns()
            .iter()
            .map(|c| text(&format!("fields.{c}")))
            .collect();
        writer.write_row(&header).map_err(io)?;
        let mut rows = 0u64;
        match kind {
            SalesKind::Opportunity => {
                let all = pipelines::list(&mut tx).await?;
                let query = OpportunityQuery::default();
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
                        let pipeline = all.iter().find(|p| p.id == o.pipeline_id);
                        let stage = pipeline.and_then(|p| p.stage(o.stage_id));
                        writer
                            .write_cells(&[
                                Cell::Text(o.name.clone()),
                                Cell::Text(o.customer_name.clone()),
                                Cell::Text(pipeline.map(|p| p.name.clone()).unwrap_or_default()),
                                Cell::Text(stage.map(|s| s.name.clone()).unwrap_or_default()),
                                Cell::Text(text(&format!("outcome.{}", o.outcome.as_str()))),
                                Cell::Money(o.amount),
                                Cell::Text(o.currency.clone()),
                                Cell::date(o.expected_close_on),
                                Cell::Text(person(o.owner_id)),
                                Cell::Text(
                                    o.created_at
                                        .with_timezone(&self.time_zone())
                                        .format("%Y-%m-%d %H:%M")
                                        .to_string(),
                                ),
                            ])
                            .map_err(io)?;
                        rows += 1;
                    }
                }
            }
            SalesKind::Contract => {
                let query = ContractQuery::default();
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
                        writer
                            .write_cells(&[
                                Cell::Text(c.number.clone()),
                                Cell::Text(c.name.clone()),
                                Cell::Text(c.customer_name.clone()),
                                Cell::date(c.signed_on),
                                Cell::date(c.starts_on),
                                Cell::date(c.ends_on),
                                Cell::Money(c.amount),
                                Cell::Money(c.received),
                                Cell::Text(c.currency.clone()),
                                Cell::Text(text(&format!("doc_status.{}", c.status.as_str()))),
                                Cell::Text(person(c.owner_id)),
                            ])
                            .map_err(io)?;
                        rows += 1;
                    }
                }
            }
            SalesKind::Payment => {
                let query = PaymentQuery::default();
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
                        writer
                            .write_cells(&[
                                Cell::Text(p.number.clone()),
                                Cell::Text(p.contract_number.clone()),
                                Cell::Text(p.customer_name.clone()),
                                Cell::Date(p.received_on),
                                Cell::Money(p.amount),
                                Cell::Text(p.currency.clone()),
                                Cell::Text(text(&format!("doc_status.{}", p.status.as_str()))),
                                Cell::Text(person(p.owner_id)),
                            ])
                            .map_err(io)?;
                        rows += 1;
                    }
                }
            }
            SalesKind::Product => {
                let categories: HashMap<i64, String> = products::categories(&mut tx)
                    .await?
                    .into_iter()
                    .map(|c| (c.id, c.name))
                    .collect();
                let query = ProductQuery::default();
                let mut after = None;
                loop {
                    let page = products::list(&mut tx, &query, after, BATCH).await?;
                    let Some(last) = page.last() else { break };
                    after = Some(last.id);
                    for p in &page {
                        writer
                            .write_cells(&[
                                Cell::Text(p.code.clone().unwrap_or_default()),
                                Cell::Text(p.name.clone()),
                                Cell::Text(
                                    p.category_id
                                        .and_then(|c| categories.get(&c).cloned())
                                        .unwrap_or_default(),
                                ),
                                Cell::Text(p.unit.clone().unwrap_or_default()),
                                Cell::Money(p.price),
                                Cell::Text(p.currency.clone()),
                                Cell::Text(text(if p.on_sale {
                                    "customers.yes"
                                } else {
                                    "customers.no"
                                })),
                            ])
                            .map_err(io)?;
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
