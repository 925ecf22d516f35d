//! How a field is named in a message: as the kind of record calls it, by
//! its place in a list, or as a flow's editor or the insight pickers show
//! it.

use kuijing_service::ServiceError;

use super::lookup;
use crate::i18n::Lang;

/// Names each invalid field as records of `kind` call it (a payment's
/// `method_id` is its payment method, not a follow-up's way of contact),
/// for the pages, whose messages are made without the kind.
pub fn name_fields_as(error: ServiceError, kind: &str, lang: Lang) -> ServiceError {
    match error {
        ServiceError::Invalid(mut errors) => {
            for e in &mut errors.0 {
                if e.label.is_none() {
                    e.label = Some(field_label(&e.field, Some(kind), lang));
                }
            }
            ServiceError::Invalid(errors)
        }
        other => other,
    }
}

/// Names the fields of an approval flow as its editor shows them (see
/// [`flow_field_label`]), each step by its place and the name given in
/// `steps`.
pub fn name_flow_fields(error: ServiceError, steps: &[String], lang: Lang) -> ServiceError {
    match error {
        ServiceError::Invalid(mut errors) => {
            for e in &mut errors.0 {
                if e.label.is_none() {
                    e.label = flow_field_label(&e.field, steps, lang);
                }
            }
            ServiceError::Invalid(errors)
        }
        other => other,
    }
}

/// How the flow editor names a field of a flow: the person for steps
/// without an approver, a step by its place (and name, when known), and
/// what of the step a problem is about (its levels up, its approvers, a
/// condition). `None` for fields that are not a flow's.
pub(super) fn flow_field_label(field: &str, steps: &[String], lang: Lang) -> Option<String> {
    let parts: Vec<&str> = field.split('.').collect();
    match parts.as_slice() {
        ["fallback"] | ["definition", "when_no_approver", ..] => Some(lang.t("flows.fallback")),
        ["definition", "resubmit"] => Some(lang.t("flows.resubmit")),
        ["definition", "steps", n, rest @ ..] => {
            let n = n.parse::<usize>().ok()?;
            let place = (n + 1).to_string();
            let step = match steps.get(n).map(|s| s.trim()).filter(|s| !s.is_empty()) {
                Some(name) => lang
                    .t("sales_fix10.flow.step_named")
                    .replace("%{n}", &place)
                    .replace("%{name}", name),
                None => lang.t("flows.step_n").replace("%{n}", &place),
            };
            let part = match rest {
                [] => None,
                [.., "levels"] => Some(lang.t("flows.levels")),
                ["approvers", ..] => Some(lang.t("flows.approvers")),
                ["name"] => Some(lang.t("flows.step")),
                ["mode", ..] => Some(lang.t("flows.mode")),
                ["condition" | "conditions", m, ..] => m.parse::<usize>().ok().map(|m| {
                    lang.t("sales_fix10.flow.condition_n")
                        .replace("%{n}", &(m + 1).to_string())
                }),
                _ => None,
            };
            Some(match part {
                Some(part) => format!("{step} · {part}"),
                None => step,
            })
        }
        _ => None,
    }
}

/// Names the fields of "whose data and which period" as the dashboard's and
/// the reports' pickers show them (`to` is the period's last day there, not
/// whom a record is handed over to), so the API, the pages and the exports
/// all say "To" and "People"; a target's year and month likewise.
pub fn name_insight_fields(error: ServiceError, lang: Lang) -> ServiceError {
    match error {
        ServiceError::Invalid(mut errors) => {
            for e in &mut errors.0 {
                let key = match e.field.as_str() {
                    "period" => "dashboard.period",
                    "from" => "dashboard.from",
                    "to" => "dashboard.to",
                    "scope" => "dashboard.whose",
                    "department_id" => "dashboard.department",
                    "user_id" | "user_ids" => "dashboard.people",
                    "year" => "targets.year",
                    "month" => "dashboard.month",
                    _ => continue,
                };
                if e.label.is_none() {
                    e.label = Some(lang.t(key));
                }
            }
            ServiceError::Invalid(errors)
        }
        other => other,
    }
}

/// How records of `kind` name a field.
pub fn field_label_in_kind(field: &str, kind: &str, lang: Lang) -> String {
    field_label(field, Some(kind), lang)
}

/// How a person knows a field. A path into a list names the item by its
/// place: `lines.0.price` is the price of the first product line.
pub(super) fn field_label(field: &str, kind: Option<&str>, lang: Lang) -> String {
    let parts: Vec<&str> = field.split('.').collect();
    match parts.as_slice() {
        // A data scope is named by its module, as the role editor shows it.
        ["scopes", kind] => {
            let name = lookup(lang, &format!("kinds.{kind}")).unwrap_or_else(|| kind.to_string());
            return format!("{}: {name}", lang.t("fields.scopes"));
        }
        ["custom", rest @ ..] if !rest.is_empty() => return rest.join("."),
        _ => {}
    }
    if let Some(label) = flow_field_label(field, &[], lang) {
        return label;
    }
    let mut label = field_name(parts[0], kind, lang);
    let mut index = 1;
    while index < parts.len() {
        let part = parts[index];
        match part.parse::<usize>() {
            Ok(position) => {
                let place = (position + 1).to_string();
                let inner = parts.get(index + 1).filter(|p| p.parse::<usize>().is_err());
                label = match inner {
                    Some(inner) => {
                        index += 1;
                        lang.t("fields.nth_field")
                            .replace("%{list}", &label)
                            .replace("%{n}", &place)
                            .replace("%{field}", &field_name(inner, kind, lang))
                    }
                    None => lang
                        .t("fields.nth")
                        .replace("%{list}", &label)
                        .replace("%{n}", &place),
                };
            }
            Err(_) => label = format!("{label} {}", field_name(part, kind, lang)),
        }
        index += 1;
    }
    label
}

/// One field's name: as the kind calls it, else as every form does; a
/// field the locales do not know (sent by a client) is named as sent.
fn field_name(field: &str, kind: Option<&str>, lang: Lang) -> String {
    kind.and_then(|kind| lookup(lang, &format!("fields.{kind}.{field}")))
        .or_else(|| lookup(lang, &format!("fields.{field}")))
        .unwrap_or_else(|| field.to_string())
}
