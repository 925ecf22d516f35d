//! The payments not yet approved that a refused amount was measured
//! against (`exceeds_outstanding`, `exceeds_instalment`): named in the message of the API, each
//! by its number, amount and status, and listed for programs under the
//! field's `pending`.

use kuijing_domain::FieldError;
use kuijing_domain::error::PendingRecord;
use serde::Serialize;
use utoipa::ToSchema;

use super::{field_label, param_text};
use crate::i18n::Lang;

/// A payment not yet approved that the refused amount counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingProblem {
    /// None for an earlier row of the same import file (never saved).
    pub id: Option<i64>,
    pub number: Option<String>,
    /// The row of the same import file the payment is on, for a payment
    /// the import has not saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// In minor units of `currency` (cents), as payments are.
    pub amount: i64,
    /// The amount as people read it, with its currency.
    pub amount_text: String,
    pub currency: String,
    /// `draft` or `in_approval`.
    pub status: String,
    /// The status in the caller's language.
    pub status_name: String,
}

/// The payments an error counted, for the API's body.
pub(super) fn pending_problems(error: &FieldError, lang: Lang) -> Vec<PendingProblem> {
    error
        .pending
        .iter()
        .map(|p| PendingProblem {
            id: p.id,
            number: p.number.clone(),
            row: p.row,
            amount: p.amount,
            amount_text: kuijing_domain::money::format_money(p.amount, &p.currency),
            currency: p.currency.clone(),
            status: p.status.clone(),
            status_name: status_name(p, lang),
        })
        .collect()
}

fn status_name(record: &PendingRecord, lang: Lang) -> String {
    let key = format!("doc_status.{}", record.status);
    let text = lang.t(&key);
    if text == key {
        record.status.clone()
    } else {
        text
    }
}

/// The API's message of an amount past what a contract (or an
/// instalment) has outstanding that counted payments not yet approved: it
/// names each of them (the pages list a contract's beside the form
/// instead). `None` for any other error.
pub(super) fn message_naming_pending(
    error: &FieldError,
    kind: Option<&str>,
    lang: Lang,
) -> Option<String> {
    let key = match error.code {
        // Nothing else waiting: the amount alone, no list to point to.
        "exceeds_outstanding" if error.pending.is_empty() => {
            return Some(filled(
                error,
                "sales_fix16.exceeds_outstanding_alone",
                kind,
                lang,
            ));
        }
        "exceeds_outstanding" => "sales_gaps.exceeds_outstanding_named",
        "exceeds_instalment" => "sales_fix15.exceeds_instalment_named",
        _ => return None,
    };
    naming_pending(error, key, kind, lang)
}

/// A form's message of an amount past what its instalment has
/// outstanding, naming the instalment's payments not yet approved (the
/// contract's are listed beside the form, not the instalment's).
pub fn form_message_naming_pending(error: &FieldError, lang: Lang) -> Option<String> {
    if error.code == "exceeds_outstanding" && error.pending.is_empty() {
        return Some(filled(
            error,
            "sales_fix16.exceeds_outstanding_alone_form",
            None,
            lang,
        ));
    }
    if error.code != "exceeds_instalment" {
        return None;
    }
    naming_pending(
        error,
        "sales_fix15.exceeds_instalment_named_form",
        None,
        lang,
    )
}

fn naming_pending(error: &FieldError, key: &str, kind: Option<&str>, lang: Lang) -> Option<String> {
    if error.pending.is_empty() {
        return None;
    }
    let text = filled(error, key, kind, lang);
    Some(text.replace("%{pending}", &pending_list(&error.pending, lang)))
}

/// The message `key` with the error's field and values filled in.
fn filled(error: &FieldError, key: &str, kind: Option<&str>, lang: Lang) -> String {
    let label = match &error.label {
        Some(label) => label.clone(),
        None => field_label(&error.field, kind, lang),
    };
    let text = lang.t(key).replace("%{field}", &label);
    error.params.iter().fold(text, |text, (name, value)| {
        text.replace(&format!("%{{{name}}}"), &param_text(lang, name, value))
    })
}

/// The payments not yet approved, each by its number, amount and status.
pub fn pending_list(pending: &[PendingRecord], lang: Lang) -> String {
    let named: Vec<String> = pending
        .iter()
        .map(|p| {
            let amount = kuijing_domain::money::format_money(p.amount, &p.currency);
            if let Some(row) = p.row {
                return lang
                    .t("sales_fix16.pending_row")
                    .replace("%{row}", &row.to_string())
                    .replace("%{amount}", &amount);
            }
            lang.t("sales_gaps.pending_payment")
                .replace("%{number}", p.number.as_deref().unwrap_or_default())
                .replace(
                    "%{amount}",
                    &kuijing_domain::money::format_money(p.amount, &p.currency),
                )
                .replace("%{status}", &status_name(p, lang))
        })
        .collect();
    named.join(&lang.t("sales_gaps.pending_separator"))
}

/// An import row's amount past what its contract or instalment has
/// outstanding: both amounts, and the payments not yet approved it counted
/// (earlier rows of the file among them). `None` for any other problem.
pub fn import_message(
    problem: &kuijing_service::imports::ImportProblem,
    kind: &str,
    lang: Lang,
) -> Option<String> {
    let code = problem.code.as_str();
    if code != "exceeds_outstanding_import" && code != "exceeds_instalment_import" {
        return None;
    }
    let label = match &problem.label {
        Some(label) => label.clone(),
        None => field_label(&problem.field, Some(kind), lang),
    };
    let text = lang
        .t(&format!("sales_fix15.import.{code}"))
        .replace("%{field}", &label);
    let mut text = problem.params.iter().fold(text, |text, (name, value)| {
        text.replace(&format!("%{{{name}}}"), value)
    });
    if !problem.pending.is_empty() {
        text.push(' ');
        text.push_str(
            &lang
                .t("sales_fix15.import_pending")
                .replace("%{pending}", &pending_list(&problem.pending, lang)),
        );
    }
    Some(text)
}
