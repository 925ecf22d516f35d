//! A payment's save that met a newer version: the form again, side by
//! side with what the other person saved (see `conflict`).

use axum::response::Response;
use kuijing_domain::{Kind, money};
use kuijing_service::{Caller, ServiceError};

use super::{PaymentForm, payment_form_view};
use crate::AppState;
use crate::i18n::Lang;
use crate::pages::conflict;
use crate::pages::contract_form::not_editable;
use crate::pages::contracts::method_choices;
use crate::pages::forms::{FormErrors, answer, error_page, status_of};
use crate::pages::stale_form::Stale;

/// The form again after a save met a newer version: every entry kept,
/// their version taken (so saving again is a deliberate overwrite), what
/// they changed shown beside what was typed, and each field only they
/// changed holding their value (so saving over puts back none of it).
pub(super) async fn stale_payment(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (id, form): (i64, PaymentForm),
    error: ServiceError,
) -> Response {
    let detail = match state.app.get_payment(caller, id).await {
        Ok(detail) if detail.can_edit => detail,
        Ok(detail) => return not_editable(detail.payment.status, ("payment", id), caller, lang),
        Err(error) => return error_page(error, caller, lang),
    };
    let defs = match state.app.custom_fields(Kind::Payment).await {
        Ok(defs) => defs,
        Err(error) => return error_page(error, caller, lang),
    };
    let stored = PaymentForm::of(&detail.payment);
    let mut names = conflict::Names::new("payment", lang, &defs);
    let methods = method_choices(state, caller).await.unwrap_or_default();
    names.option(
        "method_id",
        methods.into_iter().map(|(id, name)| (id.to_string(), name)),
    );
    if let Ok(contract) = state
        .app
        .get_contract(caller, detail.payment.contract_id)
        .await
    {
        let currency = &contract.row.contract.currency;
        names.option(
            "plan_id",
            contract.plans.iter().map(|p| {
                let text = format!(
                    "{} · {} · {}",
                    lang.t("contracts.instalment_n")
                        .replace("%{n}", &p.instalment.to_string()),
                    p.planned_on,
                    money::format_money(p.amount, currency)
                );
                (p.id.to_string(), text)
            }),
        );
    }
    let theirs = stored.values(&defs);
    let yours = form.values(&defs);
    let mut form = form;
    let reload = format!("/payments/{id}/edit");
    let shown = form.meet(&stored.version, (&theirs, &yours), &names, reload);
    let page = payment_form_view(
        state,
        caller,
        lang,
        (Some(id), None),
        form,
        FormErrors::default(),
    )
    .await
    .map(|mut page| {
        page.conflict = Some(shown);
        page
    });
    answer(page, status_of(&error), caller, lang)
}
