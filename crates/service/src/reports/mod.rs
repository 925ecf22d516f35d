//! The built-in reports (報表): customer analysis, lead conversion, the
//! pool, follow-ups, sales, product sales, the funnel, win rates, target
//! achievement and approvals. Each is a table of groups and figures that a
//! chart draws; every figure is computed in the database
//! (`store::figures`), with the dashboard's "whose data" and period, in the
//! viewer's scope and the company's time zone. Money is never added across
//! currencies: each currency has its own column.

mod approvals;
mod assembly;
mod buckets;
mod customers;
mod export;
mod pipeline;
mod sales;
mod targets;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use kuijing_domain::{Action, FieldError, FieldErrors, Kind, Permission};
use kuijing_store::figures::{
    self, Aggregate, Bucket, Filter, Grouped, Key, Measure, Source, Zone,
};
use kuijing_store::{Tx, departments, options, pipelines, products};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::dashboard::{DashboardQuery, Whose, period_checked};
use crate::error::{Result, ServiceError, not_one_of};
use crate::shown_names::options_in;
use crate::{App, Caller};

pub(crate) use assembly::{Assembly, EXPORT_GROUP_LIMIT, GROUP_LIMIT, zone_over, zone_starts};
use assembly::{months_between, year_earlier, year_later};
pub use buckets::{
    MOST_BARS, MOST_POINTS, bars_with_empty_buckets, period_buckets, with_empty_buckets,
};
pub(crate) use export::write_report;
pub use export::{
    coded_value, column_label, decimals, fixed_row_label, grouping_label, left_out_text,
    name_added_up, name_coded_rows, name_target_months, target_notes,
};
use pipeline::FUNNEL_OUTCOMES;

/// The built-in reports, with the groupings each offers (the first is the
/// default).
pub const BUILT_IN: &[(&str, &[&str])] = &[
    (
        "customers",
        &[
            "industry",
            "source",
            "level",
            "province",
            "city",
            "owner",
            "department",
            "month",
        ],
    ),
    ("lead_conversion", &["owner", "department", "month"]),
    ("pool", &["owner", "department", "month"]),
    ("follow_ups", &["owner", "department", "method", "month"]),
    ("sales", &["owner", "department", "month"]),
    ("products", &["product", "category"]),
    ("funnel", &["stage"]),
    ("win_rates", &["owner", "department", "month"]),
    ("targets", &["department", "owner"]),
    ("approvals", &["kind", "submitter"]),
];

/// The chart a report draws by default.
fn default_chart(name: &str, by: &str) -> &'static str {
    match (name, by) {
        ("funnel", _) => "funnel",
        (_, "month") => "line",
        ("customers", "industry" | "source" | "level" | "province" | "city") => "bar",
        ("approvals", "kind") => "pie",
        _ => "bar",
    }
}

/// Which report, grouped how, for whom and when.
#[derive(Debug, Clone, Default)]
pub struct ReportQuery {
    pub insight: DashboardQuery,
    /// One of the report's groupings; for customers also `custom:KEY` for
    /// a custom field (a region, for example).
    pub by: Option<String>,
    /// The funnel's pipeline (the default one when empty).
    pub pipeline_id: Option<i64>,
    /// The target report's measure: `contract_amount` (the default) or
    /// `payment_amount`.
    pub measure: Option<String>,
}

/// What a column's numbers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    /// Minor units of the column's currency.
    Money,
    /// Tenths of a percent.
    Percent,
    /// Thousandths (quantities, numbers of custom fields).
    Number,
    /// Tenths of an hour.
    Hours,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReportColumn {
    /// What the column measures, such as `contract_amount`.
    pub key: String,
    pub unit: Unit,
    /// The currency of a money column.
    pub currency: Option<String>,
    /// For the builder: the measured field's name, and the label of a
    /// custom one.
    pub field: Option<String>,
    pub field_label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReportRow {
    /// The group's key as the database has it (an id, a month, a value);
    /// none for records without one.
    pub key: Option<String>,
    /// The group as a person reads it (a name, a month); empty for none.
    pub label: String,
    /// The second grouping's key and label, when there is one.
    pub key2: Option<String>,
    pub label2: Option<String>,
    /// One value per column; none where it cannot be computed.
    pub values: Vec<Option<i64>>,
}

/// A report: its groups and figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Report {
    pub name: String,
    pub from: NaiveDate,
    /// The last day (included).
    pub to: NaiveDate,
    /// How rows are grouped (`owner`, `month`, ...).
    pub by: String,
    /// How a person knows `by` where it is a custom field: its label.
    pub by_label: Option<String>,
    pub by2: Option<String>,
    /// How a person knows `by2` where it is a custom field: its label.
    pub by2_label: Option<String>,
    /// `bar`, `line`, `pie`, `funnel` or `table`.
    pub chart: String,
    pub columns: Vec<ReportColumn>,
    pub rows: Vec<ReportRow>,
    /// The whole's figures (none where groups do not add up, as rates).
    pub totals: Vec<Option<i64>>,
    /// Whether there were more groups than shown.
    pub truncated: bool,
    /// Whether `totals` count every group, those left out included (a
    /// built report's always do; a built-in report's only when nothing is
    /// left out).
    pub totals_of_all: bool,
    /// The columns the chart draws, by position.
    pub series: Vec<usize>,
    /// Currencies of money the figures leave out: a target report counts
    /// only money in its targets' currency.
    pub other_currencies: Vec<String>,
    /// Targets the figures leave out because they are set in another
    /// currency than the report's (the target report only).
    pub targets_left_out: Vec<crate::dashboard::LeftOutTargets>,
    /// The target report's holders (departments without a target of their
    /// own) measured against their people's targets added up, as the
    /// dashboard measures a group.
    pub added_up: Vec<AddedUpTarget>,
    /// Whether the first and the second grouping are yes/no fields (keys
    /// `true` and `false`, named Yes and No in the reader's language).
    #[serde(skip)]
    #[schema(ignore)]
    pub yes_no: [bool; 2],
    /// The date bucket of the first and the second grouping (`day`,
    /// `week`, `month`, `quarter`, `year`), where it is one.
    #[serde(skip)]
    #[schema(ignore)]
    pub buckets: [Option<&'static str>; 2],
}

/// A holder of the target report whose target is its parts' targets added
/// up (a department's people and sub-departments, the people of the total
/// row): those with a target in the report's currency for the whole period;
/// the others are named in `without_target` and left out of the target and
/// the rate (what they achieved is in the column of what was achieved
/// without a target).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AddedUpTarget {
    /// The row key of the holder (a department's id).
    pub key: String,
    /// The holder's name, as its rows show it.
    pub name: String,
    /// Whether sub-departments' targets are added up beside people's.
    pub sub_departments: bool,
    pub without_target: Vec<crate::dashboard::TargetHolder>,
}

impl Report {
    /// Whether this is the built-in target report (a saved report may
    /// carry any name, but never its holders-by-month grouping).
    pub fn is_target_report(&self) -> bool {
        self.name == "targets"
            && self.by2.as_deref() == Some("month")
            && matches!(self.by.as_str(), "department" | "owner")
    }

    /// Whether this is the built-in funnel, whose rows after the stages are
    /// what was won and lost in the period.
    pub fn is_funnel_report(&self) -> bool {
        self.name == "funnel" && self.by == "stage" && self.by2.is_none()
    }

    /// Whether a row is one of the funnel's won and lost rows rather than a
    /// stage (the chart draws the stages only).
    pub fn is_outcome_row(&self, row: &ReportRow) -> bool {
        self.is_funnel_report()
            && row
                .key
                .as_deref()
                .is_some_and(|k| FUNNEL_OUTCOMES.contains(&k))
    }
}

/// The columns a chart draws: each wanted measure once, money in the
/// currency with the largest total.
pub(crate) fn pick_series(
    columns: &[ReportColumn],
    totals: &[Option<i64>],
    wanted: &[&str],
) -> Vec<usize> {
    let mut main: BTreeMap<&str, i64> = BTreeMap::new();
    for (column, total) in columns.iter().zip(totals) {
        if let (Unit::Money, Some(currency)) = (column.unit, column.currency.as_deref()) {
            *main.entry(currency).or_default() += total.unwrap_or(0);
        }
    }
    let currency = main.into_iter().max_by_key(|(_, t)| *t).map(|(c, _)| c);
    wanted
        .iter()
        .filter_map(|key| {
            columns.iter().position(|c| {
                c.key == *key && (c.unit != Unit::Money || c.currency.as_deref() == currency)
            })
        })
        .collect()
}

/// What each built-in report's chart draws.
fn chart_measures(name: &str, by: &str) -> &'static [&'static str] {
    match name {
        "customers" => &["new_customers", "dealt_customers"],
        "lead_conversion" => &["new_leads", "converted_leads"],
        "pool" => &["released", "claimed", "assigned"],
        "follow_ups" => &["follow_ups"],
        "sales" if by == "month" => &[
            "contract_amount",
            "contract_amount_year_before",
            "payment_amount",
        ],
        "sales" => &["contract_amount", "payment_amount"],
        "products" => &["sales_amount"],
        "funnel" => &["open", "open_amount"],
        "win_rates" => &["won", "lost"],
        "targets" => &[
            "contract_amount_target",
            "contract_amount_achieved",
            "payment_amount_target",
            "payment_amount_achieved",
        ],
        _ => &["submitted"],
    }
}

/// What the period and scope resolve to, for one report.
pub(crate) struct Frame {
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
    pub(crate) at: (DateTime<Utc>, DateTime<Utc>),
    pub(crate) zone: Zone,
    pub(crate) whose: Whose,
    pub(crate) currency: String,
    /// The caller's language, for the names of built-in options.
    pub(crate) language: String,
}

impl App {
    /// The period, zone and "whose data" of a report, adding each refusal
    /// of the period and of whose data to `errors`; none when the period
    /// cannot be read.
    pub(crate) async fn frame_checked(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        query: &DashboardQuery,
        errors: &mut FieldErrors,
    ) -> Result<Option<Frame>> {
        let period = period_checked(query, self.today(), errors);
        let whose = self.whose_checked(tx, caller, query, errors).await?;
        let Some((from, to)) = period else {
            return Ok(None);
        };
        let at = (self.start_of(from), self.start_of(to));
        // A year more before the period, for comparisons with the year before.
        let zone = zone_over(self.time_zone(), self.start_of(year_earlier(from)), at.1);
        Ok(Some(Frame {
            from,
            to,
            at,
            zone,
            whose,
            currency: self.currency(),
            language: caller.language.clone(),
        }))
    }

    /// A built-in report, in the caller's scope.
    pub async fn report(&self, caller: &Caller, name: &str, query: &ReportQuery) -> Result<Report> {
        caller.require(Permission::new(Kind::Report, Action::View))?;
        let Some((_, groupings)) = BUILT_IN.iter().find(|(n, _)| *n == name) else {
            return Err(ServiceError::NotFound);
        };
        let mut by = query
            .by
            .clone()
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| groupings[0].to_string());
        let custom_key = by.strip_prefix("custom:").map(str::to_string);
        let mut tx = self.db.read().await?;
        let mut by_label = None;
        // Every refusal at once: the grouping, the pipeline, the measure,
        // the period and whose data.
        let mut errors = FieldErrors::new();
        // The customers report also groups by a custom field (`custom:KEY`):
        // a refused grouping lists those among the choices.
        let defs = if name == "customers" {
            kuijing_store::field_defs::of_kind(&mut tx, Kind::Customer.as_str()).await?
        } else {
            Vec::new()
        };
        let choices = || {
            let custom: Vec<String> = defs.iter().map(|d| format!("custom:{}", d.key)).collect();
            let mut all: Vec<&str> = groupings.to_vec();
            all.extend(custom.iter().map(String::as_str));
            not_one_of("by", &all)
        };
        match &custom_key {
            Some(key) => match defs.iter().find(|d| &d.key == key) {
                Some(def) => by_label = Some(def.label.clone()),
                None => errors.push(choices()),
            },
            None if !groupings.contains(&by.as_str()) => errors.push(choices()),
            None => {}
        }
        if name == "funnel"
            && let Some(id) = query.pipeline_id
            && !self
                .pipelines_in(&mut tx, caller)
                .await?
                .iter()
                .any(|p| p.id == id)
        {
            errors.add("pipeline_id", "pipeline_not_visible");
        }
        if name == "targets"
            && let Some(measure) = query.measure.as_deref().filter(|m| !m.is_empty())
            && !crate::dashboard::MEASURES.contains(&measure)
        {
            errors.push(not_one_of("measure", &crate::dashboard::MEASURES));
        }
        let frame = self
            .frame_checked(&mut tx, caller, &query.insight, &mut errors)
            .await?;
        errors.into_result()?;
        let frame = frame.ok_or_else(|| invalid("period", "invalid_choice"))?;
        let mut table = Assembly::default();
        let mut by_value = !matches!(by.as_str(), "month" | "stage");
        if by == "month" {
            table.fixed_keys = months_between(frame.from, frame.to);
        }
        match name {
            "customers" => {
                self.customers_report(&mut tx, caller, &frame, &by, custom_key.clone(), &mut table)
                    .await?
            }
            "lead_conversion" => {
                self.leads_report(&mut tx, caller, &frame, &by, &mut table)
                    .await?
            }
            "pool" => {
                self.pool_report(&mut tx, caller, &frame, &by, &mut table)
                    .await?
            }
            "follow_ups" => {
                self.follow_ups_report(&mut tx, caller, &frame, &by, &mut table)
                    .await?
            }
            "sales" => {
                self.sales_report(&mut tx, caller, &frame, &by, &mut table)
                    .await?
            }
            "products" => {
                self.products_report(&mut tx, caller, &frame, &by, &mut table)
                    .await?
            }
            "funnel" => {
                by_value = false;
                self.funnel_report(&mut tx, caller, &frame, query.pipeline_id, &mut table)
                    .await?
            }
            "win_rates" => {
                self.win_rates_report(&mut tx, caller, &frame, &by, &mut table)
                    .await?
            }
            "targets" => {
                by_value = false;
                self.targets_report(&mut tx, caller, &frame, (&mut by, query), &mut table)
                    .await?
            }
            _ => {
                self.approvals_report(&mut tx, caller, &frame, &by, &mut table)
                    .await?
            }
        }
        let truncated = table.truncated;
        let other_currencies = std::mem::take(&mut table.other_currencies);
        let targets_left_out = std::mem::take(&mut table.targets_left_out);
        let mut added_up = std::mem::take(&mut table.added_up);
        let (columns, mut rows, totals) = table.finish(by_value);
        let grouping = if custom_key.is_some() {
            "custom"
        } else {
            by.as_str()
        };
        self.label_rows(&mut tx, &frame, grouping, &mut rows, name)
            .await?;
        if name == "targets" {
            targets::name_month_parts(&mut rows, (frame.from, frame.to));
            for holder in &mut added_up {
                if let Some(row) = rows.iter().find(|r| r.key.as_deref() == Some(&holder.key)) {
                    holder.name.clone_from(&row.label);
                }
            }
        }
        let series = pick_series(&columns, &totals, chart_measures(name, &by));
        if by_value && let Some(&drawn) = series.first() {
            // Largest first by what the chart draws (the contract amount,
            // not the count of contracts), ties by name.
            rows.sort_by(|a, b| {
                b.values[drawn]
                    .cmp(&a.values[drawn])
                    .then_with(|| a.label.cmp(&b.label))
            });
        }
        Ok(Report {
            name: name.to_string(),
            from: frame.from,
            to: frame.to - chrono::Duration::days(1),
            chart: default_chart(name, &by).to_string(),
            by2: (name == "targets").then(|| "month".to_string()),
            by,
            by_label,
            by2_label: None,
            series,
            columns,
            rows,
            totals,
            truncated,
            totals_of_all: !truncated,
            other_currencies: other_currencies.into_iter().collect(),
            targets_left_out,
            added_up,
            yes_no: [false, false],
            buckets: [None, None],
        })
    }

    /// Names for the keys of rows: people, departments, choices, products.
    pub(crate) async fn label_rows(
        &self,
        tx: &mut Tx,
        frame: &Frame,
        grouping: &str,
        rows: &mut [ReportRow],
        report: &str,
    ) -> Result<()> {
        let names = self.labels_for(tx, frame, grouping, report).await?;
        for row in rows.iter_mut() {
            if let Some(label) = row.key.as_ref().and_then(|k| names.get(k)) {
                row.label = label.clone();
            }
        }
        Ok(())
    }

    pub(crate) async fn labels_for(
        &self,
        tx: &mut Tx,
        frame: &Frame,
        grouping: &str,
        report: &str,
    ) -> Result<BTreeMap<String, String>> {
        if grouping == "kind" && report == "approvals" {
            // Request kinds by the names their administrators gave; the
            // pages name contracts and payments in the user's language.
            return Ok(kuijing_store::requests::kinds(tx)
                .await?
                .into_iter()
                .map(|k| (k.kind, k.name))
                .collect());
        }
        let pairs: Vec<(i64, String)> = match grouping {
            "owner" | "submitter" | "author" => frame.whose.people.clone(),
            "department" => {
                let ids: Vec<i64> = frame.whose.org.department_ids().collect();
                departments::names(tx, &ids).await?
            }
            "industry" | "source" | "level" => {
                // Leads pick from the customers' options, so a lead and the
                // customer it becomes share their level, industry and source.
                let found = options::of_field(tx, "customer", &format!("{grouping}_id")).await?;
                options_in(&frame.language, found)
                    .into_iter()
                    .map(|o| (o.id, o.label))
                    .collect()
            }
            "method" => options_in(
                &frame.language,
                options::of_field(tx, "follow_up", "method_id").await?,
            )
            .into_iter()
            .map(|o| (o.id, o.label))
            .collect(),
            "product" => products::names(tx).await?,
            "category" => products::categories(tx)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect(),
            "stage" => pipelines::list(tx)
                .await?
                .into_iter()
                .flat_map(|p| p.stages.into_iter().map(|s| (s.id, s.name)))
                .collect(),
            _ => Vec::new(),
        };
        Ok(pairs
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect())
    }
}

pub(crate) fn invalid(field: &str, code: &'static str) -> ServiceError {
    ServiceError::Invalid(FieldError::new(field, code).into())
}
