//! The demo company: the Maven Analytics sample CRM (a hardware seller's
//! teams, accounts, products and 8,800 pipeline rows) loaded into an empty
//! company, so a new installation has real figures to look at.
//!
//! The files are embedded in the binary; see `demo/maven-crm/SOURCE.md`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::pipeline::Outcome;
use kuijing_domain::{Kind, money};
use kuijing_store::leads::LeadFields;
use kuijing_store::line_items::LineItem;
use kuijing_store::opportunities::{OpportunityFields, Placement, StageMove};
use kuijing_store::pipelines::PipelineFields;
use kuijing_store::{customers, leads, line_items, opportunities, pipelines, products, teams};
use serde::{Deserialize, Serialize};

use crate::App;
use crate::error::{Result, ServiceError};

mod deals;
mod setup;

use setup::demo_products;

const TEAMS: &str = include_str!("../demo/maven-crm/sales_teams.csv");
const ACCOUNTS: &str = include_str!("../demo/maven-crm/accounts.csv");
const PRODUCTS: &str = include_str!("../demo/maven-crm/products.csv");
const PIPELINE: &str = include_str!("../demo/maven-crm/sales_pipeline.csv");

/// Every demo user signs in with this password.
pub const DEMO_PASSWORD: &str = "demo-2017";
/// The demo company's currency: the data is in US dollars.
pub const DEMO_CURRENCY: &str = "USD";

#[derive(Debug, Deserialize)]
struct TeamRow {
    sales_agent: String,
    manager: String,
    regional_office: String,
}

#[derive(Debug, Deserialize)]
struct AccountRow {
    account: String,
    sector: String,
    year_established: Option<i64>,
    revenue: Option<String>,
    employees: Option<i64>,
    office_location: Option<String>,
    subsidiary_of: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ProductRow {
    product: String,
    series: String,
    sales_price: String,
}

#[derive(Debug, Deserialize)]
pub struct PipelineRow {
    pub opportunity_id: String,
    pub sales_agent: String,
    pub product: String,
    pub account: Option<String>,
    pub deal_stage: String,
    pub engage_date: Option<NaiveDate>,
    pub close_date: Option<NaiveDate>,
    pub close_value: Option<String>,
}

/// A demo user and how to sign in as them.
#[derive(Debug, Clone, Serialize)]
pub struct DemoUser {
    pub name: String,
    pub phone: String,
    pub role: &'static str,
    pub department: String,
}

/// What the demo load wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DemoReport {
    pub departments: usize,
    pub users: Vec<DemoUser>,
    pub products: usize,
    pub customers: usize,
    pub opportunities: BTreeMap<String, usize>,
    pub leads: usize,
    pub contracts: usize,
    pub payments: usize,
    /// Product names in the pipeline that match no product, even after
    /// case and spaces are ignored; their rows are loaded without a line.
    pub unmatched_products: Vec<String>,
    pub password: &'static str,
}

fn read<T: for<'de> Deserialize<'de>>(text: &str, file: &str) -> Result<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<std::result::Result<Vec<T>, _>>()
        .map_err(|e| ServiceError::Internal(format!("demo file {file}: {e}")))
}

/// The pipeline rows, for tests that check figures against the files.
pub fn pipeline_rows() -> Result<Vec<PipelineRow>> {
    read(PIPELINE, "sales_pipeline.csv")
}

/// A demo phone for the n-th demo user: 139 0000 nnnn.
fn phone(index: usize) -> String {
    format!("1390000{index:04}")
}

fn blank(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

impl App {
    /// Loads the demo company into an empty one (no customers yet).
    pub async fn load_demo(&self) -> Result<DemoReport> {
        let teams: Vec<TeamRow> = read(TEAMS, "sales_teams.csv")?;
        let accounts: Vec<AccountRow> = read(ACCOUNTS, "accounts.csv")?;
        let product_rows: Vec<ProductRow> = read(PRODUCTS, "products.csv")?;
        let pipeline: Vec<PipelineRow> = pipeline_rows()?;
        let hash = crate::password::hash(&self.settings.password, DEMO_PASSWORD).await?;

        let mut tx = self.db.write().await?;
        if customers::count_all(&mut tx).await? > 0 {
            return Err(ServiceError::Refused {
                code: "demo_needs_empty",
            });
        }
        let now = self.now();
        let mut report = DemoReport {
            password: DEMO_PASSWORD,
            ..DemoReport::default()
        };
        let people = self
            .demo_people(&mut tx, &teams, &hash, now, &mut report)
            .await?;
        let admin = people.admin;
        let product_ids = demo_products(&mut tx, &product_rows, admin, now).await?;
        report.products = product_ids.len();

        // Owner of an account: the agent with most pipeline rows on it, ties
        // to the name first in alphabetical order.
        let mut rows_per: HashMap<&str, BTreeMap<&str, usize>> = HashMap::new();
        for row in &pipeline {
            if let Some(account) = blank(row.account.as_deref()) {
                *rows_per
                    .entry(account)
                    .or_default()
                    .entry(row.sales_agent.as_str())
                    .or_default() += 1;
            }
        }
        let owner_of = |account: &str| -> Option<i64> {
            let counts = rows_per.get(account)?;
            let best = counts.values().max()?;
            let name = counts.iter().find(|(_, n)| *n == best)?.0;
            people.ids.get(*name).copied()
        };
        let customer_ids = self
            .demo_customers(&mut tx, &accounts, &owner_of, admin, now)
            .await?;
        report.customers = customer_ids.len();
        // Agents with deals on an account they do not own are on its team,
        // reading and writing, so the customers of their deals open for them
        // and take their contracts.
        for (account, counts) in &rows_per {
            let Some(&(customer, _)) = customer_ids.get(*account) else {
                continue;
            };
            let owner = owner_of(account);
            for agent in counts.keys() {
                if let Some(&user) = people.ids.get(*agent)
                    && Some(user) != owner
                {
                    teams::put(&mut tx, Kind::Customer, customer, user, true, None).await?;
                }
            }
        }
        // A customer is as old as its first deal in the files (the day it
        // was engaged, else closed); one without deals is new today.
        let mut first_deal: HashMap<&str, NaiveDate> = HashMap::new();
        for row in &pipeline {
            if let (Some(account), Some(day)) = (
                blank(row.account.as_deref()),
                row.engage_date.or(row.close_date),
            ) {
                let first = first_deal.entry(account).or_insert(day);
                *first = (*first).min(day);
            }
        }
        // Rows still prospecting have no date at all (nobody engaged them
        // yet). Rather than the day of the load, which would pile them all
        // on one day of the trend and the brief, they take a day from the
        // files: an opportunity its account's first day (it is no older than
        // its customer), a lead its agent's first day in the files, else the
        // files' first day.
        let mut first_of_agent: HashMap<&str, NaiveDate> = HashMap::new();
        for row in &pipeline {
            if let Some(day) = row.engage_date.or(row.close_date) {
                let first = first_of_agent
                    .entry(row.sales_agent.as_str())
                    .or_insert(day);
                *first = (*first).min(day);
            }
        }
        let first_day = first_of_agent.values().min().copied();
        let undated_day = |row: &PipelineRow| -> Option<NaiveDate> {
            row.engage_date.or_else(|| {
                blank(row.account.as_deref())
                    .and_then(|account| first_deal.get(account).copied())
                    .or_else(|| first_of_agent.get(row.sales_agent.as_str()).copied())
                    .or(first_day)
            })
        };
        for (account, day) in &first_deal {
            if let (Some(&(customer, _)), Some(at)) =
                (customer_ids.get(*account), self.demo_instant(Some(*day)))
            {
                customers::set_history_start(&mut tx, customer, at).await?;
            }
        }

        let pipeline_id = pipelines::insert(
            &mut tx,
            &PipelineFields {
                name: "Maven CRM",
                active: true,
                departments: &[],
                sort_order: 1,
            },
            false,
            now,
        )
        .await?;
        // The demo's pipeline is the one its board and new opportunities use.
        pipelines::set_default(&mut tx, pipeline_id).await?;
        let prospecting =
            pipelines::insert_stage(&mut tx, pipeline_id, "Prospecting", 20, 0).await?;
        let engaging = pipelines::insert_stage(&mut tx, pipeline_id, "Engaging", 60, 1).await?;

        let mut unmatched = BTreeSet::new();
        let mut dealt = BTreeMap::new();
        for row in &pipeline {
            let Some(&agent) = people.ids.get(row.sales_agent.as_str()) else {
                return Err(ServiceError::Internal(format!(
                    "demo pipeline row {} names an unknown agent",
                    row.opportunity_id
                )));
            };
            let product = product_ids.get(&products::name_key(&row.product));
            if product.is_none() {
                unmatched.insert(row.product.clone());
            }
            let Some(account) = blank(row.account.as_deref()) else {
                let fields = LeadFields {
                    name: row.opportunity_id.clone(),
                    notes: Some(format!("Product: {}", row.product)),
                    ..LeadFields::default()
                };
                let created = self.demo_instant(undated_day(row)).unwrap_or(now);
                leads::insert(&mut tx, &fields, agent, agent, created).await?;
                report.leads += 1;
                continue;
            };
            let Some(&(customer, ref customer_name)) = customer_ids.get(account) else {
                return Err(ServiceError::Internal(format!(
                    "demo pipeline row {} names an unknown account",
                    row.opportunity_id
                )));
            };
            let (outcome, stage) = match row.deal_stage.as_str() {
                "Prospecting" => (Outcome::Open, prospecting),
                "Engaging" => (Outcome::Open, engaging),
                "Won" => (Outcome::Won, engaging),
                "Lost" => (Outcome::Lost, engaging),
                other => {
                    return Err(ServiceError::Internal(format!(
                        "demo pipeline row {} has the unknown stage {other}",
                        row.opportunity_id
                    )));
                }
            };
            let list_price = product.map_or(0, |(_, price)| *price);
            let close_value = match blank(row.close_value.as_deref()) {
                Some(value) => money::parse_amount(value).map_err(|code| {
                    ServiceError::Internal(format!(
                        "demo pipeline row {}: close_value {code}",
                        row.opportunity_id
                    ))
                })?,
                None => 0,
            };
            // A won deal is worth what it closed at; an open one, and a lost
            // one (the file closes those at 0), what was at stake: the
            // product's list price.
            let amount = match outcome {
                Outcome::Won => close_value,
                Outcome::Lost if close_value > 0 => close_value,
                _ => list_price,
            };
            let created = self.demo_instant(undated_day(row)).unwrap_or(now);
            let closed = outcome
                .is_closed()
                .then(|| self.demo_instant(row.close_date))
                .flatten();
            let fields = OpportunityFields {
                name: row.opportunity_id.clone(),
                customer_id: customer,
                amount,
                amount_by_hand: outcome.is_closed(),
                currency: DEMO_CURRENCY.into(),
                expected_close_on: row.close_date,
                ..OpportunityFields::default()
            };
            let placement = Placement {
                pipeline_id,
                stage_id: stage,
                outcome,
                outcome_reason: (outcome == Outcome::Lost).then(|| "Lost".to_string()),
                closed_at: closed,
            };
            let id = opportunities::insert(
                &mut tx,
                &fields,
                customer_name,
                &placement,
                agent,
                (agent, created),
            )
            .await?;
            let history = StageMove {
                id,
                from_stage: stage,
                from_outcome: Outcome::Open,
                to_stage: stage,
                to_outcome: outcome,
                reason: placement.outcome_reason.as_deref(),
                via: "import",
                by: agent,
                at: closed.unwrap_or(created),
            };
            opportunities::record_stage_change(&mut tx, &history, None).await?;
            if let Some((product, price)) = product {
                let line = LineItem {
                    product_id: *product,
                    product_name: row.product.clone(),
                    unit: None,
                    list_price: *price,
                    price: *price,
                    quantity: money::QUANTITY_SCALE,
                    discount: 0,
                    subtotal: *price,
                };
                line_items::replace(&mut tx, Kind::Opportunity.as_str(), id, &[line]).await?;
            }
            *report
                .opportunities
                .entry(row.deal_stage.clone())
                .or_default() += 1;
            if outcome == Outcome::Won {
                let at = closed.unwrap_or(created);
                let deal = deals::WonDeal {
                    customer: (customer, customer_name),
                    opportunity: id,
                    agent,
                    amount,
                    at,
                    product,
                };
                deals::won_deal(&mut tx, row, deal).await?;
                let first = dealt.entry(customer).or_insert(at);
                if at < *first {
                    *first = at;
                }
                report.contracts += 1;
                report.payments += 1;
            }
        }
        for (customer, at) in dealt {
            customers::mark_dealt(&mut tx, customer, at).await?;
        }
        report.unmatched_products = unmatched.into_iter().collect();
        // The company's money is the data's: new records, targets and the
        // figures they are measured against all meet in US dollars.
        kuijing_store::company_settings::set(
            &mut tx,
            kuijing_store::company_settings::CURRENCY,
            DEMO_CURRENCY,
        )
        .await?;
        tx.commit().await?;
        self.set_currency(DEMO_CURRENCY);
        tracing::info!(
            customers = report.customers,
            opportunities = report.opportunities.values().sum::<usize>(),
            leads = report.leads,
            contracts = report.contracts,
            "demo company loaded"
        );
        Ok(report)
    }

    /// A calendar date of the data as the start of that day in the
    /// company's time zone.
    fn demo_instant(&self, date: Option<NaiveDate>) -> Option<DateTime<Utc>> {
        date.map(|day| self.start_of(day))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_files_read_as_they_are() {
        let teams: Vec<TeamRow> = read(TEAMS, "teams").expect("teams");
        assert_eq!(teams.len(), 35);
        let accounts: Vec<AccountRow> = read(ACCOUNTS, "accounts").expect("accounts");
        assert_eq!(accounts.len(), 85);
        let products: Vec<ProductRow> = read(PRODUCTS, "products").expect("products");
        assert_eq!(products.len(), 7);
        let pipeline = pipeline_rows().expect("pipeline");
        assert_eq!(pipeline.len(), 8800);
        // `GTXPro` in the pipeline is the product `GTX Pro`.
        let keys: BTreeSet<String> = products
            .iter()
            .map(|p| products::name_key(&p.product))
            .collect();
        assert!(
            pipeline
                .iter()
                .all(|r| keys.contains(&products::name_key(&r.product)))
        );
        assert_eq!(phone(7), "13900000007");
    }
}
