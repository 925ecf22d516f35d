//! The dashboard (儀表盤): the sales brief against the period before, targets
//! against what was achieved, a funnel per pipeline with its forecast, the
//! trend of contract and payment amounts beside the year before, forgotten
//! customers and rankings. Every figure is computed in the database, in the
//! viewer's scope, with days in the company's time zone.

mod brief;
mod drill;
mod funnels;
mod left_out;
mod measure;
mod period;
mod target_set;
mod targets;
mod trend;
mod whose;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use kuijing_domain::dates::{Period, change_tenths, months_back, previous_range, previous_so_far};
use kuijing_domain::{
    Action, FieldError, FieldErrors, Kind, OrgChart, Permission, Visibility, money,
};
use kuijing_store::customer_days::{self, Counted};
use kuijing_store::insight::{self, MonthSum, Owners};
pub use kuijing_store::insight::{Sum, Target};
use kuijing_store::{Tx, departments};
pub use left_out::LeftOutMoney;
use left_out::{left_out_of_figures, left_out_of_funnel, left_out_of_months};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Result, ServiceError};
use crate::{App, Caller};

use brief::brief_items;
pub use drill::{Drill, DrillOwners};
pub(crate) use measure::{
    HolderKey, adds_departments, company_holding, department_holding, people_holding, targets_held,
};
pub(crate) use period::period_checked;
pub use period::{MAX_PERIOD_MONTHS, period_of};
pub use target_set::{TargetAmount, TargetInput, TargetsInput};
pub use targets::{
    LeftOutTargets, MEASURES, TargetHolder, TargetMonth, TargetView, group_target_text,
    left_out_targets, other_currencies, rate_of, target_currency, year_target,
};
pub(crate) use whose::Whose;

/// Whose data and which days a dashboard shows.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct DashboardQuery {
    /// `today`, `yesterday`, `this_week`, `last_week`, `this_month` (the
    /// default), `last_month`, `this_quarter`, `last_quarter`, `this_year`,
    /// `last_year`, or `custom` with `from` and `to` (both days included).
    pub period: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// `company` (the default), `department`, `user` or `users`.
    pub scope: Option<String>,
    pub department_id: Option<i64>,
    /// With the sub-departments of `department_id` (the default) or not.
    pub with_children: Option<bool>,
    #[serde(default)]
    pub user_ids: Vec<i64>,
    /// Fields the caller could not read (a day that is not a date), each
    /// with its refusal, reported with every other refusal of the query.
    #[serde(skip)]
    #[schema(ignore)]
    pub unread: Vec<FieldError>,
}

/// A figure: a count and amounts per currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Figure {
    /// Every record, whatever its currency; each amount carries the count
    /// of its own currency's records (the count shown beside that money).
    pub count: i64,
    pub amounts: Vec<Sum>,
}

impl Figure {
    fn of(sums: Vec<Sum>) -> Self {
        Self {
            count: sums.iter().map(|s| s.count).sum(),
            amounts: sums,
        }
    }

    fn counted(count: i64) -> Self {
        Self {
            count,
            amounts: Vec::new(),
        }
    }

    /// How many records the amount in one currency counts.
    pub fn count_in(&self, currency: &str) -> i64 {
        self.amounts
            .iter()
            .filter(|s| s.currency == currency)
            .map(|s| s.count)
            .sum()
    }

    /// The amount in one currency.
    pub fn amount_in(&self, currency: &str) -> i64 {
        self.amounts
            .iter()
            .filter(|s| s.currency == currency)
            .map(|s| s.amount)
            .sum()
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BriefItem {
    /// `new_customers`, `new_contacts`, `new_opportunities`,
    /// `contracts_approved` (approved contracts signed in the period),
    /// `payments_received`, `follow_ups`.
    pub key: &'static str,
    pub current: Figure,
    pub previous: Figure,
    /// The change of the count (or, for money, of the amount in the
    /// dashboard's currency) in tenths of a percent (125 is 12.5%), as the reports'
    /// rates; none when the period before had nothing.
    pub change: Option<i64>,
    /// Whether the figure is money (shown as amounts) or a count.
    pub money: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FunnelStage {
    pub stage_id: i64,
    pub name: String,
    /// The stage's win rate in tenths of a percent (600 is 60.0%), as the
    /// reports' rates.
    pub win_rate: i64,
    /// Open opportunities at the stage (won and lost ones never count) in
    /// the dashboard's currency: those its amount counts (the funnel's
    /// `left_out` names and counts those in others).
    pub count: i64,
    /// Their amount in the dashboard's currency (the funnel's `left_out`
    /// names those in others).
    pub amount: i64,
    /// That amount weighted by the stage's win rate.
    pub forecast: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Funnel {
    pub pipeline_id: i64,
    pub name: String,
    /// The stages with the open opportunities at each.
    pub stages: Vec<FunnelStage>,
    /// Won and lost in the period, beside the stages.
    pub won: Figure,
    pub lost: Figure,
    /// Open amounts weighted by their stages' win rates: the sum of the
    /// stages' forecasts.
    pub forecast: i64,
    /// Open, won and lost opportunities in other currencies than the
    /// dashboard's, which its amounts and forecast leave out.
    pub left_out: Vec<LeftOutMoney>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrendMonth {
    /// `YYYY-MM`.
    pub month: String,
    pub contracts: i64,
    pub payments: i64,
    pub contracts_year_before: i64,
    pub payments_year_before: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ranking {
    /// `contract_amount`, `payment_amount`, `new_customers`, `follow_ups`.
    pub measure: &'static str,
    pub money: bool,
    pub rows: Vec<(String, i64)>,
    /// The user of each row, in the same order.
    pub user_ids: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    pub from: NaiveDate,
    /// The last day shown (included).
    pub to: NaiveDate,
    /// The days the brief's changes compare with (both included).
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    /// Whether those are only the days so far of the period before: a
    /// period still running (this week, month, quarter, year) up to today
    /// against the same span before it.
    pub compared_so_far: bool,
    /// The currency every amount is drawn, compared and ranked in: the
    /// company's, whatever currency most of the period's money is in.
    /// Money in others is named as left out beside each figure.
    pub currency: String,
    pub brief: Vec<BriefItem>,
    /// What the brief's amounts and changes leave out: the period's new
    /// opportunities, approved contracts and payments in other currencies.
    pub brief_left_out: Vec<LeftOutMoney>,
    pub targets: Vec<TargetView>,
    pub funnels: Vec<Funnel>,
    pub trend: Vec<TrendMonth>,
    /// What the trend leaves out, its months and the year before together:
    /// approved contracts and payments in other currencies.
    pub trend_left_out: Vec<LeftOutMoney>,
    pub rankings: Vec<Ranking>,
    /// What the contract and payment rankings leave out: the period's
    /// approved contracts and payments in other currencies.
    pub rankings_left_out: Vec<LeftOutMoney>,
    /// Customers without a follow-up for 7, 15, 30, 90 and 180 days.
    pub forgotten: Vec<(i64, i64)>,
    /// Customers whose next contact time has passed.
    pub contact_overdue: i64,
    /// Whose records each figure counts.
    pub owners: DrillOwners,
    /// When the brief holds nothing at all: the latest day a contract in
    /// the same scope was signed, so the viewer can look there.
    pub latest_signed: Option<NaiveDate>,
}

impl App {
    /// Anyone signed in has a dashboard; what it counts is their scope.
    pub async fn dashboard(&self, caller: &Caller, query: &DashboardQuery) -> Result<Dashboard> {
        let today = self.today();
        let mut errors = FieldErrors::new();
        let period = period_checked(query, today, &mut errors);
        let mut tx = self.db.read().await?;
        let whose = self
            .whose_checked(&mut tx, caller, query, &mut errors)
            .await?;
        errors.into_result()?;
        let (from, to) = period.ok_or_else(|| {
            ServiceError::Invalid(FieldError::new("period", "invalid_choice").into())
        })?;
        // A period still running compares its days so far with the same
        // days of the period before; others compare whole periods.
        let dated = query.from.is_some() || query.to.is_some();
        let named = query.period.as_deref().or((!dated).then_some("this_month"));
        let running = named
            .and_then(Period::parse)
            .is_some_and(Period::is_running);
        let (previous_from, previous_to) = if running {
            previous_so_far(from, to, today)
        } else {
            previous_range(from, to)
        };
        let compared_so_far = running && (previous_from, previous_to) != previous_range(from, to);
        let (org, people) = (&whose.org, &whose.people);
        let owners_of = |kind: Kind| whose.owners(caller, kind);
        let owners = DrillOwners {
            customers: owners_of(Kind::Customer),
            contacts: owners_of(Kind::Contact),
            opportunities: owners_of(Kind::Opportunity),
            contracts: owners_of(Kind::Contract),
            payments: owners_of(Kind::Payment),
            follow_ups: owners_of(Kind::FollowUp),
        };
        let now = (from, to);
        let before = (previous_from, previous_to);
        let figures = self.brief_figures(&mut tx, &owners, (now, before)).await?;
        // Always the company's currency: a dashboard that followed the
        // money would change currency with one large contract.
        let currency = self.currency();
        let last_day = to - chrono::Duration::days(1);
        let (trend, trend_left_out) = self.trend(&mut tx, &owners, now, &currency).await?;
        let rankings_left_out = left_out_of_figures(&figures, &currency, false);
        let brief_left_out = left_out_of_figures(&figures, &currency, true);
        let brief = brief_items(figures, &currency);
        let funnels = self
            .funnels(&mut tx, caller, &owners.opportunities, now, &currency)
            .await?;

        let contract_scope = caller.actor.visibility(Kind::Contract, org);
        let own_holder = if contract_scope.departments.is_empty() {
            (None, Some(caller.user.id))
        } else {
            (Some(caller.user.department_id), None)
        };
        let targets = self
            .target_views(
                &mut tx,
                query,
                &whose,
                (&owners.contracts, &owners.payments),
                (from, to),
                (contract_scope.all, own_holder),
            )
            .await?;

        let rankings = self
            .rankings(&mut tx, &owners, people, now, &currency)
            .await?;

        let current_time = self.now();
        let days = [7, 15, 30, 90, 180];
        let counts = insight::forgotten(
            &mut tx,
            owned_by(&owners.customers),
            days.map(|days| current_time - chrono::Duration::days(days)),
        )
        .await?;
        let forgotten: Vec<(i64, i64)> = days.into_iter().zip(counts).collect();
        let contact_overdue =
            insight::contact_overdue(&mut tx, owned_by(&owners.customers), current_time).await?;
        let latest_signed = if brief.iter().all(|item| item.current.count == 0) {
            insight::latest_signed(&mut tx, owned_by(&owners.contracts)).await?
        } else {
            None
        };

        Ok(Dashboard {
            from,
            to: last_day,
            previous_from,
            previous_to: previous_to - chrono::Duration::days(1),
            compared_so_far,
            currency,
            brief,
            brief_left_out,
            targets,
            funnels,
            trend,
            trend_left_out,
            rankings,
            rankings_left_out,
            forgotten,
            contact_overdue,
            owners,
            latest_signed,
        })
    }
}

/// The owners a query filters on, borrowed.
fn owned_by(owners: &Option<Vec<i64>>) -> Owners<'_> {
    owners.as_deref()
}
