//! The messages of the sales codes and how fields are named in them.

use super::*;

/// Codes the sales services answer with, as field errors.
const FIELD_CODES: &[&str] = &[
    "kind_reserved",
    "kind_taken",
    "kind_inactive",
    "too_many_fields",
    "too_many_views",
    "key_invalid",
    "key_taken",
    "taken",
    "not_positive",
    "negative",
    "too_many_decimals",
    "invalid_number",
    "too_large",
    "above_hundred",
    "unknown_stage",
    "closed",
    "already_open",
    "unchanged",
    "ends_before_start",
    "exceeds_outstanding",
    "exceeds_instalment",
    "plans_exceed_amount",
    "contract_not_approved",
    "default_pipeline",
    "invalid_cursor",
    "parent_cycle",
    "fixed",
    "invalid_kind",
    "out_of_range",
    "hand_over_to_self",
    "hand_over_to_submitter",
    "already_a_seat",
    "chosen_missing",
    "chosen_self",
    "product_off_sale",
    "empty_range",
    "chosen_inactive",
    "only_hand_over",
    "no_approver",
    "invalid_flow",
    "no_steps",
    "name_required",
    "no_users",
    "levels_out_of_range",
    "field_required",
    "empty_list",
    "nested_list",
    "mismatched_types",
    "in_needs_list",
    "list_needs_in",
    "order_needs_number",
    "approver_cannot_approve",
];

/// Codes the sales services refuse with.
const REFUSALS: &[&str] = &[
    "request_not_editable",
    "request_not_submittable",
    "request_not_draft",
    "product_in_use",
    "category_in_use",
    "stage_in_use",
    "opportunity_has_contracts",
    "contract_not_editable",
    "contract_not_submittable",
    "contract_not_approved",
    "contract_void",
    "contract_has_payments",
    "contract_has_approved_payments",
    "contract_not_deletable",
    "plan_has_payments",
    "payment_not_editable",
    "payment_not_submittable",
    "payment_not_deletable",
    "approval_changed",
    "request_in_progress",
    "approval_moved_on",
    "approval_was_withdrawn",
    "approval_ended",
    "approval_step_not_reached",
    "not_in_progress",
    "not_an_approver",
    "already_decided",
    "handed_over",
    "not_submitter",
    "not_resubmittable",
    "payment_not_approved",
];

/// Fields of the sales forms.
const FIELDS: &[&str] = &[
    "title",
    "fields",
    "amount",
    "currency",
    "code",
    "unit",
    "price",
    "category_id",
    "on_sale",
    "product_id",
    "lines",
    "quantity",
    "discount",
    "pipeline_id",
    "stage_id",
    "stages",
    "win_rate",
    "active",
    "departments",
    "outcome",
    "reason",
    "expected_close_on",
    "contact_ids",
    "customer_id",
    "opportunity_id",
    "number",
    "signed_on",
    "starts_on",
    "ends_on",
    "customer_signer_id",
    "company_signer_id",
    "payment_method_id",
    "method_id",
    "contract_id",
    "plan_id",
    "received_on",
    "planned_on",
    "remind_days",
    "confirm_exceeding",
    "approvers",
    "flow",
    "definition",
    "kind",
    "action",
    "comment",
    "to",
];

#[test]
fn every_sales_code_has_a_message_naming_its_field_in_every_language() {
    for code in FIELD_CODES {
        let english = Some(coded(Lang::En, "errors", code));
        for lang in Lang::ALL {
            let text = Some(coded(lang, "errors", code)).filter(|t| *t != format!("errors.{code}"));
            let text = text.unwrap_or_else(|| panic!("errors.{code} in {}", lang.code()));
            assert!(
                text.contains("%{field}"),
                "errors.{code} in {}",
                lang.code()
            );
            if lang != Lang::En {
                assert_ne!(Some(&text), english.as_ref(), "errors.{code} untranslated");
            }
        }
    }
    for code in REFUSALS {
        let english = Some(coded(Lang::En, "problems", code));
        for lang in Lang::ALL {
            let text =
                Some(coded(lang, "problems", code)).filter(|t| *t != format!("problems.{code}"));
            assert!(text.is_some(), "problems.{code} in {}", lang.code());
            if lang != Lang::En {
                assert_ne!(text, english, "problems.{code} untranslated");
            }
        }
    }
    for field in FIELDS {
        for lang in Lang::ALL {
            assert!(
                lookup(lang, &format!("fields.{field}")).is_some(),
                "fields.{field} in {}",
                lang.code()
            );
        }
    }
}

#[test]
fn a_field_in_a_list_is_named_by_its_place() {
    assert_eq!(
        message_for("lines.0.price", "negative", Lang::En),
        "Product lines #1, Price cannot be negative; enter 0 or more."
    );
    assert_eq!(
        message_for("stages.2.win_rate", "out_of_range", Lang::ZhHant),
        "「階段第 3 項的贏率」是百分比，須介於 0 與 100 之間。"
    );
    assert_eq!(
        message_for("definition.steps.1", "no_users", Lang::En),
        "Step 2: choose at least one approver."
    );
    assert_eq!(
        message_for("scopes.customer", "kind_unknown", Lang::En),
        "Data scope: Customers: this kind has no data scope."
    );
}

#[test]
fn a_field_is_named_as_its_kind_of_record_calls_it() {
    let payment = FieldError::new("method_id", "invalid_choice");
    // A payment's method is its payment method, one word with its form's.
    assert!(field_message_in(&payment, Some("payment"), Lang::ZhHant).contains("付款方式"));
    assert!(field_message_in(&payment, Some("payment"), Lang::ZhHans).contains("付款方式"));
    assert!(field_message(&payment, Lang::ZhHant).contains("跟進方式"));
    // A kind without a name of its own for the field uses the common one.
    assert!(field_message_in(&payment, Some("contract"), Lang::ZhHant).contains("跟進方式"));
}

#[test]
fn no_message_is_cut_short_by_a_hash_read_as_a_comment() {
    let files = [
        ("en", include_str!("../../locales/en.yml")),
        ("zh-Hans", include_str!("../../locales/zh-Hans.yml")),
        ("zh-Hant", include_str!("../../locales/zh-Hant.yml")),
    ];
    for (name, text) in files {
        for (index, line) in text.lines().enumerate() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            let Some((_, value)) = line.split_once(": ") else {
                continue;
            };
            let value = value.trim_start();
            let quoted = value.starts_with(['"', '\'', '|', '>']);
            assert!(
                quoted || !value.contains(" #"),
                "{name}.yml line {}: quote the text, or YAML drops what follows \" #\"",
                index + 1
            );
        }
    }
    let phone = FieldError::new("phone", "phone_invalid");
    for lang in Lang::ALL {
        assert!(
            field_message(&phone, lang).contains("#123"),
            "{}",
            lang.code()
        );
    }
}

#[test]
fn chinese_messages_quote_the_field_they_name() {
    let files = [
        ("zh-Hans", include_str!("../../locales/zh-Hans.yml")),
        ("zh-Hant", include_str!("../../locales/zh-Hant.yml")),
    ];
    for (name, text) in files {
        for (index, line) in text.lines().enumerate() {
            // A message that opens with the field's name: a parameter named
            // inside a sentence (`網址中的 from`) keeps its spaces.
            let bare = line
                .split_once(": \"%{field} ")
                .is_some_and(|(_, rest)| rest.chars().next().is_some_and(|c| !c.is_ascii()));
            assert!(
                !bare,
                "{name}.yml line {}: quote %{{field}} as the other messages do",
                index + 1
            );
        }
    }
}
