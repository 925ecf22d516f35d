//! A customer's sales records for its detail page and the API: the
//! opportunities, contracts, instalments and payments the caller may see.

use kuijing_domain::{Action, Kind, Permission};
use kuijing_store::contracts::Plan;
use kuijing_store::payments::Payment;
use serde::Serialize;
use utoipa::ToSchema;

use crate::contracts::{ContractListQuery, ContractRow};
use crate::error::Result;
use crate::opportunities::{OpportunityListQuery, OpportunityRow};
use crate::payments::PaymentListQuery;
use crate::{App, Caller, ListPage, PageRequest};

/// How many rows of each kind a customer's page shows; the rest are a
/// click away, on the kind's list filtered to the customer.
pub const SHOWN: u64 = 20;

/// A customer's sales records the caller may see. A kind the caller may
/// not view at all is absent (`None`), not empty.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct CustomerSales {
    pub opportunities: Option<ListPage<OpportunityRow>>,
    pub contracts: Option<ListPage<ContractRow>>,
    /// The instalments of the contracts listed in `contracts`.
    pub plans: Option<Vec<PlanRow>>,
    pub payments: Option<ListPage<Payment>>,
}

/// An instalment with the contract it belongs to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanRow {
    #[serde(flatten)]
    pub plan: Plan,
    pub contract_number: String,
    pub currency: String,
}

impl App {
    /// The sales records of a customer the caller may see (404 when the
    /// customer itself is out of their scope).
    pub async fn customer_sales(&self, caller: &Caller, customer: i64) -> Result<CustomerSales> {
        {
            let mut tx = self.db.read().await?;
            self.visible_record(&mut tx, caller, Kind::Customer, customer)
                .await?;
        }
        let page = PageRequest {
            cursor: None,
            limit: Some(SHOWN),
            anchor: None,
        };
        let may = |kind| caller.can(Permission::new(kind, Action::View));

        let opportunities = if may(Kind::Opportunity) {
            let query = OpportunityListQuery {
                customer_id: Some(customer),
                sort: Some("-updated_at".into()),
                ..OpportunityListQuery::default()
            };
            Some(
                self.list_opportunities(caller, &query, page.clone())
                    .await?,
            )
        } else {
            None
        };

        let contracts = if may(Kind::Contract) {
            let query = ContractListQuery {
                customer_id: Some(customer),
                ..ContractListQuery::default()
            };
            Some(self.list_contracts(caller, &query, page.clone()).await?.0)
        } else {
            None
        };

        let plans = match &contracts {
            Some(found) => Some(self.plans_of(&found.items).await?),
            None => None,
        };

        let payments = if may(Kind::Payment) {
            let query = PaymentListQuery {
                customer_id: Some(customer),
                ..PaymentListQuery::default()
            };
            Some(self.list_payments(caller, &query, page).await?.0)
        } else {
            None
        };

        Ok(CustomerSales {
            opportunities,
            contracts,
            plans,
            payments,
        })
    }

    /// The instalments of contracts already read within the caller's scope,
    /// by planned date.
    async fn plans_of(&self, contracts: &[ContractRow]) -> Result<Vec<PlanRow>> {
        let mut tx = self.db.read().await?;
        let mut rows = Vec::new();
        for row in contracts {
            let contract = &row.contract;
            for plan in kuijing_store::contracts::plans(&mut tx, contract.id).await? {
                rows.push(PlanRow {
                    plan,
                    contract_number: contract.number.clone(),
                    currency: contract.currency.clone(),
                });
            }
        }
        rows.sort_by_key(|r| (r.plan.planned_on, r.plan.id));
        Ok(rows)
    }
}
