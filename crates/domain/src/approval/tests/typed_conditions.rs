//! Conditions on figures, yes/no and dates compare as their types, not as
//! the text they were typed as.

use super::*;

fn on(field: &str, op: Op, value: FactValue) -> Comparison {
    Comparison {
        field: field.into(),
        op,
        value,
        currency: None,
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

fn instant(text: &str) -> FactValue {
    FactValue::Instant(
        chrono::DateTime::parse_from_rfc3339(text)
            .expect("an instant")
            .with_timezone(&chrono::Utc),
    )
}

#[test]
fn instants_compare_as_instants_whatever_their_offset() {
    // 10:00 in Taipei is after 09:00 there, though "02:00Z" sorts first.
    let due = facts("due_at", instant("2026-01-31T02:00:00Z"));
    let nine = instant("2026-01-31T09:00:00+08:00");
    assert!(on("due_at", Op::Gt, nine.clone()).holds(&due));
    assert!(!on("due_at", Op::Le, nine.clone()).holds(&due));
    assert!(on("due_at", Op::Eq, instant("2026-01-31T10:00:00+08:00")).holds(&due));
    // An instant is no day and no text.
    assert!(!on("due_at", Op::Gt, day("2026-01-30")).holds(&due));
    let text = FactValue::Text("2026-01-31T02:00:00Z".into());
    assert!(!on("due_at", Op::Eq, text).holds(&due));
    // Ordered comparisons on instants are allowed.
    let mut late = step("Late", ApproverRule::Users(vec![5]), Mode::AnyOne);
    late.condition = vec![on("due_at", Op::Gt, nine)];
    assert_eq!(flow(vec![late]).check(), Ok(()));
}
