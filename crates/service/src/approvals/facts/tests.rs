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
