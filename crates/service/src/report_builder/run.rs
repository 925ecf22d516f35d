//! Running a definition: the grouped statement in the viewer's scope and
//! period, the table filled measure by measure, and the chart's series.

use std::collections::{BTreeMap, BTreeSet};

use kuijing_domain::fields::FieldType as CustomType;
use kuijing_domain::{Action, FieldErrors, Kind, Permission};
use kuijing_store::figures::{self, Aggregate, Filter, Key, Measure};
use kuijing_store::{Tx, options};

use super::order::{
    RowKey, bool_label, custom_label, in_time_order, is_money, is_yes_no, per_unit, yes_no_key,
};
use super::whole::Present;
use super::{ReportDefinition, Resolved, Type, whole};
use crate::dashboard::DashboardQuery;
use crate::error::{Result, ServiceError};
use crate::reports::{Assembly, GROUP_LIMIT, Report, Unit, invalid};
use crate::{App, Caller};

impl App {
    /// Runs a saved report for the caller: their scope, their period.
    pub async fn run_report(
        &self,
        caller: &Caller,
        id: i64,
        query: &DashboardQuery,
    ) -> Result<Report> {
        self.run_report_upto(caller, id, query, GROUP_LIMIT).await
    }

    /// Runs a saved report with at most `limit` groups (an export takes
    /// far more than a page shows); the totals count every group.
    pub(crate) async fn run_report_upto(
        &self,
        caller: &Caller,
        id: i64,
        query: &DashboardQuery,
        limit: u64,
    ) -> Result<Report> {
        let view = self.saved_report(caller, id).await?;
        let mut report = self
            .run_definition_upto(caller, &view.definition, query, limit)
            .await?;
        report.name = view.definition.name;
        Ok(report)
    }

    /// Runs a definition (saved or being tried out) in the caller's scope.
    pub async fn run_definition(
        &self,
        caller: &Caller,
        definition: &ReportDefinition,
        query: &DashboardQuery,
    ) -> Result<Report> {
        self.run_definition_upto(caller, definition, query, GROUP_LIMIT)
            .await
    }

    async fn run_definition_upto(
        &self,
        caller: &Caller,
        definition: &ReportDefinition,
        query: &DashboardQuery,
        limit: u64,
    ) -> Result<Report> {
        caller.require(Permission::new(Kind::Report, Action::View))?;
        let mut tx = self.db.read().await?;
        // Every refusal at once: the definition's, the period's and whose data.
        let mut errors = FieldErrors::new();
        let checked = match self.check(&mut tx, definition, None).await {
            Ok(checked) => Some(checked),
            Err(ServiceError::Invalid(more)) => {
                errors.0.extend(more.0);
                None
            }
            Err(other) => return Err(other),
        };
        let frame = self
            .frame_checked(&mut tx, caller, query, &mut errors)
            .await?;
        errors.into_result()?;
        let (Some(checked), Some(frame)) = (checked, frame) else {
            return Err(invalid("period", "invalid_choice"));
        };
        let spec = checked.spec;
        let owners = frame.whose.owners(caller, spec.permission);
        let keys: Vec<Key> = checked
            .groups
            .iter()
            .map(|(field, bucket)| match (field, bucket) {
                (Resolved::Custom(key, _, t), Some(b)) if *t == CustomType::DateTime => {
                    Key::CustomInstant(spec.custom.unwrap_or_default(), key.clone(), *b)
                }
                (Resolved::Custom(key, _, _), Some(b)) => {
                    Key::CustomDate(spec.custom.unwrap_or_default(), key.clone(), *b)
                }
                (Resolved::Custom(key, _, _), None) => {
                    Key::Custom(spec.custom.unwrap_or_default(), key.clone())
                }
                (Resolved::System(f), Some(b)) if f.kind == Type::Instant => {
                    Key::Instant(f.column, *b)
                }
                (Resolved::System(f), Some(b)) => Key::Date(f.column, *b),
                (Resolved::System(f), None) if f.kind == Type::Department => {
                    Key::DepartmentOf(f.column)
                }
                (Resolved::System(f), None) => Key::Column(f.column),
            })
            .collect();
        let money = checked
            .measures
            .iter()
            .any(|(_, field)| field.as_ref().is_some_and(is_money));
        // Each measure's sum (or count) and how many rows have a value in
        // its field: what an average divides by.
        let custom = spec.custom.unwrap_or_default();
        let (measures, present): (Vec<Measure>, Vec<Measure>) = checked
            .measures
            .iter()
            .map(|(_, field)| match field {
                Some(Resolved::System(f)) => (Measure::Sum(f.column), Measure::Present(f.column)),
                Some(Resolved::Custom(key, _, _)) => (
                    Measure::SumCustom(custom, key.clone()),
                    Measure::PresentCustom(custom, key.clone()),
                ),
                None => (Measure::Count, Measure::Count),
            })
            .unzip();
        let mut filters = checked.filters.clone();
        filters.push(match checked.period.kind {
            Type::Day => Filter::Days(checked.period.column, frame.from, frame.to),
            _ => Filter::Between(checked.period.column, frame.at.0, frame.at.1),
        });
        let grouped = Aggregate {
            source: spec.source,
            owner: spec.owner,
            owners: owners.as_deref(),
            keys,
            currency: if money { spec.currency } else { None },
            measures,
            filters,
            // One more than shown tells whether there are more.
            limit: limit.saturating_add(1),
        };
        let mut rows = figures::aggregate(&mut tx, &grouped, &frame.zone).await?;
        let yes_no = [0, 1].map(|i| checked.groups.get(i).is_some_and(|(f, _)| is_yes_no(f)));
        for row in &mut rows {
            if yes_no[0] {
                yes_no_key(&mut row.k1);
            }
            if yes_no[1] {
                yes_no_key(&mut row.k2);
            }
        }
        let truncated = whole::cut(&mut rows, limit);
        // Averages' totals, and every total where groups are left out, are
        // over all the rows, in one statement; averages divide by the rows
        // with a value, counted in one more with the same groups.
        let averaged = checked.measures.iter().any(|(op, _)| op == "average");
        let whole_rows = if averaged || truncated {
            let all = Aggregate {
                keys: Vec::new(),
                ..grouped.clone()
            };
            figures::aggregate(&mut tx, &all, &frame.zone).await?
        } else {
            Vec::new()
        };
        let (present, whole_present) = if averaged {
            let counted = Aggregate {
                measures: present,
                ..grouped.clone()
            };
            let per_group = figures::aggregate(&mut tx, &counted, &frame.zone).await?;
            let all = Aggregate {
                keys: Vec::new(),
                ..counted
            };
            let whole = figures::aggregate(&mut tx, &all, &frame.zone).await?;
            (Present::new(per_group), Present::new(whole))
        } else {
            (Present::default(), Present::default())
        };
        let mut table = Assembly::default();
        // The average columns, each with the groups that have a value in it.
        let mut valued: BTreeMap<usize, BTreeSet<RowKey>> = BTreeMap::new();
        for (index, (op, field)) in checked.measures.iter().enumerate() {
            // A count has no field.
            let Some(field) = field else {
                let column = table.column("count", Unit::Count, None, None);
                for row in &rows {
                    table.put((row.k1.clone(), row.k2.clone()), column, row.measure(index));
                }
                continue;
            };
            let name = field.name();
            let at = Some((name.as_str(), custom_label(field)));
            let is_money = is_money(field);
            let average = op == "average";
            let mut columns = BTreeSet::new();
            if is_money {
                let mut currencies: BTreeSet<String> =
                    rows.iter().filter_map(|r| r.currency.clone()).collect();
                if currencies.is_empty() {
                    currencies.insert(frame.currency.clone());
                }
                for currency in &currencies {
                    columns.insert(table.column(op, Unit::Money, Some(currency), at));
                }
            } else {
                columns.insert(table.column(op, Unit::Number, None, at));
            }
            let unit = if is_money { Unit::Money } else { Unit::Number };
            let sums = whole::sums(&rows, &present, index, is_money, &frame.currency);
            for ((key, currency), (sum, count)) in sums {
                let column = table.column(op, unit, currency.as_deref(), at);
                columns.insert(column);
                if let Some(value) = whole::figure(average, sum, count, per_unit(field)) {
                    table.put(key.clone(), column, value);
                    if average {
                        valued.entry(column).or_default().insert(key);
                    }
                }
            }
            if average {
                for column in columns {
                    table.not_additive(column);
                    valued.entry(column).or_default();
                }
            }
        }
        whole::whole_totals(
            &mut table,
            &checked,
            (&whole_rows, &whole_present),
            &frame.currency,
            truncated,
        );
        let dated = |index: usize| checked.groups.get(index).is_some_and(|(_, b)| b.is_some());
        let by_stage = matches!(checked.groups.first(), Some((Resolved::System(f), None)) if f.kind == Type::Stage);
        let by_value = !dated(0) && !dated(1) && !by_stage;
        let (columns, mut rows, totals) = table.finish(by_value);
        whole::leave_empty(&mut rows, &valued, by_value);
        if dated(0) || dated(1) {
            in_time_order(&mut rows, (dated(0), dated(1)));
        } else if by_stage {
            let pipelines = kuijing_store::pipelines::list(&mut tx).await?;
            whole::in_stage_order(&mut rows, &pipelines);
        }
        for (index, (field, _)) in checked.groups.iter().enumerate() {
            let names = self.names_of(&mut tx, &frame, field).await?;
            for row in rows.iter_mut() {
                let key = if index == 0 { &row.key } else { &row.key2 };
                let label = match key {
                    Some(k) => names
                        .get(k)
                        .cloned()
                        .unwrap_or_else(|| bool_label(field, k)),
                    None => String::new(),
                };
                if index == 0 {
                    row.label = label;
                } else {
                    row.label2 = Some(label);
                }
            }
        }
        // The chart draws each measure once, money in the main currency.
        let wanted: Vec<&str> = checked.measures.iter().map(|(op, _)| op.as_str()).collect();
        let mut series = crate::reports::pick_series(&columns, &totals, &wanted);
        series.dedup();
        Ok(Report {
            name: definition.name.clone(),
            from: frame.from,
            to: frame.to - chrono::Duration::days(1),
            by: checked
                .groups
                .first()
                .map(|(f, _)| f.name())
                .unwrap_or_default(),
            by_label: checked.groups.first().and_then(|(f, _)| f.label()),
            by2: checked.groups.get(1).map(|(f, _)| f.name()),
            by2_label: checked.groups.get(1).and_then(|(f, _)| f.label()),
            chart: definition.chart.clone(),
            columns,
            rows,
            totals,
            truncated,
            totals_of_all: true,
            series,
            other_currencies: Vec::new(),
            targets_left_out: Vec::new(),
            added_up: Vec::new(),
            yes_no,
            buckets: [0, 1].map(|i| {
                checked
                    .groups
                    .get(i)
                    .and_then(|(_, b)| b.map(figures::Bucket::as_str))
            }),
        })
    }

    async fn names_of(
        &self,
        tx: &mut Tx,
        frame: &crate::reports::Frame,
        field: &Resolved,
    ) -> Result<BTreeMap<String, String>> {
        let Resolved::System(f) = field else {
            return Ok(BTreeMap::new());
        };
        match f.kind {
            Type::User => self.labels_for(tx, frame, "owner", "").await,
            Type::Department => self.labels_for(tx, frame, "department", "").await,
            Type::Stage => self.labels_for(tx, frame, "stage", "").await,
            Type::Pipeline => Ok(kuijing_store::pipelines::list(tx)
                .await?
                .into_iter()
                .map(|p| (p.id.to_string(), p.name))
                .collect()),
            Type::Choice(kind, name) => Ok(crate::shown_names::options_in(
                &frame.language,
                options::of_field(tx, kind, name).await?,
            )
            .into_iter()
            .map(|o| (o.id.to_string(), o.label))
            .collect()),
            _ => Ok(BTreeMap::new()),
        }
    }
}
