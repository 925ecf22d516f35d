//! Conditions on figures, yes/no and dates compare as their types, not as
//! the text they were typed as.

use super::*;

fn on(field: &str, op: Op, value: FactValue) -> Comparison {
    Comparison {
        field: field.into(),
        op,
        value,
    }
}

fn facts(field: &str, value: FactValue) -> Facts {
    Facts::from([(field.to_string(), value)])
}

fn day(text: &str) -> FactValue {
    FactValue::Date(text.parse().expect("a day"))
}

#[test]
fn figures_compare_by_value() {
    let share = facts("share", FactValue::Figure(50.0));
    assert!(on("share", Op::Eq, FactValue::Figure(50.0)).holds(&share));
    // A condition saved as a whole number is the same figure.
    assert!(on("share", Op::Eq, FactValue::Number(50)).holds(&share));
    assert!(!on("share", Op::Ne, FactValue::Number(50)).holds(&share));
    assert!(on("share", Op::Ne, FactValue::Figure(50.5)).holds(&share));
    assert!(on("share", Op::Gt, FactValue::Figure(49.99)).holds(&share));
    assert!(!on("share", Op::Gt, FactValue::Figure(50.0)).holds(&share));
    assert!(on("share", Op::Ge, FactValue::Figure(50.0)).holds(&share));
    assert!(on("share", Op::Lt, FactValue::Number(51)).holds(&share));
    assert!(!on("share", Op::Le, FactValue::Figure(49.5)).holds(&share));
    let listed = FactValue::List(vec![FactValue::Figure(25.0), FactValue::Figure(50.0)]);
    assert!(on("share", Op::In, listed).holds(&share));
    // Decimals are kept: 50.4 is not 50.
    let part = facts("share", FactValue::Figure(50.4));
    assert!(!on("share", Op::Eq, FactValue::Number(50)).holds(&part));
    // A figure is no text.
    assert!(!on("share", Op::Eq, FactValue::Text("50".into())).holds(&share));
}

#[test]
fn yes_no_compares_as_a_flag() {
    let urgent = facts("urgent", FactValue::Bool(true));
    assert!(on("urgent", Op::Eq, FactValue::Bool(true)).holds(&urgent));
    assert!(!on("urgent", Op::Eq, FactValue::Bool(false)).holds(&urgent));
    assert!(on("urgent", Op::Ne, FactValue::Bool(false)).holds(&urgent));
    assert!(!on("urgent", Op::Ne, FactValue::Bool(true)).holds(&urgent));
    // Yes/no has no order, and is neither the number 1 nor the text "true".
    assert!(!on("urgent", Op::Gt, FactValue::Number(0)).holds(&urgent));
    assert!(!on("urgent", Op::Eq, FactValue::Number(1)).holds(&urgent));
    assert!(!on("urgent", Op::Eq, FactValue::Text("true".into())).holds(&urgent));
}

#[test]
fn dates_compare_as_days() {
    let due = facts("due", day("2025-03-10"));
    assert!(on("due", Op::Eq, day("2025-03-10")).holds(&due));
    assert!(on("due", Op::Ne, day("2025-03-11")).holds(&due));
    assert!(on("due", Op::Gt, day("2025-02-28")).holds(&due));
    assert!(!on("due", Op::Gt, day("2025-03-10")).holds(&due));
    assert!(on("due", Op::Ge, day("2025-03-10")).holds(&due));
    assert!(on("due", Op::Lt, day("2025-12-01")).holds(&due));
    assert!(!on("due", Op::Le, day("2025-03-09")).holds(&due));
    let listed = FactValue::List(vec![day("2025-01-01"), day("2025-03-10")]);
    assert!(on("due", Op::In, listed).holds(&due));
    // A day is not a text that reads the same.
    assert!(!on("due", Op::Eq, FactValue::Text("2025-03-10".into())).holds(&due));
}

#[test]
fn typed_conditions_are_checked_and_stored() {
    let flow = |condition: Vec<Comparison>| FlowDef {
        steps: vec![StepDef {
            name: "Check".into(),
            approvers: ApproverRule::DepartmentHead,
            mode: Mode::AnyOne,
            condition,
        }],
        when_no_approver: NoApprover::Refuse,
        resubmit: Resubmit::FromStart,
    };
    let codes = |def: FlowDef| -> Vec<&'static str> {
        def.check()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.code)
            .collect()
    };
    // Dates and figures have an order; yes/no has none.
    assert!(codes(flow(vec![on("due", Op::Lt, day("2025-01-01"))])).is_empty());
    assert!(codes(flow(vec![on("share", Op::Ge, FactValue::Figure(12.5))])).is_empty());
    assert_eq!(
        codes(flow(vec![on("urgent", Op::Gt, FactValue::Bool(true))])),
        ["order_needs_number"]
    );
    // One field is one type in every step.
    assert_eq!(
        codes(flow(vec![
            on("due", Op::Gt, day("2025-01-01")),
            on("due", Op::Lt, FactValue::Number(3)),
        ])),
        ["mismatched_types"]
    );
    // Figures and whole numbers are one type.
    assert!(
        codes(flow(vec![
            on("share", Op::Gt, FactValue::Number(10)),
            on("share", Op::Lt, FactValue::Figure(60.5)),
        ]))
        .is_empty()
    );
    let def = flow(vec![
        on("urgent", Op::Eq, FactValue::Bool(true)),
        on("due", Op::Le, day("2025-06-30")),
        on("share", Op::Eq, FactValue::Figure(12.5)),
    ]);
    let json = serde_json::to_value(&def).expect("serializes");
    assert_eq!(
        json["steps"][0]["condition"][1]["value"],
        serde_json::json!({"date": "2025-06-30"})
    );
    assert_eq!(
        serde_json::from_value::<FlowDef>(json).expect("parses"),
        def
    );
}
