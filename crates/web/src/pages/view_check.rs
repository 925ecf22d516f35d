//! A saved view is a list's query: it is saved only when that list reads
//! it, through the very code the list page runs on it, so a view never
//! opens onto an error. Used by the page and the API alike.

use axum::http::Uri;
use kuijing_domain::{FieldError, FieldErrors};
use kuijing_service::error::ServiceError;
use kuijing_service::saved_views::SavedViewInput;
use kuijing_service::{Caller, saved_views};
use serde::de::DeserializeOwned;

use super::forms::FormErrors;
use super::records::{added_value, conditions_of};
use crate::AppState;
use crate::i18n::Lang;

/// Refuses (422, on `query`) a view whose list would refuse its query, or
/// ignore part of it with a note, naming what is wrong in the user's
/// language.
pub(crate) async fn check(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    input: &SavedViewInput,
) -> Result<(), ServiceError> {
    let query = saved_views::clean_query(&input.query);
    let Ok(uri) = format!("/?{query}").parse::<Uri>() else {
        return Err(refused(lang.t("life_fix3.views.unreadable")));
    };
    let read = match input.kind.as_str() {
        "customer" => {
            let p = parse(&uri, lang)?;
            super::customers::list_page(state, caller, lang, p, FormErrors::default())
                .await
                .map(|page| page.shell.list_note)
        }
        "lead" => {
            let p = parse(&uri, lang)?;
            super::leads::list_page(state, caller, lang, p, FormErrors::default())
                .await
                .map(|page| page.shell.list_note)
        }
        "contact" => {
            let p = parse(&uri, lang)?;
            super::contacts::list_page(state, caller, lang, p, FormErrors::default())
                .await
                .map(|page| page.shell.list_note)
        }
        "opportunity" => {
            let p = parse(&uri, lang)?;
            super::opportunities::list_view(state, caller, lang, p, None)
                .await
                .map(|page| page.shell.list_note)
        }
        "contract" => {
            let p = parse(&uri, lang)?;
            super::contracts::contracts_view(state, caller, lang, p, None)
                .await
                .map(|page| page.shell.list_note)
        }
        "payment" => {
            let p = parse(&uri, lang)?;
            super::payments::payments_view(state, caller, lang, p, None)
                .await
                .map(|page| page.shell.list_note)
        }
        "product" => {
            let p = parse(&uri, lang)?;
            super::products::list_view(state, caller, lang, p, FormErrors::default())
                .await
                .map(|page| page.shell.list_note)
        }
        // The service names an unknown list.
        _ => Ok(None),
    };
    match read {
        Err(ServiceError::Invalid(errors)) => {
            let problems: Vec<String> = named_conditions(errors, &query)
                .0
                .iter()
                .map(|e| crate::error::field_message_in(e, Some(&input.kind), lang))
                .collect();
            Err(refused(problems.join(" ")))
        }
        Err(other) => Err(other),
        // The list would ignore part of the query (a view or a sort it does
        // not have, a page link of another sort) and say so: the view
        // would open onto that note, so it is refused with it.
        Ok(Some(note)) => Err(refused(note)),
        Ok(None) => Ok(()),
    }
}

/// The list's parameters as its page reads them; one that does not read is
/// named with the form it takes.
fn parse<T: DeserializeOwned>(uri: &Uri, lang: Lang) -> Result<T, ServiceError> {
    axum_extra::extract::Query::<T>::try_from_uri(uri)
        .map(|q| q.0)
        .map_err(|rejection| {
            let field = crate::extract::query_field(&rejection.body_text());
            let value = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
                .find(|(key, _)| *key == field)
                .map(|(_, value)| value.into_owned())
                .unwrap_or_default();
            let inner = FieldError::new(field.clone(), "parameter_unreadable")
                .labelled(&field)
                .with("value", value)
                .with("expected", lang.t("life_fix3.params.expected.text"));
            refused(crate::error::field_message_in(&inner, None, lang))
        })
}

/// A refused condition (`filters.N`) named by the field it is on, as the
/// address has it, rather than by its place.
fn named_conditions(mut errors: FieldErrors, query: &str) -> FieldErrors {
    let mut values: std::collections::HashMap<String, Vec<String>> = Default::default();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        values
            .entry(key.into_owned())
            .or_default()
            .push(value.into_owned());
    }
    let one = |key: &str| {
        values
            .get(key)
            .and_then(|v| v.first())
            .cloned()
            .unwrap_or_default()
    };
    let cv = added_value(&one("cv"), &one("cvf"), &one("cvt"));
    let picked = values.get("cvc").cloned().unwrap_or_default();
    let conditions = conditions_of(&one("c"), &one("cond"), &cv, &picked);
    for e in &mut errors.0 {
        let place = e
            .field
            .strip_prefix("filters.")
            .and_then(|n| n.parse::<usize>().ok());
        if let Some((field, _, _)) = place.and_then(|n| conditions.get(n))
            && e.label.is_none()
        {
            e.label = Some(format!("“{field}”"));
        }
    }
    errors
}

fn refused(problem: String) -> ServiceError {
    FieldErrors::from(FieldError::new("query", "view_query_refused").with("problem", problem))
        .into()
}
