//! A definition read into statements' parts, every refusal naming the
//! field at fault.

use kuijing_domain::fields::FieldType as CustomType;
use kuijing_domain::{FieldErrors, Kind};
use kuijing_store::figures::Bucket;
use kuijing_store::{Tx, users};

use super::fields::value_kind;
use super::{CHARTS, Checked, MeasureInput, ReportDefinition, Resolved, SPECS, Spec, Type};
use crate::conditions::{self, Test};
use crate::error::{Result, ServiceError};
use crate::reports::invalid;
use crate::{App, Caller};

impl App {
    pub(super) async fn custom_defs(
        &self,
        tx: &mut Tx,
        spec: &Spec,
    ) -> Result<Vec<kuijing_domain::fields::FieldDef>> {
        let kind = match spec.custom {
            Some("customers") => Kind::Customer,
            Some("opportunities") => Kind::Opportunity,
            Some("contracts") => Kind::Contract,
            _ => return Ok(Vec::new()),
        };
        Ok(kuijing_store::field_defs::of_kind(tx, kind.as_str()).await?)
    }

    /// Checks a definition into statements' parts; every refusal names the
    /// field at fault. A definition being saved must also mean something
    /// (no grouping twice, no field on a count); one saved before these
    /// checks still runs.
    pub(super) async fn check(
        &self,
        tx: &mut Tx,
        definition: &ReportDefinition,
        saver: Option<&Caller>,
    ) -> Result<Checked> {
        let saving = saver.is_some();
        let mut errors = FieldErrors::new();
        if definition.name.trim().is_empty() {
            errors.add("name", "required");
        } else if definition.name.chars().count() > 100 {
            errors.push(kuijing_domain::Refusal::too_long(100).on("name"));
        }
        let spec = SPECS.iter().find(|s| s.kind == definition.kind);
        if spec.is_none() {
            errors.add("kind", "report_kind_unknown");
        }
        // What the kind does not decide is checked whatever the kind, so a
        // request hears of every problem at once.
        let groupings = definition.group_by.len();
        if groupings == 0 {
            errors.add("group_by", "required");
        }
        if groupings > 2 {
            errors.add("group_by", "too_many");
        }
        if definition.measures.is_empty() {
            errors.add("measures", "required");
        }
        if definition.measures.len() > 3 {
            errors.add("measures", "too_many");
        }
        // The measures' refusals follow the groupings'.
        let mut measure_errors = FieldErrors::new();
        let shapes: Vec<Option<Option<&str>>> = definition
            .measures
            .iter()
            .enumerate()
            .map(|(index, measure)| measure_shape(index, measure, saving, &mut measure_errors))
            .collect();
        let Some(spec) = spec else {
            errors.0.append(&mut measure_errors.0);
            check_chart(definition, saving, &mut errors);
            return Err(ServiceError::Invalid(errors));
        };
        let defs = self.custom_defs(tx, spec).await?;
        let resolve = |name: &str| -> Option<Resolved> {
            match name.strip_prefix("custom.") {
                Some(key) => defs
                    .iter()
                    .find(|d| d.key == key)
                    .map(|d| Resolved::Custom(d.key.clone(), d.label.clone(), d.field_type)),
                None => spec
                    .fields
                    .iter()
                    .find(|f| f.name == name)
                    .map(Resolved::System),
            }
        };
        let mut groups = Vec::new();
        for (index, text) in definition.group_by.iter().enumerate() {
            let at = format!("group_by.{index}");
            let (name, bucket) = match text.split_once(':') {
                Some((name, bucket)) => (name, Some(bucket)),
                None => (text.as_str(), None),
            };
            // The same grouping twice groups nothing more, said beside the
            // second whatever else is wrong with the first.
            if saving
                && definition.group_by[..index]
                    .iter()
                    .any(|g| g.trim() == text.trim())
            {
                errors.add_labelled(&at, name, "grouped_twice");
                continue;
            }
            let Some(field) = resolve(name) else {
                errors.add_labelled(&at, name, "unknown_field");
                continue;
            };
            let dated = match &field {
                Resolved::System(f) => matches!(f.kind, Type::Instant | Type::Day),
                Resolved::Custom(_, _, t) => matches!(t, CustomType::Date | CustomType::DateTime),
            };
            let measured = match &field {
                Resolved::System(f) => matches!(f.kind, Type::Money),
                Resolved::Custom(_, _, t) => matches!(t, CustomType::Number | CustomType::Money),
            };
            if measured {
                errors.add_labelled(&at, name, "not_groupable");
                continue;
            }
            let bucket = match (dated, bucket) {
                // A date grouped without saying by what is refused when
                // saved; one saved before this check still runs by month.
                (true, None) if saving => {
                    errors.add_labelled(&at, name, "bucket_required");
                    continue;
                }
                (true, None) => Some(Bucket::Month),
                (true, Some(b)) => match Bucket::parse(b) {
                    Some(b) => Some(b),
                    None => {
                        // A date with a bucket the builder does not know.
                        errors.add_labelled(&at, name, "bucket_unknown");
                        continue;
                    }
                },
                (false, Some(_)) => {
                    errors.add_labelled(&at, name, "invalid_bucket");
                    continue;
                }
                (false, None) => None,
            };
            // The same grouping twice groups nothing more.
            if saving
                && groups.iter().any(|(g, b): &(Resolved, Option<Bucket>)| {
                    g.name() == field.name() && *b == bucket
                })
            {
                errors.add_labelled(&at, name, "grouped_twice");
                continue;
            }
            groups.push((field, bucket));
        }
        errors.0.append(&mut measure_errors.0);
        let mut measures = Vec::new();
        for (index, (measure, shape)) in definition.measures.iter().zip(shapes).enumerate() {
            let at = format!("measures.{index}");
            let name = match shape {
                None => continue,
                Some(None) => {
                    measures.push(("count".to_string(), None));
                    continue;
                }
                Some(Some(name)) => name,
            };
            let Some(field) = resolve(name) else {
                errors.add_labelled(format!("{at}.field"), name, "unknown_field");
                continue;
            };
            let numeric = match &field {
                Resolved::System(f) => matches!(f.kind, Type::Money),
                Resolved::Custom(_, _, t) => matches!(t, CustomType::Number | CustomType::Money),
            };
            if !numeric {
                errors.add_labelled(format!("{at}.field"), name, "not_a_number");
                continue;
            }
            measures.push((measure.op.clone(), Some(field)));
        }
        let mut filters = Vec::new();
        let mut people: Option<(kuijing_domain::OrgChart, Vec<i64>)> = None;
        for (index, filter) in definition.filters.iter().enumerate() {
            let at = format!("filters.{index}");
            let Some(field) = resolve(&filter.field) else {
                // A condition is on a date itself, never on a bucket of it.
                let code = match filter.field.split_once(':') {
                    Some((name, _)) if resolve(name).is_some() => "condition_on_bucket",
                    // A field of another kind (kept from before the kind
                    // changed): said so, with the kind it must be of.
                    _ if of_another_kind(&filter.field, spec) => "filter_not_of_kind",
                    _ => "unknown_field",
                };
                if code == "filter_not_of_kind" {
                    let refused = kuijing_domain::FieldError::new(format!("{at}.field"), code);
                    errors.push(refused.with("n", index + 1).labelled(&filter.field));
                } else {
                    errors.add_labelled(format!("{at}.field"), &filter.field, code);
                }
                continue;
            };
            // A field chosen without a condition: the condition is missing,
            // not unfit.
            if filter.op.trim().is_empty() {
                let refused =
                    kuijing_domain::FieldError::new(format!("{at}.op"), "condition_required");
                errors.push(refused.with("n", index + 1).labelled(&filter.field));
                continue;
            }
            // On a system date-time: not for that many days (or never),
            // and passed, as the lists take them.
            if let Some(found) = self.time_filter(spec, &field, filter, saving) {
                match found {
                    Ok(found) => filters.push(found),
                    // The operator does not fit the field: said beside it.
                    Err(code @ "passed_always_past") => {
                        let refused = kuijing_domain::FieldError::new(format!("{at}.op"), code);
                        errors.push(refused.with("n", index + 1).labelled(&filter.field));
                    }
                    Err(code) => {
                        errors.add_labelled(format!("{at}.value"), &filter.field, code);
                    }
                }
                continue;
            }
            let test = match conditions::read(
                value_kind(&field),
                &filter.op,
                filter.value.as_ref(),
                self.today(),
            ) {
                Ok(test) => test,
                Err("operator_unknown") => {
                    errors.add_labelled(
                        format!("{at}.op"),
                        &filter.field,
                        "operator_not_for_field",
                    );
                    continue;
                }
                Err(code) => {
                    errors.add_labelled(format!("{at}.value"), &filter.field, code);
                    continue;
                }
            };
            // A department stands for the people in it.
            let owners = matches!(&field, Resolved::System(f) if matches!(f.kind, Type::Department | Type::User));
            if owners && people.is_none() {
                let org = kuijing_store::departments::org_chart(tx).await?;
                let ids = users::all_names(tx).await?.into_iter().map(|(id, _)| id);
                people = Some((org, ids.collect()));
            }
            // A report is saved naming only owners and departments in the
            // saver's scope of the kind, as the form offers them.
            if let (Some(caller), Some((org, _)), Test::OneOf(ids), Resolved::System(f)) =
                (saver, people.as_ref(), &test, &field)
            {
                let seen = caller.actor.visibility(spec.permission, org);
                let outside = ids.iter().any(|id| match f.kind {
                    Type::Department => !(seen.all || seen.departments.contains(id)),
                    _ => !(seen.all || org.department_of(*id).is_some_and(|d| seen.sees(*id, d))),
                });
                if owners && outside {
                    errors.add_labelled(
                        format!("{at}.value"),
                        &filter.field,
                        "outside_scope_values",
                    );
                    continue;
                }
            }
            match self.filters_of(spec, &field, test, people.as_ref()) {
                Ok(mut more) => filters.append(&mut more),
                Err(code) => errors.add_labelled(format!("{at}.value"), &filter.field, code),
            }
        }
        let period_name = definition.period_field.as_deref().unwrap_or(spec.period);
        let period = spec
            .fields
            .iter()
            .find(|f| f.name == period_name && matches!(f.kind, Type::Instant | Type::Day));
        if period.is_none() {
            // Said as what it must be: one of the kind's date fields.
            let days: Vec<&str> = spec
                .fields
                .iter()
                .filter(|f| matches!(f.kind, Type::Instant | Type::Day))
                .map(|f| f.name)
                .collect();
            let refused = kuijing_domain::FieldError::new("period_field", "period_not_a_date");
            errors.push(
                refused
                    .with("date_fields", days.join(", "))
                    .labelled(period_name),
            );
        }
        check_chart(definition, saving, &mut errors);
        errors.into_result()?;
        let period = period.ok_or_else(|| invalid("period_field", "unknown_field"))?;
        Ok(Checked {
            spec,
            groups,
            measures,
            filters,
            period,
        })
    }
}

/// Whether a field the kind does not have is one of another kind's: a
/// system field of another kind, or a custom field (the kind has none by
/// that key).
fn of_another_kind(field: &str, spec: &Spec) -> bool {
    field.starts_with("custom.")
        || SPECS
            .iter()
            .filter(|other| other.kind != spec.kind)
            .any(|other| other.fields.iter().any(|f| f.name == field))
}

/// What a measure asks for, read without its kind: a count (`Some(None)`),
/// or a sum or an average of the named field; `None` where it is refused
/// (the refusal added, naming the fix).
fn measure_shape<'a>(
    index: usize,
    measure: &'a MeasureInput,
    saving: bool,
    errors: &mut FieldErrors,
) -> Option<Option<&'a str>> {
    let at = format!("measures.{index}");
    let field = measure.field.as_deref().map(str::trim).unwrap_or_default();
    match measure.op.as_str() {
        // A count counts records; a field would be ignored.
        "count" if saving && !field.is_empty() => {
            errors.add_labelled(format!("{at}.field"), field, "count_takes_no_field");
            None
        }
        "count" => Some(None),
        "sum" | "average" if field.is_empty() => {
            // Named by its place on the form: "Measure 1: choose the field".
            let refused =
                kuijing_domain::FieldError::new(format!("{at}.field"), "measure_field_required");
            errors.push(refused.with("n", index + 1));
            None
        }
        "sum" | "average" => measure.field.as_deref().map(Some),
        _ => {
            // Named as the measure's operation, with the ones there are.
            let refused = kuijing_domain::FieldError::new(format!("{at}.op"), "measure_op_unknown");
            errors.push(
                refused
                    .with("n", index + 1)
                    .with("value", measure.op.trim()),
            );
            None
        }
    }
}

/// The chart: one the builder draws; a pie or a funnel draws one grouping
/// and one measure, so a report being saved with two groupings is refused
/// on `chart`, and one with several measures on `measures` (one saved
/// before these checks is drawn as bars, with a note).
fn check_chart(definition: &ReportDefinition, saving: bool, errors: &mut FieldErrors) {
    if !CHARTS.contains(&definition.chart.as_str()) {
        errors.add("chart", "chart_unknown");
    } else if saving && matches!(definition.chart.as_str(), "pie" | "funnel") {
        if definition.group_by.len() > 1 {
            errors.add("chart", "chart_one_grouping");
        }
        if definition.measures.len() > 1 {
            errors.add("measures", "chart_one_measure");
        }
    }
}
