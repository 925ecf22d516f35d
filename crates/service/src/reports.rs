//! The built-in reports (報表): customer analysis, lead conversion, the
//! pool, follow-ups, sales, product sales, the funnel, win rates, target
//! achievement and approvals. Each is a table of groups and figures that a
//! chart draws; every figure is computed in the database
//! (`store::figures`), with the dashboard's "whose data" and period, in the
//! viewer's scope and the company's time zone. Money is never added across
//! currencies: each currency has its own column.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use kuijing_domain::{Action, FieldError, Kind, Permission};
use kuijing_store::figures::{
    self, Aggregate, Bucket, Filter, Grouped, Key, Measure, Source, Zone,
};
use kuijing_store::{Tx, departments, options, pipelines, products};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::dashboard::{DashboardQuery, Whose, period_of};
use crate::error::{Result, ServiceError};
use crate::{App, Caller};

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
    /// The columns the chart draws, by position.
    pub series: Vec<usize>,
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

/// How many groups a report shows at most.
pub(crate) const GROUP_LIMIT: u64 = 500;

/// A table being put together from grouped statements.
#[derive(Default)]
pub(crate) struct Assembly {
    pub(crate) columns: Vec<ReportColumn>,
    cells: BTreeMap<(Option<String>, Option<String>), BTreeMap<usize, i64>>,
    /// Rate columns: (column, numerator, denominator).
    rates: Vec<(usize, usize, usize)>,
    /// Change columns: (column, of, base), base in the same row.
    changes: Vec<(usize, usize, usize)>,
    /// Columns whose total is not the sum of the rows.
    not_additive: BTreeSet<usize>,
    /// Columns where a cell never put is unknown ("—"), not 0.
    sparse: BTreeSet<usize>,
    pub(crate) truncated: bool,
    /// Row keys every report shows, even empty (the months of the period).
    pub(crate) fixed_keys: Vec<String>,
}

impl Assembly {
    pub(crate) fn column(
        &mut self,
        key: &str,
        unit: Unit,
        currency: Option<&str>,
        label: Option<(&str, Option<&str>)>,
    ) -> usize {
        if let Some(index) = self.columns.iter().position(|c| {
            c.key == key
                && c.currency.as_deref() == currency
                && c.field.as_deref() == label.map(|l| l.0)
        }) {
            return index;
        }
        self.columns.push(ReportColumn {
            key: key.to_string(),
            unit,
            currency: currency.map(str::to_string),
            field: label.map(|l| l.0.to_string()),
            field_label: label.and_then(|l| l.1.map(str::to_string)),
        });
        self.columns.len() - 1
    }

    pub(crate) fn put(&mut self, row: (Option<String>, Option<String>), column: usize, value: i64) {
        *self
            .cells
            .entry(row)
            .or_default()
            .entry(column)
            .or_default() += value;
    }

    pub(crate) fn note(&mut self, rows: &[Grouped]) {
        if rows.len() as u64 >= GROUP_LIMIT {
            self.truncated = true;
        }
    }

    /// A count (or a number) per group, whatever the currency.
    pub(crate) fn counts(&mut self, key: &str, unit: Unit, rows: &[Grouped], measure: usize) {
        self.counts_shifted(key, unit, rows, measure, &|k| k.to_string());
    }

    fn counts_shifted(
        &mut self,
        key: &str,
        unit: Unit,
        rows: &[Grouped],
        measure: usize,
        shift: &dyn Fn(&str) -> String,
    ) {
        self.note(rows);
        let column = self.column(key, unit, None, None);
        for row in rows {
            let k1 = row.k1.as_deref().map(shift);
            self.put((k1, row.k2.clone()), column, row.measure(measure));
        }
    }

    /// An amount per group, one column per currency; the fallback currency
    /// has a column even when nothing was found.
    pub(crate) fn money(&mut self, key: &str, rows: &[Grouped], measure: usize, fallback: &str) {
        self.money_shifted(key, rows, measure, fallback, &|k| k.to_string());
    }

    fn money_shifted(
        &mut self,
        key: &str,
        rows: &[Grouped],
        measure: usize,
        fallback: &str,
        shift: &dyn Fn(&str) -> String,
    ) {
        self.note(rows);
        let mut currencies: BTreeSet<String> =
            rows.iter().filter_map(|r| r.currency.clone()).collect();
        if currencies.is_empty() {
            // The currencies already shown, so an empty comparison sits
            // beside the figures it compares with.
            currencies = self
                .columns
                .iter()
                .filter(|c| c.unit == Unit::Money)
                .filter_map(|c| c.currency.clone())
                .collect();
        }
        if currencies.is_empty() {
            currencies.insert(fallback.to_string());
        }
        for currency in &currencies {
            self.column(key, Unit::Money, Some(currency), None);
        }
        for row in rows {
            let currency = row.currency.clone().unwrap_or_else(|| fallback.to_string());
            let column = self.column(key, Unit::Money, Some(&currency), None);
            let k1 = row.k1.as_deref().map(shift);
            self.put((k1, row.k2.clone()), column, row.measure(measure));
        }
    }

    /// A rate column: numerator out of denominator, in tenths of a percent.
    fn rate(&mut self, key: &str, numerator: usize, denominator: usize) -> usize {
        let column = self.column(key, Unit::Percent, None, None);
        self.rates.push((column, numerator, denominator));
        column
    }

    /// The columns of `of` with the column of `base` in the same currency,
    /// and that currency.
    fn currency_pairs(&self, of: &str, base: &str) -> Vec<(usize, usize, String)> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.key == of)
            .filter_map(|(i, c)| {
                let currency = c.currency.clone()?;
                let b = self.columns.iter().position(|d| {
                    d.key == base && d.currency.as_deref() == Some(currency.as_str())
                })?;
                Some((i, b, currency))
            })
            .collect()
    }

    /// Per currency, a rate of one money column against another.
    fn money_rates(&mut self, key: &str, of: &str, base: &str) {
        let pairs = self.currency_pairs(of, base);
        for (numerator, denominator, currency) in pairs {
            let column = self.column(key, Unit::Percent, Some(&currency), None);
            self.rates.push((column, numerator, denominator));
        }
    }

    /// Per currency, the change of one money column against another.
    fn money_changes(&mut self, key: &str, of: &str, base: &str) {
        let pairs = self.currency_pairs(of, base);
        for (of, base, currency) in pairs {
            let column = self.column(key, Unit::Percent, Some(&currency), None);
            self.changes.push((column, of, base));
        }
    }

    pub(crate) fn not_additive(&mut self, column: usize) {
        self.not_additive.insert(column);
    }

    /// The rows and totals, rows in key order (or by the first figure,
    /// largest first, when `by_value`).
    pub(crate) fn finish(
        self,
        by_value: bool,
    ) -> (Vec<ReportColumn>, Vec<ReportRow>, Vec<Option<i64>>) {
        let width = self.columns.len();
        let mut cells = self.cells;
        for key in &self.fixed_keys {
            cells.entry((Some(key.clone()), None)).or_default();
        }
        let sparse = &self.sparse;
        let value_of = |values: &BTreeMap<usize, i64>, column: usize| -> Option<i64> {
            match values.get(&column) {
                Some(value) => Some(*value),
                None if sparse.contains(&column) => None,
                None => Some(0),
            }
        };
        let rate = |n: i64, d: i64| -> Option<i64> {
            (d != 0).then(|| ((i128::from(n) * 1000 + i128::from(d) / 2) / i128::from(d)) as i64)
        };
        let change = |n: i64, d: i64| -> Option<i64> {
            (d != 0).then(|| {
                let diff = i128::from(n) - i128::from(d);
                let d = i128::from(d).abs();
                ((diff * 1000 + diff.signum() * d / 2) / d) as i64
            })
        };
        let derived: BTreeSet<usize> = self
            .rates
            .iter()
            .map(|r| r.0)
            .chain(self.changes.iter().map(|c| c.0))
            .collect();
        let mut rows: Vec<ReportRow> = cells
            .into_iter()
            .map(|((key, key2), values)| {
                let mut out: Vec<Option<i64>> = (0..width).map(|c| value_of(&values, c)).collect();
                for (column, n, d) in &self.rates {
                    out[*column] = match (out[*n], out[*d]) {
                        (Some(n), Some(d)) => rate(n, d),
                        _ => None,
                    };
                }
                for (column, of, base) in &self.changes {
                    out[*column] = change(out[*of].unwrap_or(0), out[*base].unwrap_or(0));
                }
                ReportRow {
                    label: key.clone().unwrap_or_default(),
                    label2: key2.clone(),
                    key,
                    key2,
                    values: out,
                }
            })
            .collect();
        if by_value {
            rows.sort_by_key(|r| std::cmp::Reverse(r.values.first().copied().flatten()));
        } else if !self.fixed_keys.is_empty() {
            // The fixed keys in their order (stages, months), then the rest.
            let order = |key: &Option<String>| {
                key.as_ref()
                    .and_then(|k| self.fixed_keys.iter().position(|f| f == k))
                    .unwrap_or(usize::MAX)
            };
            rows.sort_by_key(|r| order(&r.key));
        }
        let mut totals: Vec<Option<i64>> = (0..width)
            .map(|c| {
                if derived.contains(&c) || self.not_additive.contains(&c) {
                    None
                } else {
                    Some(rows.iter().filter_map(|r| r.values[c]).sum())
                }
            })
            .collect();
        for (column, n, d) in &self.rates {
            totals[*column] = match (totals[*n], totals[*d]) {
                (Some(n), Some(d)) => rate(n, d),
                _ => None,
            };
        }
        for (column, of, base) in &self.changes {
            totals[*column] = change(totals[*of].unwrap_or(0), totals[*base].unwrap_or(0));
        }
        (self.columns, rows, totals)
    }
}

/// The offsets of a time zone in force over `[from, to)`, for SQLite.
pub(crate) fn zone_over(zone: chrono_tz::Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Zone {
    use chrono::Offset;
    let offset_at = |at: DateTime<Utc>| at.with_timezone(&zone).offset().fix().local_minus_utc();
    let mut offsets = Vec::new();
    let mut current = offset_at(from);
    let mut at = from;
    let step = chrono::Duration::hours(6);
    while at < to {
        let next = (at + step).min(to);
        if offset_at(next) != current {
            // Find the change to the second.
            let (mut low, mut high) = (at, next);
            while (high - low).num_seconds() > 1 {
                let middle = low + (high - low) / 2;
                if offset_at(middle) == current {
                    low = middle;
                } else {
                    high = middle;
                }
            }
            offsets.push((Some(high), current));
            current = offset_at(high);
        }
        at = next;
    }
    offsets.push((None, current));
    Zone {
        name: zone.name().to_string(),
        offsets,
    }
}

/// The first day of each month from `from` up to (not including) `to`.
fn months_between(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let mut month = from.with_day(1).unwrap_or(from);
    while month < to && out.len() < 240 {
        out.push(month.format("%Y-%m").to_string());
        month = month
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(to);
    }
    out
}

fn year_later(month: &str) -> String {
    match month.split_once('-') {
        Some((year, rest)) => match year.parse::<i32>() {
            Ok(y) => format!("{:04}-{rest}", y + 1),
            Err(_) => month.to_string(),
        },
        None => month.to_string(),
    }
}

fn year_earlier(day: NaiveDate) -> NaiveDate {
    day.checked_sub_months(chrono::Months::new(12))
        .unwrap_or(day)
}

/// What the period and scope resolve to, for one report.
pub(crate) struct Frame {
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
    pub(crate) at: (DateTime<Utc>, DateTime<Utc>),
    pub(crate) zone: Zone,
    pub(crate) whose: Whose,
    pub(crate) currency: String,
}

impl App {
    /// The period, zone and "whose data" of a report.
    pub(crate) async fn frame(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        query: &DashboardQuery,
    ) -> Result<Frame> {
        let (from, to) = period_of(query, self.today())?;
        let at = (self.start_of(from), self.start_of(to));
        // A year more before the period, for comparisons with the year before.
        let zone = zone_over(self.time_zone(), self.start_of(year_earlier(from)), at.1);
        let whose = self.whose(tx, caller, query).await?;
        Ok(Frame {
            from,
            to,
            at,
            zone,
            whose,
            currency: self.settings.currency.clone(),
        })
    }

    /// A built-in report, in the caller's scope.
    pub async fn report(&self, caller: &Caller, name: &str, query: &ReportQuery) -> Result<Report> {
        caller.require(Permission::new(Kind::Report, Action::View))?;
        let Some((_, groupings)) = BUILT_IN.iter().find(|(n, _)| *n == name) else {
            return Err(ServiceError::NotFound);
        };
        let by = query
            .by
            .clone()
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| groupings[0].to_string());
        let custom_key = by.strip_prefix("custom:").map(str::to_string);
        let mut tx = self.db.read().await?;
        let mut by_label = None;
        if let Some(key) = &custom_key {
            let defs = kuijing_store::field_defs::of_kind(&mut tx, Kind::Customer.as_str()).await?;
            let Some(def) = defs.into_iter().find(|d| &d.key == key) else {
                return Err(invalid("by", "invalid_choice"));
            };
            if name != "customers" {
                return Err(invalid("by", "invalid_choice"));
            }
            by_label = Some(def.label);
        } else if !groupings.contains(&by.as_str()) {
            return Err(invalid("by", "invalid_choice"));
        }
        let frame = self.frame(&mut tx, caller, &query.insight).await?;
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
                self.targets_report(&mut tx, caller, &frame, (&by, query), &mut table)
                    .await?
            }
            _ => {
                self.approvals_report(&mut tx, caller, &frame, &by, &mut table)
                    .await?
            }
        }
        let truncated = table.truncated;
        let (columns, mut rows, totals) = table.finish(by_value);
        let grouping = if custom_key.is_some() {
            "custom"
        } else {
            by.as_str()
        };
        self.label_rows(&mut tx, &frame, grouping, &mut rows, name)
            .await?;
        let series = pick_series(&columns, &totals, chart_measures(name, &by));
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
                let kind = if report == "lead_conversion" {
                    "lead"
                } else {
                    "customer"
                };
                options::of_field(tx, kind, &format!("{grouping}_id"))
                    .await?
                    .into_iter()
                    .map(|o| (o.id, o.label))
                    .collect()
            }
            "method" => options::of_field(tx, "follow_up", "method_id")
                .await?
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

    async fn customers_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        custom_key: Option<String>,
        table: &mut Assembly,
    ) -> Result<()> {
        let owners = frame.whose.owners(caller, Kind::Customer);
        let key = match (by, custom_key) {
            (_, Some(field)) => Key::Custom("customers", field),
            ("source", _) => Key::Column("customers.source_id"),
            ("level", _) => Key::Column("customers.level_id"),
            ("province", _) => Key::Column("customers.province"),
            ("city", _) => Key::Column("customers.city"),
            ("owner", _) => Key::Column("customers.owner_id"),
            ("department", _) => Key::DepartmentOf("customers.owner_id"),
            ("month", _) => Key::Instant("customers.created_at", Bucket::Month),
            _ => Key::Column("customers.industry_id"),
        };
        let base = |filters: Vec<Filter>, key: Key| Aggregate {
            source: Source::Customers,
            owner: "customers.owner_id",
            owners: owners.as_deref(),
            keys: vec![key],
            currency: None,
            measures: vec![Measure::Count],
            filters,
            limit: GROUP_LIMIT,
        };
        let (from, to) = frame.at;
        let created = figures::aggregate(
            tx,
            &base(
                vec![Filter::Between("customers.created_at", from, to)],
                key.clone(),
            ),
            &frame.zone,
        )
        .await?;
        table.counts("new_customers", Unit::Count, &created, 0);
        let dealt_key = match key {
            Key::Instant(_, bucket) => Key::Instant("customers.dealt_at", bucket),
            other => other,
        };
        let dealt = figures::aggregate(
            tx,
            &base(
                vec![Filter::Between("customers.dealt_at", from, to)],
                dealt_key.clone(),
            ),
            &frame.zone,
        )
        .await?;
        table.counts("dealt_customers", Unit::Count, &dealt, 0);
        if by != "month" {
            let all = figures::aggregate(tx, &base(Vec::new(), dealt_key), &frame.zone).await?;
            table.counts("all_customers", Unit::Count, &all, 0);
        }
        Ok(())
    }

    async fn leads_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        table: &mut Assembly,
    ) -> Result<()> {
        let owners = frame.whose.owners(caller, Kind::Lead);
        let key = |column: &'static str| match by {
            "department" => Key::DepartmentOf("leads.owner_id"),
            "month" => Key::Instant(column, Bucket::Month),
            _ => Key::Column("leads.owner_id"),
        };
        let (from, to) = frame.at;
        let run = |filters: Vec<Filter>, key: Key| Aggregate {
            source: Source::Leads,
            owner: "leads.owner_id",
            owners: owners.as_deref(),
            keys: vec![key],
            currency: None,
            measures: vec![Measure::Count],
            filters,
            limit: GROUP_LIMIT,
        };
        let created = figures::aggregate(
            tx,
            &run(
                vec![Filter::Between("leads.created_at", from, to)],
                key("leads.created_at"),
            ),
            &frame.zone,
        )
        .await?;
        table.counts("new_leads", Unit::Count, &created, 0);
        let converted = figures::aggregate(
            tx,
            &run(
                vec![
                    Filter::Eq("leads.converted", true.into()),
                    Filter::Between("leads.converted_at", from, to),
                ],
                key("leads.converted_at"),
            ),
            &frame.zone,
        )
        .await?;
        table.counts("converted_leads", Unit::Count, &converted, 0);
        table.rate("conversion_rate", 1, 0);
        Ok(())
    }

    async fn pool_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        table: &mut Assembly,
    ) -> Result<()> {
        let owners = frame.whose.owners(caller, Kind::Customer);
        let (from, to) = frame.at;
        let key = |user: &'static str, at: &'static str| match by {
            "department" => Key::DepartmentOf(user),
            "month" => Key::Instant(at, Bucket::Month),
            _ => Key::Column(user),
        };
        // Every release counts, with the owner who let the customer go.
        let moves = |kind: &'static str| Aggregate {
            source: Source::PoolMoves,
            owner: "pool_moves.user_id",
            owners: owners.as_deref(),
            keys: vec![key("pool_moves.user_id", "pool_moves.moved_at")],
            currency: None,
            measures: vec![Measure::Count],
            filters: vec![
                Filter::Eq("pool_moves.move", kind.into()),
                Filter::Between("pool_moves.moved_at", from, to),
            ],
            limit: GROUP_LIMIT,
        };
        let released = figures::aggregate(tx, &moves("release"), &frame.zone).await?;
        table.counts("released", Unit::Count, &released, 0);
        let claimed = figures::aggregate(
            tx,
            &Aggregate {
                source: Source::PoolClaims,
                owner: "pool_claims.user_id",
                owners: owners.as_deref(),
                keys: vec![key("pool_claims.user_id", "pool_claims.claimed_at")],
                currency: None,
                measures: vec![Measure::Count],
                filters: vec![Filter::Between("pool_claims.claimed_at", from, to)],
                limit: GROUP_LIMIT,
            },
            &frame.zone,
        )
        .await?;
        table.counts("claimed", Unit::Count, &claimed, 0);
        let assigned = figures::aggregate(tx, &moves("assign"), &frame.zone).await?;
        table.counts("assigned", Unit::Count, &assigned, 0);
        Ok(())
    }

    async fn follow_ups_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        table: &mut Assembly,
    ) -> Result<()> {
        let owners = frame.whose.owners(caller, Kind::FollowUp);
        let (from, to) = frame.at;
        let key = match by {
            "department" => Key::DepartmentOf("follow_ups.author_id"),
            "method" => Key::Column("follow_ups.method_id"),
            "month" => Key::Instant("follow_ups.happened_at", Bucket::Month),
            _ => Key::Column("follow_ups.author_id"),
        };
        let rows = figures::aggregate(
            tx,
            &Aggregate {
                source: Source::FollowUps,
                owner: "follow_ups.author_id",
                owners: owners.as_deref(),
                keys: vec![key],
                currency: None,
                measures: vec![
                    Measure::Count,
                    Measure::Distinct(
                        "(follow_ups.kind || '-' || cast(follow_ups.record_id as text))",
                    ),
                ],
                filters: vec![Filter::Between("follow_ups.happened_at", from, to)],
                limit: GROUP_LIMIT,
            },
            &frame.zone,
        )
        .await?;
        table.counts("follow_ups", Unit::Count, &rows, 0);
        table.counts("records_followed", Unit::Count, &rows, 1);
        let distinct = table.column("records_followed", Unit::Count, None, None);
        table.not_additive(distinct);
        Ok(())
    }

    async fn sales_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        table: &mut Assembly,
    ) -> Result<()> {
        let contract_owners = frame.whose.owners(caller, Kind::Contract);
        let payment_owners = frame.whose.owners(caller, Kind::Payment);
        let contracts = |from: NaiveDate, to: NaiveDate| Aggregate {
            source: Source::Contracts,
            owner: "contracts.owner_id",
            owners: contract_owners.as_deref(),
            keys: vec![match by {
                "department" => Key::DepartmentOf("contracts.owner_id"),
                "month" => Key::Date("contracts.signed_on", Bucket::Month),
                _ => Key::Column("contracts.owner_id"),
            }],
            currency: Some("contracts.currency"),
            measures: vec![Measure::Count, Measure::Sum("contracts.amount")],
            filters: vec![
                Filter::Eq("contracts.status", "approved".into()),
                Filter::Days("contracts.signed_on", from, to),
            ],
            limit: GROUP_LIMIT,
        };
        let payments = |from: NaiveDate, to: NaiveDate| Aggregate {
            source: Source::Payments,
            owner: "payments.owner_id",
            owners: payment_owners.as_deref(),
            keys: vec![match by {
                "department" => Key::DepartmentOf("payments.owner_id"),
                "month" => Key::Date("payments.received_on", Bucket::Month),
                _ => Key::Column("payments.owner_id"),
            }],
            currency: Some("payments.currency"),
            measures: vec![Measure::Count, Measure::Sum("payments.amount")],
            filters: vec![
                Filter::Eq("payments.status", "approved".into()),
                Filter::Days("payments.received_on", from, to),
            ],
            limit: GROUP_LIMIT,
        };
        let signed = figures::aggregate(tx, &contracts(frame.from, frame.to), &frame.zone).await?;
        table.counts("contracts", Unit::Count, &signed, 0);
        table.money("contract_amount", &signed, 1, &frame.currency);
        let received = figures::aggregate(tx, &payments(frame.from, frame.to), &frame.zone).await?;
        table.counts("payments", Unit::Count, &received, 0);
        table.money("payment_amount", &received, 1, &frame.currency);
        table.money_rates("received_rate", "payment_amount", "contract_amount");
        if by == "month" {
            // The same months a year before, beside them.
            let (before_from, before_to) = (year_earlier(frame.from), year_earlier(frame.to));
            let signed =
                figures::aggregate(tx, &contracts(before_from, before_to), &frame.zone).await?;
            table.money_shifted(
                "contract_amount_year_before",
                &signed,
                1,
                &frame.currency,
                &year_later,
            );
            let received =
                figures::aggregate(tx, &payments(before_from, before_to), &frame.zone).await?;
            table.money_shifted(
                "payment_amount_year_before",
                &received,
                1,
                &frame.currency,
                &year_later,
            );
            table.money_changes(
                "contract_year_on_year",
                "contract_amount",
                "contract_amount_year_before",
            );
            table.money_changes(
                "payment_year_on_year",
                "payment_amount",
                "payment_amount_year_before",
            );
            // Month on month: each month against the one before it.
            let before_first = frame
                .from
                .with_day(1)
                .and_then(|d| d.checked_sub_months(chrono::Months::new(1)))
                .unwrap_or(frame.from);
            let signed =
                figures::aggregate(tx, &contracts(before_first, frame.to), &frame.zone).await?;
            let next_month = |month: &str| -> String {
                NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
                    .map_or_else(|| month.to_string(), |d| d.format("%Y-%m").to_string())
            };
            let within: BTreeSet<String> = table.fixed_keys.iter().cloned().collect();
            let signed: Vec<Grouped> = signed
                .into_iter()
                .filter(|r| {
                    r.k1.as_deref()
                        .is_some_and(|k| within.contains(&next_month(k)))
                })
                .collect();
            table.money_shifted(
                "contract_amount_month_before",
                &signed,
                1,
                &frame.currency,
                &next_month,
            );
            table.money_changes(
                "contract_month_on_month",
                "contract_amount",
                "contract_amount_month_before",
            );
        } else {
            // Per person or department: the period before (a month against
            // the month before) and the same period a year before.
            let (before_from, before_to) =
                kuijing_domain::dates::previous_range(frame.from, frame.to);
            let (year_from, year_to) = (year_earlier(frame.from), year_earlier(frame.to));
            for (key, from, to) in [
                ("period_before", before_from, before_to),
                ("year_before", year_from, year_to),
            ] {
                let signed = figures::aggregate(tx, &contracts(from, to), &frame.zone).await?;
                table.money(
                    &format!("contract_amount_{key}"),
                    &signed,
                    1,
                    &frame.currency,
                );
                let received = figures::aggregate(tx, &payments(from, to), &frame.zone).await?;
                table.money(
                    &format!("payment_amount_{key}"),
                    &received,
                    1,
                    &frame.currency,
                );
            }
            for (change, key) in [
                ("period_on_period", "period_before"),
                ("year_on_year", "year_before"),
            ] {
                table.money_changes(
                    &format!("contract_{change}"),
                    "contract_amount",
                    &format!("contract_amount_{key}"),
                );
                table.money_changes(
                    &format!("payment_{change}"),
                    "payment_amount",
                    &format!("payment_amount_{key}"),
                );
            }
        }
        Ok(())
    }

    async fn products_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        table: &mut Assembly,
    ) -> Result<()> {
        let owners = frame.whose.owners(caller, Kind::Contract);
        let rows = figures::aggregate(
            tx,
            &Aggregate {
                source: Source::ContractLines,
                owner: "contracts.owner_id",
                owners: owners.as_deref(),
                keys: vec![if by == "category" {
                    Key::CategoryOf("line_items.product_id")
                } else {
                    Key::Column("line_items.product_id")
                }],
                currency: Some("contracts.currency"),
                measures: vec![
                    Measure::Distinct("contracts.id"),
                    Measure::Sum("line_items.quantity"),
                    Measure::Sum("line_items.subtotal"),
                ],
                filters: vec![
                    Filter::Eq("contracts.status", "approved".into()),
                    Filter::Days("contracts.signed_on", frame.from, frame.to),
                ],
                limit: GROUP_LIMIT,
            },
            &frame.zone,
        )
        .await?;
        table.money("sales_amount", &rows, 2, &frame.currency);
        table.counts("quantity", Unit::Number, &rows, 1);
        table.counts("contracts", Unit::Count, &rows, 0);
        let contracts = table.column("contracts", Unit::Count, None, None);
        table.not_additive(contracts);
        Ok(())
    }

    async fn funnel_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        pipeline: Option<i64>,
        table: &mut Assembly,
    ) -> Result<()> {
        let owners = frame.whose.owners(caller, Kind::Opportunity);
        let usable = self.pipelines_in(tx, caller).await?;
        let chosen = match pipeline {
            Some(id) => usable
                .iter()
                .find(|p| p.id == id)
                .ok_or_else(|| invalid("pipeline_id", "invalid_choice"))?,
            None => match usable
                .iter()
                .find(|p| p.is_default && p.active)
                .or(usable.first())
            {
                Some(p) => p,
                None => return Ok(()),
            },
        };
        table.fixed_keys = chosen.stages.iter().map(|s| s.id.to_string()).collect();
        // Only open opportunities stand at a stage. Each stage's amounts are
        // also weighted by its win rate in the database (amount × rate).
        let open = figures::aggregate(
            tx,
            &Aggregate {
                source: Source::OpportunitiesAtStages,
                owner: "opportunities.owner_id",
                owners: owners.as_deref(),
                keys: vec![Key::Column("opportunities.stage_id")],
                currency: Some("opportunities.currency"),
                measures: vec![
                    Measure::Count,
                    Measure::Sum("opportunities.amount"),
                    Measure::Sum("opportunities.amount * stages.win_rate"),
                ],
                filters: vec![
                    Filter::Eq("opportunities.pipeline_id", chosen.id.into()),
                    Filter::Eq("opportunities.outcome", "open".into()),
                ],
                limit: GROUP_LIMIT,
            },
            &frame.zone,
        )
        .await?;
        table.counts("open", Unit::Count, &open, 0);
        table.money("open_amount", &open, 1, &frame.currency);
        let rate = table.column("stage_win_rate", Unit::Percent, None, None);
        table.not_additive(rate);
        for stage in &chosen.stages {
            table.put(
                (Some(stage.id.to_string()), None),
                rate,
                stage.win_rate * 10,
            );
        }
        // The forecast: rates are percentages, divided once per stage after
        // summing, half up, as the dashboard does.
        let forecast: Vec<Grouped> = open
            .iter()
            .map(|row| Grouped {
                m1: (row.m3 + 50).div_euclid(100),
                ..row.clone()
            })
            .collect();
        table.money("forecast", &forecast, 0, &frame.currency);
        // Won and lost in the period, beside the stages: per stage they
        // were closed at, never added to the open figures.
        let (from, to) = frame.at;
        for outcome in ["won", "lost"] {
            let closed = figures::aggregate(
                tx,
                &Aggregate {
                    source: Source::Opportunities,
                    owner: "opportunities.owner_id",
                    owners: owners.as_deref(),
                    keys: vec![Key::Column("opportunities.stage_id")],
                    currency: Some("opportunities.currency"),
                    measures: vec![Measure::Count, Measure::Sum("opportunities.amount")],
                    filters: vec![
                        Filter::Eq("opportunities.pipeline_id", chosen.id.into()),
                        Filter::Eq("opportunities.outcome", outcome.into()),
                        Filter::Between("opportunities.closed_at", from, to),
                    ],
                    limit: GROUP_LIMIT,
                },
                &frame.zone,
            )
            .await?;
            table.counts(outcome, Unit::Count, &closed, 0);
            table.money(&format!("{outcome}_amount"), &closed, 1, &frame.currency);
        }
        Ok(())
    }

    async fn win_rates_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        table: &mut Assembly,
    ) -> Result<()> {
        let owners = frame.whose.owners(caller, Kind::Opportunity);
        let (from, to) = frame.at;
        let run = |outcome: &str| Aggregate {
            source: Source::Opportunities,
            owner: "opportunities.owner_id",
            owners: owners.as_deref(),
            keys: vec![match by {
                "department" => Key::DepartmentOf("opportunities.owner_id"),
                "month" => Key::Instant("opportunities.closed_at", Bucket::Month),
                _ => Key::Column("opportunities.owner_id"),
            }],
            currency: Some("opportunities.currency"),
            measures: vec![Measure::Count, Measure::Sum("opportunities.amount")],
            filters: vec![
                Filter::Eq("opportunities.outcome", outcome.to_string().into()),
                Filter::Between("opportunities.closed_at", from, to),
            ],
            limit: GROUP_LIMIT,
        };
        let won = figures::aggregate(tx, &run("won"), &frame.zone).await?;
        table.counts("won", Unit::Count, &won, 0);
        let lost = figures::aggregate(tx, &run("lost"), &frame.zone).await?;
        table.counts("lost", Unit::Count, &lost, 0);
        // Closed: won and lost together, the base of the rate.
        table.counts("closed", Unit::Count, &won, 0);
        table.counts("closed", Unit::Count, &lost, 0);
        table.rate("win_rate", 0, 2);
        table.money("won_amount", &won, 1, &frame.currency);
        Ok(())
    }

    /// Target achievement: per department (the company's target too, for
    /// a viewer who sees everyone) or per user holding a target for the
    /// year of the period, a row for the year and one per month, each with
    /// the target, what was achieved (approved contracts by signing day, or
    /// approved payments by the day received) and the rate. A month without
    /// a target of its own shows "—", never a share of the year's; a year
    /// without its own target shows the sum of the months' targets.
    async fn targets_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        (by, query): (&str, &ReportQuery),
        table: &mut Assembly,
    ) -> Result<()> {
        let measure = match query.measure.as_deref().filter(|m| !m.is_empty()) {
            None => "contract_amount",
            Some(m) if crate::dashboard::MEASURES.contains(&m) => m,
            Some(_) => return Err(invalid("measure", "invalid_choice")),
        };
        let year = (frame.to - chrono::Duration::days(1)).year();
        let kind = if measure == "payment_amount" {
            Kind::Payment
        } else {
            Kind::Contract
        };
        // Whose records count: the chosen people the viewer sees.
        let counted = frame.whose.owners(caller, kind);
        let org = &frame.whose.org;
        let people: Vec<i64> = frame.whose.people.iter().map(|(id, _)| *id).collect();
        let set = kuijing_store::insight::targets_of_year(tx, i64::from(year), measure).await?;
        // The holders shown, each with the owners its achievement counts.
        let mut holders: BTreeMap<String, Option<Vec<i64>>> = BTreeMap::new();
        for target in &set {
            let holder = match (by, target.department_id, target.user_id) {
                ("department", Some(department), None) => {
                    let below = org.department_and_below(department);
                    let members = people
                        .iter()
                        .copied()
                        .filter(|id| org.department_of(*id).is_some_and(|d| below.contains(&d)));
                    let owners: Vec<i64> = match &counted {
                        None => members.collect(),
                        Some(seen) => members.filter(|id| seen.contains(id)).collect(),
                    };
                    if counted.is_some() && owners.is_empty() {
                        continue;
                    }
                    (department.to_string(), Some(owners))
                }
                ("department", None, None) if counted.is_none() => ("company".to_string(), None),
                ("owner", None, Some(user)) => {
                    if counted.as_ref().is_some_and(|seen| !seen.contains(&user)) {
                        continue;
                    }
                    (user.to_string(), Some(vec![user]))
                }
                _ => continue,
            };
            holders.insert(holder.0, holder.1);
        }
        let currency = set
            .first()
            .map_or_else(|| frame.currency.clone(), |t| t.currency.clone());
        let target = table.column(
            &format!("{measure}_target"),
            Unit::Money,
            Some(&currency),
            None,
        );
        let achieved = table.column(
            &format!("{measure}_achieved"),
            Unit::Money,
            Some(&currency),
            None,
        );
        table.sparse.insert(target);
        table.rate(&format!("{measure}_rate"), achieved, target);
        // Rows of different holders and of the year beside its months do
        // not add up.
        table.not_additive(target);
        table.not_additive(achieved);
        let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(frame.from);
        let end = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or(frame.to);
        for (holder, owners) in &holders {
            let mine: Vec<&kuijing_store::insight::Target> = set
                .iter()
                .filter(|t| {
                    t.currency == currency
                        && match holder.as_str() {
                            "company" => t.department_id.is_none() && t.user_id.is_none(),
                            id if by == "owner" => {
                                t.user_id.map(|u| u.to_string()).as_deref() == Some(id)
                            }
                            id => {
                                t.user_id.is_none()
                                    && t.department_id.map(|d| d.to_string()).as_deref() == Some(id)
                            }
                        }
                })
                .collect();
            let sums =
                kuijing_store::insight::by_month(tx, owners.as_deref(), measure, (start, end))
                    .await?;
            let year_key = Some(format!("{year:04}"));
            let mut year_sum = 0;
            let mut monthly_targets = Vec::new();
            for month in 1..=12 {
                let key = format!("{year:04}-{month:02}");
                let row = (Some(holder.clone()), Some(key.clone()));
                let amount: i64 = sums
                    .iter()
                    .filter(|s| s.month == key && s.currency == currency)
                    .map(|s| s.amount)
                    .sum();
                year_sum += amount;
                table.put(row.clone(), achieved, amount);
                if let Some(t) = mine.iter().find(|t| t.month == i64::from(month)) {
                    table.put(row, target, t.amount);
                    monthly_targets.push(t.amount);
                }
            }
            let row = (Some(holder.clone()), year_key);
            table.put(row.clone(), achieved, year_sum);
            let year_target = mine
                .iter()
                .find(|t| t.month == 0)
                .map(|t| t.amount)
                .or_else(|| (!monthly_targets.is_empty()).then(|| monthly_targets.iter().sum()));
            if let Some(t) = year_target {
                table.put(row, target, t);
            }
        }
        Ok(())
    }

    async fn approvals_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        table: &mut Assembly,
    ) -> Result<()> {
        // Approvals count for the people whose contracts the viewer sees.
        let owners = frame.whose.owners(caller, Kind::Contract);
        let (from, to) = frame.at;
        let run = |extra: Vec<Filter>, measures: Vec<Measure>| {
            let mut filters = vec![Filter::Between("approvals.created_at", from, to)];
            filters.extend(extra);
            Aggregate {
                source: Source::Approvals,
                owner: "approvals.submitter_id",
                owners: owners.as_deref(),
                keys: vec![if by == "submitter" {
                    Key::Column("approvals.submitter_id")
                } else {
                    Key::Column("approvals.kind")
                }],
                currency: None,
                measures,
                filters,
                limit: GROUP_LIMIT,
            }
        };
        let all =
            figures::aggregate(tx, &run(Vec::new(), vec![Measure::Count]), &frame.zone).await?;
        table.counts("submitted", Unit::Count, &all, 0);
        for status in ["approved", "rejected", "in_progress", "withdrawn"] {
            let rows = figures::aggregate(
                tx,
                &run(
                    vec![Filter::Eq("approvals.status", status.into())],
                    vec![Measure::Count],
                ),
                &frame.zone,
            )
            .await?;
            table.counts(status, Unit::Count, &rows, 0);
        }
        table.rate("approval_rate", 1, 0);
        let finished = figures::aggregate(
            tx,
            &run(
                vec![Filter::NotNull("approvals.finished_at")],
                vec![
                    Measure::Count,
                    Measure::Seconds("approvals.created_at", "approvals.finished_at"),
                ],
            ),
            &frame.zone,
        )
        .await?;
        // The average time to a decision, in tenths of an hour.
        let column = table.column("hours_to_decide", Unit::Hours, None, None);
        table.not_additive(column);
        for row in &finished {
            if row.m1 > 0 {
                table.put(
                    (row.k1.clone(), None),
                    column,
                    (row.m2 * 10 + row.m1 * 1800) / (row.m1 * 3600),
                );
            }
        }
        Ok(())
    }
}

pub(crate) fn invalid(field: &str, code: &'static str) -> ServiceError {
    ServiceError::Invalid(FieldError::new(field, code).into())
}

/// A column's heading in a language: its measure, and its currency.
pub fn column_label(column: &ReportColumn, text: &(dyn Fn(&str) -> String + Sync)) -> String {
    // A report's own wording of a column comes first (the funnel's open
    // figures beside won and lost ones), then the general one.
    let own_key = format!("insight7.report_columns.{}", column.key);
    let own = text(&own_key);
    let mut name = if own == own_key {
        text(&format!("report_columns.{}", column.key))
    } else {
        own
    };
    if let Some(field) = &column.field {
        let label = column
            .field_label
            .clone()
            .unwrap_or_else(|| text(&format!("fields.{field}")));
        name = format!("{name} · {label}");
    }
    // A share (a rate against the period before) has no currency, though
    // it is worked out in one.
    match &column.currency {
        Some(currency) if column.unit != Unit::Percent => format!("{name} ({currency})"),
        _ => name,
    }
}

/// A grouping's name in a language: a report's own grouping, a field of
/// the builder, or a custom field's key.
pub fn grouping_label(by: &str, text: &(dyn Fn(&str) -> String + Sync)) -> String {
    if let Some(key) = by.strip_prefix("custom:").or(by.strip_prefix("custom.")) {
        return format!("{} · {key}", text("report_by.custom"));
    }
    let key = format!("report_by.{by}");
    let own = text(&key);
    if own != key {
        return own;
    }
    text(&format!("fields.{by}"))
}

/// How many decimals a unit's whole numbers carry.
pub fn decimals(unit: Unit) -> u8 {
    match unit {
        Unit::Count => 0,
        Unit::Money => 2,
        Unit::Percent | Unit::Hours => 1,
        Unit::Number => 3,
    }
}

/// A report's table written to a file: the groups, each column, a total.
pub(crate) fn write_report(
    dir: &std::path::Path,
    report: &Report,
    format: crate::spreadsheets::Format,
    text: &(dyn Fn(&str) -> String + Sync),
) -> Result<tempfile::TempPath> {
    use crate::spreadsheets::{Cell, TableWriter};
    let io = |e: std::io::Error| ServiceError::Internal(format!("export file: {e}"));
    let mut writer = TableWriter::new(format, &dir.join("tmp")).map_err(io)?;
    let named = |by: &str, label: &Option<String>| match label {
        Some(label) => format!("{} · {label}", text("report_by.custom")),
        None => grouping_label(by, text),
    };
    let mut header = vec![Cell::Text(named(&report.by, &report.by_label))];
    if let Some(by2) = &report.by2 {
        header.push(Cell::Text(named(by2, &report.by2_label)));
    }
    header.extend(
        report
            .columns
            .iter()
            .map(|c| Cell::Text(column_label(c, text))),
    );
    writer.write_cells(&header).map_err(io)?;
    let number = |value: Option<i64>, column: &ReportColumn| match value {
        Some(value) => Cell::Number {
            value,
            decimals: decimals(column.unit),
        },
        None => Cell::Empty,
    };
    let none = text("reports.none");
    for row in &report.rows {
        let label = |l: &str| {
            if l.is_empty() {
                none.clone()
            } else {
                l.to_string()
            }
        };
        let mut cells = vec![Cell::Text(label(&row.label))];
        if report.by2.is_some() {
            cells.push(Cell::Text(label(row.label2.as_deref().unwrap_or_default())));
        }
        cells.extend(
            row.values
                .iter()
                .zip(&report.columns)
                .map(|(v, c)| number(*v, c)),
        );
        writer.write_cells(&cells).map_err(io)?;
    }
    let mut cells = vec![Cell::Text(text("reports.total"))];
    if report.by2.is_some() {
        cells.push(Cell::Empty);
    }
    cells.extend(
        report
            .totals
            .iter()
            .zip(&report.columns)
            .map(|(v, c)| number(*v, c)),
    );
    writer.write_cells(&cells).map_err(io)?;
    writer.finish().map_err(io)
}

impl App {
    /// A built-in report as CSV or XLSX: the table the page shows.
    pub async fn export_report(
        &self,
        caller: &Caller,
        name: &str,
        query: &ReportQuery,
        format: crate::spreadsheets::Format,
        text: &(dyn Fn(&str) -> String + Sync),
    ) -> Result<tempfile::TempPath> {
        caller.require(Permission::new(Kind::Report, Action::Export))?;
        let report = self.report(caller, name, query).await?;
        write_report(&self.settings.data_dir, &report, format, text)
    }
}
