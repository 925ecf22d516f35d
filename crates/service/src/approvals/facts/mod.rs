//! What a flow's conditions look at: the facts every kind has, a kind's own
//! fields (custom fields of contracts and payments, the form fields of a
//! request kind), a record's values as facts, and the checks that a flow's
//! conditions name those fields with values of their type.

use kuijing_domain::approval::{CURRENCY, Comparison, FactValue, Facts, FlowDef};
use kuijing_domain::fields::{FieldDef, FieldType};
use kuijing_domain::{FieldError, FieldErrors, Kind, dates, fields, money, text};
use kuijing_store::Tx;
use serde_json::Value;

use crate::error::{Result, ServiceError};

/// The facts every flow's conditions may look at; a kind's own fields
/// come beside them by their keys. `currency` is the record's currency
/// (a code such as `USD`), in which a condition on money is stated.
pub const FACTS: &[&str] = &["amount", "department_id", "owner_id", CURRENCY];

/// A record's own field values as facts: money as a number in minor units,
/// numbers and percents as figures, yes/no as a flag, dates as days,
/// people and departments by id, the choices of a multiple-choice field as
/// a list, the rest as their text. A field named
/// like one of `FACTS` never replaces it.
pub(crate) fn add_field_facts(
    facts: &mut Facts,
    defs: &[FieldDef],
    values: &serde_json::Map<String, Value>,
) {
    for def in defs {
        let Some(value) = values.get(&def.key) else {
            continue;
        };
        if let Some(fact) = fact_of(def.field_type, value) {
            facts.entry(def.key.clone()).or_insert(fact);
        }
    }
}

/// One stored value as a fact; `None` for a value that does not read as
/// its type.
fn fact_of(field_type: FieldType, value: &Value) -> Option<FactValue> {
    let plain = |value: &Value| match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    match (field_type, value) {
        (FieldType::Money, value) => money::parse_amount(&plain(value))
            .ok()
            .map(FactValue::Number),
        (FieldType::Number | FieldType::Percent, value) => figure(&plain(value)),
        (FieldType::Bool, Value::Bool(flag)) => Some(FactValue::Bool(*flag)),
        (FieldType::Bool, value) => fields::parse_yes_no(&plain(value)).map(FactValue::Bool),
        (FieldType::Date, value) => dates::parse_date(&plain(value)).ok().map(FactValue::Date),
        (FieldType::DateTime, value) => instant(&plain(value)),
        (FieldType::User | FieldType::Department, value) => {
            plain(value).trim().parse().ok().map(FactValue::Id)
        }
        (FieldType::MultiChoice, Value::Array(items)) => Some(FactValue::List(
            items
                .iter()
                .map(|item| FactValue::Text(kuijing_domain::fields::display(item)))
                .collect(),
        )),
        (_, value) => Some(FactValue::Text(kuijing_domain::fields::display(value))),
    }
}

/// A figure as typed or stored (`12.5`, `12.5%`, `1,200`); `None` when it
/// is no finite number.
pub(crate) fn figure(typed: &str) -> Option<FactValue> {
    let folded = text::normalize(typed).replace([',', ' '], "");
    let folded = folded.strip_suffix('%').unwrap_or(&folded);
    folded
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .map(FactValue::Figure)
}

/// An instant as stored or typed (RFC 3339 with its offset), in UTC.
fn instant(typed: &str) -> Option<FactValue> {
    chrono::DateTime::parse_from_rfc3339(typed.trim())
        .ok()
        .map(|at| FactValue::Instant(at.with_timezone(&chrono::Utc)))
}

/// The value a condition on a field of `field_type` compares with, read
/// from a text: a figure, a flag or a day; `None` for a field whose values
/// are texts, or a text that does not read as its type.
fn typed_value(field_type: FieldType, typed: &str) -> Option<FactValue> {
    match field_type {
        FieldType::Number | FieldType::Percent => figure(typed),
        FieldType::Bool => fields::parse_yes_no(typed).map(FactValue::Bool),
        FieldType::Date => dates::parse_date(typed).ok().map(FactValue::Date),
        FieldType::DateTime => instant(typed),
        _ => None,
    }
}

/// Conditions on number, percent, yes/no and date fields written as text
/// (by a flow saved before those fields were compared as their types, or a
/// client sending `{"text": "是"}`) made values of the field's type, so
/// `"50"` is the figure 50 and `"是"` is yes. A text that does not read as
/// the type is kept, for the checks to refuse naming the condition.
pub(crate) fn type_conditions(def: &mut FlowDef, own: &[FieldDef]) {
    let typed = |field_type: FieldType, value: &mut FactValue| {
        if let FactValue::Text(text) = value
            && let Some(read) = typed_value(field_type, text)
        {
            *value = read;
        }
    };
    for comparison in def.steps.iter_mut().flat_map(|s| s.condition.iter_mut()) {
        if let Some(currency) = comparison.currency.as_mut() {
            *currency = currency.trim().to_ascii_uppercase();
        }
        if comparison.field == CURRENCY {
            let upper = |value: &mut FactValue| {
                if let FactValue::Text(code) = value {
                    *code = code.trim().to_ascii_uppercase();
                }
            };
            match &mut comparison.value {
                FactValue::List(items) => items.iter_mut().for_each(upper),
                value => upper(value),
            }
        }
        if FACTS.contains(&comparison.field.as_str()) {
            continue;
        }
        let Some(field) = own.iter().find(|d| d.key == comparison.field) else {
            continue;
        };
        match &mut comparison.value {
            FactValue::List(items) => items.iter_mut().for_each(|v| typed(field.field_type, v)),
            value => typed(field.field_type, value),
        }
    }
}

/// A kind's own fields that its flows' conditions may name: the custom
/// fields of contracts and payments, the form fields of a request kind.
pub(crate) async fn kind_fields(tx: &mut Tx, kind: &str) -> Result<Vec<FieldDef>> {
    if let Ok(kind) = kind.parse::<Kind>() {
        return Ok(kuijing_store::field_defs::of_kind(tx, kind.as_str()).await?);
    }
    let Some(row) = kuijing_store::requests::kind(tx, kind).await? else {
        return Ok(Vec::new());
    };
    let form: Vec<crate::requests::FormField> =
        serde_json::from_str(&row.fields).map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(crate::requests::defs_of(&form))
}

/// The type of value a field's conditions compare with, as the engine
/// holds it: `number`, `bool`, `date`, `instant`, `id` or `text`.
fn value_kind(key: &str, own: Option<&FieldDef>) -> &'static str {
    match (key, own.map(|d| d.field_type)) {
        ("amount", _) => "number",
        ("owner_id" | "department_id", _) => "id",
        (_, Some(FieldType::Money | FieldType::Number | FieldType::Percent)) => "number",
        (_, Some(FieldType::Bool)) => "bool",
        (_, Some(FieldType::Date)) => "date",
        (_, Some(FieldType::DateTime)) => "instant",
        (_, Some(FieldType::User | FieldType::Department)) => "id",
        _ => "text",
    }
}

/// The code of a value of the wrong type for a field: what it must be
/// compared with.
fn needs(key: &str, own: Option<&FieldDef>) -> &'static str {
    match (key, own.map(|d| d.field_type)) {
        ("department_id", _) | (_, Some(FieldType::Department)) => "condition_needs_department",
        ("owner_id", _) | (_, Some(FieldType::User)) => "condition_needs_person",
        ("amount", _) | (_, Some(FieldType::Money | FieldType::Number | FieldType::Percent)) => {
            "condition_needs_number"
        }
        (_, Some(FieldType::Bool)) => "condition_needs_yes_no",
        (_, Some(FieldType::Date)) => "condition_needs_date",
        (_, Some(FieldType::DateTime)) => "condition_needs_date_time",
        _ => "condition_needs_text",
    }
}

/// Checks that each condition of `def` names a fact or one of the kind's
/// fields (`unknown_fact` on the step), compares it with values of its type
/// (people and departments by id, figures as numbers), and that a choice
/// field's values are among its options (`condition_not_an_option`,
/// naming the field and listing its options). Errors are on
/// `definition.steps.<step>.condition.<n>`, with the step's number and the
/// field (its label; a fact by its key, `params.condition_field.<key>`).
pub(crate) fn check_conditions(def: &FlowDef, own: &[FieldDef], errors: &mut FieldErrors) {
    for (index, step) in def.steps.iter().enumerate() {
        let mut unknown = false;
        for (place, comparison) in step.condition.iter().enumerate() {
            let field = own.iter().find(|d| d.key == comparison.field);
            let fact = FACTS.contains(&comparison.field.as_str());
            if !fact && field.is_none() {
                unknown = true;
                continue;
            }
            let field = field.filter(|_| !fact);
            let at = format!("definition.steps.{index}.condition.{place}");
            let named = |code: &'static str| {
                FieldError::new(at.clone(), code)
                    .with("step", index + 1)
                    .with(
                        "condition_field",
                        field.map_or(comparison.field.as_str(), |f| f.label.as_str()),
                    )
            };
            let values = values_of(comparison);
            let expected = value_kind(&comparison.field, field);
            if values.iter().any(|value| value.kind() != expected) {
                errors.push(named(needs(&comparison.field, field)));
                continue;
            }
            if let Some(problem) = currency_problem(comparison, is_money(&comparison.field, field))
            {
                errors.push(named(problem).with("currencies", money::CURRENCIES.join(", ")));
                continue;
            }
            let Some(choice) = field
                .filter(|f| matches!(f.field_type, FieldType::Choice | FieldType::MultiChoice))
            else {
                continue;
            };
            let stray = values.iter().find_map(|value| match value {
                FactValue::Text(text) if !is_option(choice, text) => Some(text.clone()),
                _ => None,
            });
            if let Some(stray) = stray {
                errors.push(
                    named("condition_not_an_option")
                        .with("value", stray)
                        .with("options", choice.options.join(", ")),
                );
            }
        }
        if unknown {
            errors.add(format!("definition.steps.{index}"), "unknown_fact");
        }
    }
}

/// Whether a condition on `key` compares money: the amount, or a money
/// field of the kind.
pub(crate) fn is_money(key: &str, own: Option<&FieldDef>) -> bool {
    key == "amount" || own.is_some_and(|d| d.field_type == FieldType::Money)
}

/// What is wrong with a condition's currency: a condition on money states
/// the currency of its amount (`condition_needs_currency`), one of those
/// offered (`condition_currency_unknown`), and an amount that currency can
/// hold (no decimals in yen: `condition_whole_amount`); a condition on
/// anything else has none (`condition_currency_not_money`); a condition
/// on the record's currency names offered currencies.
fn currency_problem(comparison: &Comparison, money_field: bool) -> Option<&'static str> {
    let offered = |code: &str| money::parse_currency(code).is_ok();
    if comparison.field == CURRENCY {
        let stray = values_of(comparison)
            .into_iter()
            .any(|value| matches!(value, FactValue::Text(code) if !offered(code)));
        return if stray {
            Some("condition_currency_unknown")
        } else if comparison.currency.is_some() {
            Some("condition_currency_not_money")
        } else {
            None
        };
    }
    match (&comparison.currency, money_field) {
        (None, true) => Some("condition_needs_currency"),
        (Some(_), false) => Some("condition_currency_not_money"),
        (Some(code), true) if !offered(code) => Some("condition_currency_unknown"),
        (Some(code), true) => values_of(comparison)
            .into_iter()
            .any(|value| {
                matches!(value, FactValue::Number(minor) if money::fits_currency(*minor, code).is_err())
            })
            .then_some("condition_whole_amount"),
        (None, false) => None,
    }
}

/// The values a comparison compares with: a list's items, or the one.
fn values_of(comparison: &Comparison) -> Vec<&FactValue> {
    match &comparison.value {
        FactValue::List(items) => items.iter().collect(),
        value => vec![value],
    }
}

/// Whether `value` is one of a choice field's options, in any case.
pub(crate) fn is_option(field: &FieldDef, value: &str) -> bool {
    let wanted = text::normalize(value);
    field
        .options
        .iter()
        .any(|option| text::normalize(option) == wanted)
}

#[cfg(test)]
mod tests {
    use kuijing_domain::approval::{ApproverRule, Mode, Op, StepDef};

    use super::*;

    fn field(key: &str, field_type: FieldType, options: &[&str]) -> FieldDef {
        FieldDef {
            id: 1,
            key: key.into(),
            label: format!("{key} label"),
            field_type,
            required: false,
            unique: false,
            default_value: None,
            options: options.iter().map(|o| o.to_string()).collect(),
            sort_order: 0,
        }
    }

    fn flow(condition: Vec<Comparison>) -> FlowDef {
        FlowDef {
            steps: vec![StepDef {
                name: "Check".into(),
                approvers: ApproverRule::DepartmentHead,
                mode: Mode::AnyOne,
                condition,
            }],
            when_no_approver: Default::default(),
            resubmit: Default::default(),
        }
    }

    fn when(field: &str, op: Op, value: FactValue) -> Comparison {
        Comparison {
            field: field.into(),
            op,
            value,
            currency: None,
        }
    }

    fn codes(def: &FlowDef, own: &[FieldDef]) -> Vec<&'static str> {
        let mut errors = FieldErrors::new();
        check_conditions(def, own, &mut errors);
        errors.0.iter().map(|e| e.code).collect()
    }

    #[test]
    fn conditions_take_values_of_their_fields_type() {
        let own = [
            field("channel", FieldType::Choice, &["Bank", "Cash"]),
            field("handler", FieldType::User, &[]),
            field("fee", FieldType::Money, &[]),
        ];
        let text = |t: &str| FactValue::Text(t.into());
        assert!(codes(&flow(vec![when("channel", Op::Eq, text("cash"))]), &own).is_empty());
        assert_eq!(
            codes(&flow(vec![when("channel", Op::Eq, text("Cheque"))]), &own),
            ["condition_not_an_option"]
        );
        let listed = FactValue::List(vec![text("Bank"), text("Card")]);
        assert_eq!(
            codes(&flow(vec![when("channel", Op::In, listed)]), &own),
            ["condition_not_an_option"]
        );
        assert_eq!(
            codes(&flow(vec![when("handler", Op::Eq, text("Ann"))]), &own),
            ["condition_needs_person"]
        );
        assert_eq!(
            codes(&flow(vec![when("owner_id", Op::Eq, text("Ann"))]), &own),
            ["condition_needs_person"]
        );
        assert_eq!(
            codes(&flow(vec![when("fee", Op::Gt, FactValue::Id(3))]), &own),
            ["condition_needs_number"]
        );
        let in_usd = |field: &str, minor: i64| Comparison {
            currency: Some("USD".into()),
            ..when(field, Op::Gt, FactValue::Number(minor))
        };
        assert!(codes(&flow(vec![in_usd("fee", 100)]), &own).is_empty());
        assert!(codes(&flow(vec![in_usd("amount", 150)]), &own).is_empty());
        assert_eq!(
            codes(
                &flow(vec![when("fee", Op::Gt, FactValue::Number(100))]),
                &own
            ),
            ["condition_needs_currency"]
        );
        let yen = Comparison {
            currency: Some("JPY".into()),
            ..in_usd("amount", 150)
        };
        assert_eq!(codes(&flow(vec![yen]), &own), ["condition_whole_amount"]);
        let handler_in_usd = Comparison {
            currency: Some("USD".into()),
            ..when("handler", Op::Eq, FactValue::Id(4))
        };
        assert_eq!(
            codes(&flow(vec![handler_in_usd]), &own),
            ["condition_currency_not_money"]
        );
        assert_eq!(
            codes(&flow(vec![when("currency", Op::Eq, text("XYZ"))]), &own),
            ["condition_currency_unknown"]
        );
        assert!(codes(&flow(vec![when("currency", Op::Eq, text("JPY"))]), &own).is_empty());
        assert_eq!(
            codes(&flow(vec![when("colour", Op::Eq, text("red"))]), &own),
            ["unknown_fact"]
        );
        assert!(codes(&flow(vec![when("handler", Op::Eq, FactValue::Id(4))]), &own).is_empty());
    }

    #[test]
    fn values_become_facts_of_their_type() {
        let own = [
            field("handler", FieldType::User, &[]),
            field("tags", FieldType::MultiChoice, &["A", "B"]),
            field("fee", FieldType::Money, &[]),
            field("note", FieldType::Text, &[]),
        ];
        let values = serde_json::json!({
            "handler": 7, "tags": ["A", "B"], "fee": "12.50", "note": "Rush"
        });
        let mut facts = Facts::new();
        add_field_facts(&mut facts, &own, values.as_object().expect("an object"));
        assert_eq!(facts["handler"], FactValue::Id(7));
        assert_eq!(
            facts["tags"],
            FactValue::List(vec![
                FactValue::Text("A".into()),
                FactValue::Text("B".into())
            ])
        );
        assert_eq!(facts["fee"], FactValue::Number(1250));
        assert_eq!(facts["note"], FactValue::Text("Rush".into()));
    }

    #[test]
    fn percents_yes_no_and_dates_become_facts_of_their_type() {
        let own = [
            field("share", FieldType::Percent, &[]),
            field("count", FieldType::Number, &[]),
            field("urgent", FieldType::Bool, &[]),
            field("legacy", FieldType::Bool, &[]),
            field("due", FieldType::Date, &[]),
        ];
        let values = serde_json::json!({
            "share": "12.5", "count": "50.0", "urgent": true, "legacy": "是", "due": "2025-03-10"
        });
        let mut facts = Facts::new();
        add_field_facts(&mut facts, &own, values.as_object().expect("an object"));
        assert_eq!(facts["share"], FactValue::Figure(12.5));
        assert_eq!(facts["count"], FactValue::Figure(50.0));
        assert_eq!(facts["urgent"], FactValue::Bool(true));
        assert_eq!(facts["legacy"], FactValue::Bool(true));
        assert_eq!(
            facts["due"],
            FactValue::Date("2025-03-10".parse().expect("a day"))
        );
    }

    #[test]
    fn conditions_written_as_text_take_their_fields_type() {
        let own = [
            field("share", FieldType::Percent, &[]),
            field("urgent", FieldType::Bool, &[]),
            field("due", FieldType::Date, &[]),
            field("note", FieldType::Text, &[]),
        ];
        let text = |t: &str| FactValue::Text(t.into());
        let mut def = flow(vec![
            when("share", Op::Eq, text("50%")),
            when("urgent", Op::Eq, text("是")),
            when("due", Op::In, FactValue::List(vec![text("2025/1/5")])),
            when("note", Op::Eq, text("1")),
            when("urgent", Op::Ne, text("perhaps")),
        ]);
        type_conditions(&mut def, &own);
        let values: Vec<&FactValue> = def.steps[0].condition.iter().map(|c| &c.value).collect();
        assert_eq!(values[0], &FactValue::Figure(50.0));
        assert_eq!(values[1], &FactValue::Bool(true));
        assert_eq!(
            values[2],
            &FactValue::List(vec![FactValue::Date("2025-01-05".parse().expect("a day"))])
        );
        assert_eq!(values[3], &text("1"));
        assert_eq!(values[4], &text("perhaps"));
        assert_eq!(
            codes(&def, &own),
            ["condition_needs_yes_no"],
            "a text that is no yes/no is refused"
        );
    }
}
