//! The checks that a flow's conditions name a fact or one of the kind's
//! fields, with values of its type and, on money, a currency.

use super::*;

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
