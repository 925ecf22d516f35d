//! Flow definitions: stored as JSON, checked, named.

use super::*;

#[test]
fn approvals_and_flows_round_trip_through_json() {
    let json = r#"{"steps":[{"name":"Boss","approvers":{"superior":{"levels":1}},
        "mode":"any_one","condition":[{"field":"amount","op":"gt","value":{"number":100000}}]},
        {"name":"Finance","approvers":{"role":100},"mode":"everyone"}],
        "when_no_approver":{"fallback":8},"resubmit":"from_rejected_step"}"#;
    let def: FlowDef = serde_json::from_str(json).expect("parses");
    assert_eq!(def.check(), Ok(()));
    assert_eq!(def.when_no_approver, NoApprover::Fallback(8));
    let text = serde_json::to_string(&def).expect("serializes");
    assert_eq!(serde_json::from_str::<FlowDef>(&text).expect("parses"), def);

    let mut approval = start(&def, &amount(200_000), 4);
    approval.hand_over(3, 9).expect("hands over");
    let text = serde_json::to_string(&approval).expect("serializes");
    assert_eq!(
        serde_json::from_str::<Approval>(&text).expect("parses"),
        approval
    );
    let event = serde_json::to_value(Event::Rejected { step: 1, by: 2 }).expect("serializes");
    assert_eq!(
        event,
        serde_json::json!({"event": "rejected", "step": 1, "by": 2})
    );

    let mut schemas = Vec::new();
    <FlowDef as ToSchema>::schemas(&mut schemas);
    <Approval as ToSchema>::schemas(&mut schemas);
    assert!(schemas.iter().any(|(name, _)| name == "FactValue"));
}

#[test]
fn check_names_the_step_and_the_problem() {
    assert_eq!(
        flow(vec![]).check(),
        Err(vec![DefError {
            step: None,
            code: "no_steps"
        }])
    );
    let list = |items| FactValue::List(items);
    let mut bad = step(" ", ApproverRule::Users(vec![]), Mode::AnyOne);
    bad.condition = vec![
        when("", Op::Eq, FactValue::Number(1)),
        when("kind", Op::In, FactValue::Text("a".to_string())),
        when("kind", Op::Eq, list(vec![])),
        when("kind", Op::Gt, FactValue::Text("a".to_string())),
        when("kind", Op::In, list(vec![])),
        when(
            "kind",
            Op::In,
            list(vec![FactValue::Id(1), FactValue::Number(1)]),
        ),
        when("kind", Op::In, list(vec![list(vec![])])),
    ];
    let mut mixed = step("Mixed", ApproverRule::Superior { levels: 0 }, Mode::AnyOne);
    mixed.condition = vec![
        when("amount", Op::Gt, FactValue::Number(1)),
        when("amount", Op::Eq, FactValue::Text("1".to_string())),
    ];
    let far = step(
        "Far",
        ApproverRule::SuperiorsUpTo { levels: 11 },
        Mode::AnyOne,
    );
    let Err(errors) = flow(vec![bad, mixed, far]).check() else {
        panic!("the flow has errors");
    };
    let found: Vec<_> = errors.iter().map(|e| (e.step, e.code)).collect();
    assert_eq!(
        found,
        vec![
            (Some(0), "name_required"),
            (Some(0), "no_users"),
            (Some(0), "field_required"),
            (Some(0), "in_needs_list"),
            (Some(0), "list_needs_in"),
            (Some(0), "order_needs_number"),
            (Some(0), "empty_list"),
            (Some(0), "mismatched_types"),
            (Some(0), "nested_list"),
            (Some(1), "levels_out_of_range"),
            (Some(1), "mismatched_types"),
            (Some(2), "levels_out_of_range"),
        ]
    );
    let invalid = Approval::submit(&flow(vec![]), &amount(1), 4, &Chosen::new(), &dir());
    assert_eq!(code(invalid), "invalid_flow");
}

#[test]
fn a_step_whose_amount_range_is_empty_is_refused() {
    let ranged = |low: Op, a: i64, high: Op, b: i64| {
        let mut s = step("Range", ApproverRule::Superior { levels: 1 }, Mode::AnyOne);
        s.condition = vec![
            when("amount", low, FactValue::Number(a)),
            when("amount", high, FactValue::Number(b)),
        ];
        flow(vec![
            step("First", ApproverRule::DepartmentHead, Mode::AnyOne),
            s,
        ])
    };
    let empty = ranged(Op::Gt, 10_000, Op::Le, 5_000).check();
    assert_eq!(
        empty,
        Err(vec![DefError {
            step: Some(1),
            code: "empty_range"
        }])
    );
    assert!(ranged(Op::Gt, 100, Op::Le, 100).check().is_err());
    assert!(ranged(Op::Gt, 100, Op::Lt, 101).check().is_err());
    assert!(ranged(Op::Gt, 100, Op::Le, 101).check().is_ok());
    assert!(ranged(Op::Ge, 100, Op::Le, 100).check().is_ok());
    // Different fields never contradict each other.
    let mut two = ranged(Op::Gt, 100, Op::Le, 50);
    two.steps[1].condition[1].field = "discount".into();
    assert!(two.check().is_ok());
}

#[test]
fn names_parse_back() {
    for status in [
        Status::InProgress,
        Status::Approved,
        Status::Rejected,
        Status::Withdrawn,
    ] {
        assert_eq!(Status::parse(status.as_str()), Ok(status));
    }
    assert_eq!(Mode::parse(Mode::Everyone.as_str()), Ok(Mode::Everyone));
    assert_eq!(Op::parse("le"), Ok(Op::Le));
    assert_eq!(Status::parse("done"), Err("invalid_choice"));
    assert_eq!(Event::Withdrawn.as_str(), "withdrawn");
}
