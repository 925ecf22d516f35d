//! The settings form that says which customer custom field each lead
//! custom field becomes when a lead is converted.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_service::lead_convert::FieldPair;

use super::field_settings::{FieldForm, back_to, fields_view};
use super::forms::after_post;
use crate::AppState;
use crate::auth::PageUser;
use crate::i18n::Lang;

/// `map.<lead key>` = the customer key it becomes, or empty for none.
pub async fn save_mapping(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let pairs = form
        .iter()
        .filter_map(|(name, value)| {
            let lead_key = name.strip_prefix("map.")?;
            Some(FieldPair {
                lead_key: lead_key.to_string(),
                customer_key: value.trim().to_string(),
            })
        })
        .collect();
    let result = state.app.set_lead_field_mapping(&caller, pairs).await;
    after_post(
        result,
        |_| back_to("lead", "saved"),
        async |errors| {
            let shown = (FieldForm::default(), None, errors);
            fields_view(&state, &caller, lang, "lead", shown).await
        },
        &caller,
        lang,
    )
    .await
}
