use super::*;

#[test]
fn options_that_read_the_same_are_refused_naming_the_repeat() {
    let typed = |list: &[&str]| list.iter().map(|o| o.to_string()).collect::<Vec<_>>();
    assert_eq!(
        parse_options(&typed(&[" Gold ", "", "Silver"])).expect("distinct"),
        vec!["Gold", "Silver"]
    );
    for repeat in ["gold", "ＧＯＬＤ", "Go ld", "GOLD "] {
        let error = parse_options(&typed(&["Gold", "Silver", repeat])).expect_err(repeat);
        assert_eq!(
            (error.field.as_str(), error.code),
            ("options", "option_repeated")
        );
        assert_eq!(error.params[0], ("option", repeat.trim().to_string()));
        assert_eq!(error.params[1], ("first", "Gold".to_string()));
    }
}

#[test]
fn a_choice_is_read_whatever_its_case_and_width_and_kept_as_spelt() {
    let mut def = def(FieldType::Choice);
    def.options = vec!["Gold".into(), "Silver".into()];
    let read = |t: &str| parse_value(&def, Some(&Value::String(t.into())));
    assert_eq!(
        read("gold").ok().flatten(),
        Some(Value::String("Gold".into()))
    );
    assert_eq!(
        read("ＧＯＬＤ").ok().flatten(),
        Some(Value::String("Gold".into()))
    );
    assert!(read("Bronze").is_err());
    def.field_type = FieldType::MultiChoice;
    let both = parse_value(&def, Some(&Value::String("gold, SILVER".into())));
    assert_eq!(
        both.ok().flatten(),
        Some(serde_json::json!(["Gold", "Silver"]))
    );
}

#[test]
fn unique_keys_ignore_case_width_and_every_space() {
    let key = |t: &str| unique_key(&Value::String(t.into()));
    assert_eq!(key("RS 42"), key("rs42"));
    assert_eq!(key("XY 999"), key("ｘｙ９９９"));
    assert_eq!(key(" A　B "), "ab");
    assert_ne!(key("AB1"), key("AB2"));
}

fn def(field_type: FieldType) -> FieldDef {
    FieldDef {
        id: 1,
        key: "k".into(),
        label: "K".into(),
        field_type,
        required: false,
        unique: false,
        default_value: None,
        options: vec!["A".into(), "B".into()],
        sort_order: 0,
    }
}

#[test]
fn percent_and_money_values_read_by_type() {
    let percent = Value::String("12.5".into());
    assert_eq!(
        display_as(FieldType::Percent, &percent, None, true),
        "12.5%"
    );
    assert_eq!(display_as(FieldType::Number, &percent, None, true), "12.5");
    let fee = Value::String("1234.5".into());
    assert_eq!(
        display_as(FieldType::Money, &fee, Some("USD"), true),
        "1,234.50"
    );
    assert_eq!(
        display_as(FieldType::Money, &fee, Some("USD"), false),
        "1234.5"
    );
    assert_eq!(display_as(FieldType::Money, &fee, None, true), "1234.5");
    let yen = Value::String("1000".into());
    assert_eq!(
        display_as(FieldType::Money, &yen, Some("JPY"), true),
        "1,000"
    );
    assert_eq!(
        display_as(FieldType::Money, &yen, Some("JPY"), false),
        "1000"
    );
    let v = |s: &str| parse_value(&def(FieldType::Percent), Some(&Value::String(s.into())));
    assert_eq!(v("12.5%").map_err(|r| r.code), Ok(Some(percent.clone())));
    assert_eq!(v("12.5％").map_err(|r| r.code), Ok(Some(percent)));

    let mut money = def(FieldType::Money);
    money.key = "fee".into();
    money.label = "Bank fee".into();
    let defs = [money];
    let raw = |s: &str| {
        let mut map = serde_json::Map::new();
        map.insert("fee".into(), Value::String(s.into()));
        map
    };
    let mut errors = FieldErrors::new();
    let out = parse_custom_in(&defs, &raw("1000.00"), "JPY", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(out["fee"], "1000");
    let out = parse_custom_in(&defs, &raw("1000.5"), "KRW", &mut errors);
    assert!(out.get("fee").is_none());
    assert_eq!(errors.0[0].field, "custom.fee");
    assert_eq!(errors.0[0].code, "whole_amount_only");
    assert_eq!(errors.0[0].label.as_deref(), Some("Bank fee"));
    let mut errors = FieldErrors::new();
    let out = parse_custom_in(&defs, &raw("1000.5"), "USD", &mut errors);
    assert!(errors.is_empty());
    assert_eq!(out["fee"], "1000.5");
}

#[test]
fn values_are_checked_by_type() {
    let v = |t, s: &str| parse_value(&def(t), Some(&Value::String(s.into()))).map_err(|r| r.code);
    assert_eq!(
        v(FieldType::Number, "1,234.50"),
        Ok(Some(Value::String("1234.50".into())))
    );
    assert_eq!(v(FieldType::Number, "lots"), Err("custom_number_invalid"));
    assert_eq!(v(FieldType::Money, "lots"), Err("custom_amount_invalid"));
    assert_eq!(v(FieldType::Money, "12.345"), Err("too_many_decimals"));
    assert_eq!(
        v(FieldType::Money, "１,２３４.5"),
        Ok(Some(Value::String("1234.5".into())))
    );
    assert_eq!(
        v(FieldType::Money, "100000000000000000000"),
        Err("custom_amount_out_of_range")
    );
    assert_eq!(
        v(FieldType::Number, "-10000000000000"),
        Err("custom_number_out_of_range")
    );
    // An exponent is refused in either case and width, saying to write
    // the figure in full; a text with an `e` that is no figure stays invalid.
    for text in ["1e3", "1E3", "１ｅ３", "2.5e-1"] {
        assert_eq!(v(FieldType::Number, text), Err("figure_exponent"), "{text}");
        assert_eq!(v(FieldType::Money, text), Err("figure_exponent"), "{text}");
    }
    assert_eq!(v(FieldType::Money, "1e"), Err("custom_amount_invalid"));
    assert_eq!(
        v(FieldType::Date, "1899-12-31"),
        Err("custom_date_out_of_range")
    );
    assert_eq!(
        v(FieldType::Date, "3000-01-01"),
        Err("custom_date_out_of_range")
    );
    assert_eq!(
        v(FieldType::DateTime, "0001-01-01T00:00:00Z"),
        Err("custom_date_out_of_range")
    );
    assert_eq!(
        v(FieldType::Date, "113/01/05"),
        Ok(Some(Value::String("2024-01-05".into())))
    );
    assert_eq!(v(FieldType::Choice, "C"), Err("invalid_choice"));
    assert_eq!(
        v(FieldType::MultiChoice, "A, B"),
        Ok(Some(serde_json::json!(["A", "B"])))
    );
    assert_eq!(
        v(FieldType::MultiChoice, "b, A, Ｂ,a"),
        Ok(Some(serde_json::json!(["B", "A"])))
    );
    assert_eq!(
        v(FieldType::Email, "x＠y.com"),
        Ok(Some(Value::String("x@y.com".into())))
    );
    assert_eq!(
        v(FieldType::Url, "www.acc.com.tw"),
        Ok(Some(Value::String("https://www.acc.com.tw".into())))
    );
    assert_eq!(v(FieldType::Bool, "是"), Ok(Some(Value::Bool(true))));
    assert_eq!(v(FieldType::Text, "  "), Ok(None));
}

#[test]
fn required_unknown_and_default_fields() {
    let mut required = def(FieldType::Text);
    required.required = true;
    let mut defaulted = def(FieldType::Choice);
    defaulted.key = "d".into();
    defaulted.default_value = Some("B".into());
    let mut errors = FieldErrors::new();
    let raw = serde_json::json!({ "zzz": 1 });
    let out = parse_custom(
        &[required, defaulted],
        raw.as_object().expect("object"),
        &mut errors,
    );
    assert_eq!(out.get("d"), Some(&Value::String("B".into())));
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["custom.zzz", "custom.k"]);
}
