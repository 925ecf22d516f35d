//! The dashboard (儀表盤): the sales brief against the period before, targets
//! against what was achieved, a funnel per pipeline with its forecast, the
//! trend of contract and payment amounts beside the year before, forgotten
//! customers and rankings. Every figure is computed in the database, in the
//! viewer's scope, with days in the company's time zone.

mod left_out;
mod measure;
mod target_set;
mod targets;
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

pub(crate) use measure::{
    HolderKey, adds_departments, company_holding, department_holding, people_holding, targets_held,
};
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

/// The records behind a dashboard figure, as a list narrows to them: the
/// days of the period (both included, in the company's zone) and whose
/// records (authors for follow-ups). Empty narrows nothing. Contracts are
/// narrowed by the day they were signed on, the one day every figure counts
/// them on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct Drill {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    #[serde(default)]
    pub owner_ids: Vec<i64>,
    /// Opportunities only: the days are those they were won or lost on
    /// (the funnel's won and lost figures), not those they were created on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub closed: bool,
}

impl Drill {
    /// The owners to narrow to, within those a list already narrows to.
    pub(crate) fn owners(&self, already: Option<Vec<i64>>) -> Option<Vec<i64>> {
        match (already, self.owner_ids.is_empty()) {
            (already, true) => already,
            (None, false) => Some(self.owner_ids.clone()),
            (Some(mine), false) => Some(
                mine.into_iter()
                    .filter(|id| self.owner_ids.contains(id))
                    .collect(),
            ),
        }
    }

    /// The days `[from, to)`.
    pub(crate) fn days(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        (self.from, self.to.map(|d| d + chrono::Duration::days(1)))
    }

    /// The narrowing as a record list's conditions (customers, leads,
    /// contacts): created on these days, of these owners.
    pub fn filters(&self) -> Vec<crate::list_filters::FilterInput> {
        let mut filters = Vec::new();
        if self.from.is_some() || self.to.is_some() {
            let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            filters.push(crate::list_filters::FilterInput {
                field: "created_at".into(),
                op: "between".into(),
                value: Some(serde_json::json!({"from": day(self.from), "to": day(self.to)})),
            });
        }
        if !self.owner_ids.is_empty() {
            filters.push(crate::list_filters::FilterInput {
                field: "owner_id".into(),
                op: "one_of".into(),
                value: Some(serde_json::json!(self.owner_ids)),
            });
        }
        filters
    }
}

/// Whose records each figure of the dashboard counts (`None`: everyone's),
/// so a click lists exactly those.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct DrillOwners {
    pub customers: Option<Vec<i64>>,
    pub contacts: Option<Vec<i64>>,
    pub opportunities: Option<Vec<i64>>,
    pub contracts: Option<Vec<i64>>,
    pub payments: Option<Vec<i64>>,
    pub follow_ups: Option<Vec<i64>>,
}

/// A figure: a count and amounts per currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Figure {
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
    /// Open opportunities at the stage (won and lost ones never count).
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

/// The longest custom period, in months: ten years (from the first day to
/// the day before the same day ten years later, both included).
pub const MAX_PERIOD_MONTHS: u32 = 120;

/// The days `[from, to)` a query asks for; every refusal at once.
pub fn period_of(query: &DashboardQuery, today: NaiveDate) -> Result<(NaiveDate, NaiveDate)> {
    let mut errors = FieldErrors::new();
    let period = period_checked(query, today, &mut errors);
    errors.into_result()?;
    period.ok_or_else(|| ServiceError::Invalid(FieldError::new("period", "invalid_choice").into()))
}

/// The days `[from, to)` a query asks for, adding each refusal to `errors`
/// (a field the caller could not read, a missing or reversed end, a day
/// outside the years 1900–2999, a period over ten years).
pub(crate) fn period_checked(
    query: &DashboardQuery,
    today: NaiveDate,
    errors: &mut FieldErrors,
) -> Option<(NaiveDate, NaiveDate)> {
    let unread = |field: &str| query.unread.iter().any(|e| e.field == field);
    for error in &query.unread {
        errors.push(error.clone());
    }
    // Days given without a period name mean those days, not this month.
    let dated = query.from.is_some() || query.to.is_some() || unread("from") || unread("to");
    let default = if dated { "custom" } else { "this_month" };
    match query.period.as_deref().unwrap_or(default) {
        "custom" => {
            let mut day = |field: &str, value: Option<NaiveDate>| {
                if unread(field) {
                    return None;
                }
                let Some(day) = value else {
                    errors.add(field, "required");
                    return None;
                };
                if let Err(code) = kuijing_domain::dates::in_years(day) {
                    errors.add(field, code);
                    return None;
                }
                Some(day)
            };
            let from = day("from", query.from);
            let to = day("to", query.to);
            let (from, to) = (from?, to?);
            if to < from {
                errors.add("to", "ends_before_start");
                return None;
            }
            let end = from + chrono::Months::new(MAX_PERIOD_MONTHS);
            if to >= end {
                errors.push(
                    FieldError::new("to", "period_over_ten_years")
                        .with("last", (end - chrono::Duration::days(1)).to_string()),
                );
                return None;
            }
            Some((from, to + chrono::Duration::days(1)))
        }
        text => match Period::parse(text) {
            Some(p) => Some(p.range(today)),
            None => {
                errors.push(crate::error::not_one_of(
                    "period",
                    &kuijing_domain::dates::PERIOD_NAMES,
                ));
                None
            }
        },
    }
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
        let customers_owners = owners_of(Kind::Customer);
        let contacts_owners = owners_of(Kind::Contact);
        let opportunity_owners = owners_of(Kind::Opportunity);
        let contract_owners = owners_of(Kind::Contract);
        let payment_owners = owners_of(Kind::Payment);
        let follow_up_authors = owners_of(Kind::FollowUp);

        let instants = |(a, b): (NaiveDate, NaiveDate)| (self.start_of(a), self.start_of(b));
        let now = (from, to);
        let before = (previous_from, previous_to);
        let mut figures: Vec<(&'static str, bool, Figure, Figure)> = Vec::new();
        for (key, range) in [("current", now), ("previous", before)] {
            let at = instants(range);
            let items = [
                (
                    "new_customers",
                    false,
                    Figure::counted(
                        customer_days::count(
                            &mut tx,
                            Counted::Created,
                            owned_by(&customers_owners),
                            range,
                        )
                        .await?,
                    ),
                ),
                (
                    "new_contacts",
                    false,
                    Figure::counted(
                        insight::contacts_created(&mut tx, owned_by(&contacts_owners), at).await?,
                    ),
                ),
                (
                    "new_opportunities",
                    true,
                    Figure::of(
                        insight::new_opportunities(&mut tx, owned_by(&opportunity_owners), at)
                            .await?,
                    ),
                ),
                (
                    "contracts_approved",
                    true,
                    Figure::of(
                        insight::contracts_signed(&mut tx, owned_by(&contract_owners), range)
                            .await?,
                    ),
                ),
                (
                    "payments_received",
                    true,
                    Figure::of(
                        insight::payments_received(&mut tx, owned_by(&payment_owners), range)
                            .await?,
                    ),
                ),
                (
                    "follow_ups",
                    false,
                    Figure::counted(
                        insight::follow_ups(&mut tx, owned_by(&follow_up_authors), at).await?,
                    ),
                ),
            ];
            for (index, (name, is_money, figure)) in items.into_iter().enumerate() {
                if key == "current" {
                    figures.push((name, is_money, figure, Figure::default()));
                } else {
                    figures[index].3 = figure;
                }
            }
        }

        // The trend: twelve months ending with the period's last month.
        let last_day = to - chrono::Duration::days(1);
        let months = months_back(last_day, 12);
        let window = |shift: i32| -> (NaiveDate, NaiveDate) {
            let first = months.first().copied().unwrap_or(from);
            let after = months.last().map_or(to, |last| next_month(*last));
            (shifted(first, shift), shifted(after, shift))
        };
        let mut sums: Vec<(&'static str, i32, Vec<MonthSum>)> = Vec::new();
        for (measure, owners) in [
            ("contract_amount", &contract_owners),
            ("payment_amount", &payment_owners),
        ] {
            for shift in [0, -1] {
                let rows =
                    insight::by_month(&mut tx, owned_by(owners), measure, window(shift)).await?;
                sums.push((measure, shift, rows));
            }
        }
        // Always the company's currency: a dashboard that followed the
        // money would change currency with one large contract.
        let currency = self.currency();
        let in_month = |measure: &str, shift: i32, month: &str| -> i64 {
            sums.iter()
                .filter(|(m, s, _)| *m == measure && *s == shift)
                .flat_map(|(_, _, rows)| rows)
                .filter(|r| r.month == month && r.currency == currency)
                .map(|r| r.amount)
                .sum()
        };
        let trend = months
            .iter()
            .map(|first| {
                let month = first.format("%Y-%m").to_string();
                let year_before = shifted(*first, -1).format("%Y-%m").to_string();
                TrendMonth {
                    contracts: in_month("contract_amount", 0, &month),
                    payments: in_month("payment_amount", 0, &month),
                    contracts_year_before: in_month("contract_amount", -1, &year_before),
                    payments_year_before: in_month("payment_amount", -1, &year_before),
                    month,
                }
            })
            .collect();
        let trend_left_out = left_out_of_months(&sums, &currency);
        let rankings_left_out = left_out_of_figures(&figures, &currency, false);
        let brief_left_out = left_out_of_figures(&figures, &currency, true);

        let brief: Vec<BriefItem> = figures
            .into_iter()
            .map(|(key, is_money, current, previous)| BriefItem {
                change: if is_money {
                    change_tenths(current.amount_in(&currency), previous.amount_in(&currency))
                } else {
                    change_tenths(current.count, previous.count)
                },
                key,
                money: is_money,
                current,
                previous,
            })
            .collect();

        let mut funnels = Vec::new();
        let usable = self.pipelines_in(&mut tx, caller).await?;
        let at = instants(now);
        for pipeline in usable.into_iter().filter(|p| p.active) {
            // Only open opportunities stand at a stage; won and lost ones
            // are counted beside the stages, never in them.
            let open =
                insight::open_by_stage(&mut tx, owned_by(&opportunity_owners), pipeline.id).await?;
            let stages: Vec<FunnelStage> = pipeline
                .stages
                .iter()
                .map(|stage| {
                    let here = open.iter().filter(|s| s.stage_id == stage.id);
                    let in_currency = here.clone().filter(|s| s.currency == currency);
                    FunnelStage {
                        stage_id: stage.id,
                        name: stage.name.clone(),
                        win_rate: stage.win_rate * 10,
                        count: here.map(|s| s.count).sum(),
                        amount: in_currency.clone().map(|s| s.amount).sum(),
                        forecast: in_currency.map(|s| s.forecast()).sum(),
                    }
                })
                .collect();
            let opportunities = owned_by(&opportunity_owners);
            let won =
                Figure::of(insight::closed(&mut tx, opportunities, pipeline.id, "won", at).await?);
            let lost =
                Figure::of(insight::closed(&mut tx, opportunities, pipeline.id, "lost", at).await?);
            funnels.push(Funnel {
                pipeline_id: pipeline.id,
                name: pipeline.name.clone(),
                forecast: stages.iter().map(|s| s.forecast).sum(),
                left_out: left_out_of_funnel(&open, (&won, &lost), &currency),
                stages,
                won,
                lost,
            });
        }

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
                (&contract_owners, &payment_owners),
                (from, to),
                (contract_scope.all, own_holder),
            )
            .await?;

        let names: BTreeMap<i64, String> = people.iter().cloned().collect();
        let mut rankings = Vec::new();
        for (measure, is_money, owners) in [
            ("contract_amount", true, &contract_owners),
            ("payment_amount", true, &payment_owners),
            ("new_customers", false, &customers_owners),
            ("follow_ups", false, &follow_up_authors),
        ] {
            let ranked = insight::ranking(
                &mut tx,
                owned_by(owners),
                measure,
                &currency,
                (instants(now), now),
            )
            .await?;
            rankings.push(Ranking {
                measure,
                money: is_money,
                rows: ranked
                    .iter()
                    .map(|r| (names.get(&r.user_id).cloned().unwrap_or_default(), r.value))
                    .collect(),
                user_ids: ranked.iter().map(|r| r.user_id).collect(),
            });
        }

        let current_time = self.now();
        let days = [7, 15, 30, 90, 180];
        let counts = insight::forgotten(
            &mut tx,
            owned_by(&customers_owners),
            days.map(|days| current_time - chrono::Duration::days(days)),
        )
        .await?;
        let forgotten: Vec<(i64, i64)> = days.into_iter().zip(counts).collect();
        let contact_overdue =
            insight::contact_overdue(&mut tx, owned_by(&customers_owners), current_time).await?;
        let latest_signed = if brief.iter().all(|item| item.current.count == 0) {
            insight::latest_signed(&mut tx, owned_by(&contract_owners)).await?
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
            owners: DrillOwners {
                customers: customers_owners,
                contacts: contacts_owners,
                opportunities: opportunity_owners,
                contracts: contract_owners,
                payments: payment_owners,
                follow_ups: follow_up_authors,
            },
            latest_signed,
        })
    }
}

fn next_month(first: NaiveDate) -> NaiveDate {
    first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first)
}

fn shifted(day: NaiveDate, years: i32) -> NaiveDate {
    if years >= 0 {
        day.checked_add_months(chrono::Months::new(12 * years as u32))
    } else {
        day.checked_sub_months(chrono::Months::new(12 * years.unsigned_abs()))
    }
    .unwrap_or(day)
}

/// The owners a query filters on, borrowed.
fn owned_by(owners: &Option<Vec<i64>>) -> Owners<'_> {
    owners.as_deref()
}
