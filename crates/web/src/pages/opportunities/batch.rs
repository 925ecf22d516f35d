//! The opportunity list's batch actions (transfer, stage, delete), its
//! export and its import.

use super::*;

#[derive(Debug, Default, Deserialize)]
pub struct BatchForm {
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    owner_id: String,
    #[serde(default)]
    keep_former_owner: String,
    #[serde(default)]
    stage_id: String,
    /// `1` when the batch is every opportunity that matches the list's filter.
    #[serde(default)]
    all_matching: String,
    /// The list's query, for "all that match".
    #[serde(default)]
    matching: String,
}

impl BatchForm {
    /// The ticked ids, unless the batch is all that match.
    fn ids(&self) -> Vec<i64> {
        if self.all_matching == "1" {
            return Vec::new();
        }
        self.ids
            .iter()
            .filter_map(|id| optional_number(id))
            .collect()
    }

    fn matching(&self) -> Option<OpportunityMatch> {
        (self.all_matching == "1").then(|| query_of::<ListQuery>(&self.matching).matching())
    }

    /// The list to come back to, with its filter.
    fn list_path(&self) -> String {
        let query = without_notices(&self.matching);
        if query.is_empty() {
            "/opportunities".to_string()
        } else {
            format!("/opportunities?{query}")
        }
    }
}

/// After a batch action: the list again with its filter and how many the
/// action touched, or the page saying what refused it.
fn batch_done(
    state: &AppState,
    (caller, lang): (&Caller, Lang),
    form: &BatchForm,
    result: Result<u64, ServiceError>,
) -> Response {
    let count = match result {
        Ok(count) => count,
        Err(error) => {
            let back = (error, "/opportunities", "/opportunities");
            return crate::pages::approvals::refused(state, caller, lang, back);
        }
    };
    let path = form.list_path();
    let separator = if path.contains('?') { '&' } else { '?' };
    axum::response::Redirect::to(&format!("{path}{separator}done=batch_done&n={count}"))
        .into_response()
}

/// The ticked opportunities (or all that match) deleted, all or none.
pub async fn delete_many(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    let batch = kuijing_service::opportunities::OpportunityBatch {
        ids: form.ids(),
        matching: form.matching(),
    };
    let result = state.app.delete_opportunities(&caller, &batch).await;
    batch_done(&state, (&caller, lang), &form, result)
}

#[derive(Debug, Default, Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    format: String,
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    all_matching: String,
    #[serde(default)]
    matching: String,
}

/// Exports the list as filtered, the ticked rows, or all that match, in the
/// columns the user chose.
pub async fn export(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    headers: axum::http::HeaderMap,
    Params(query): Params<ListQuery>,
    axum_extra::extract::Query(extra): axum_extra::extract::Query<ExportForm>,
) -> Response {
    let (query, ids) = if extra.all_matching == "1" {
        (query_of::<ListQuery>(&extra.matching), None)
    } else {
        let ids: Vec<String> = extra
            .ids
            .iter()
            .filter(|i| !i.trim().is_empty())
            .cloned()
            .collect();
        (query, (!ids.is_empty()).then(|| ids.join(",")))
    };
    let format = if extra.format.is_empty() {
        "xlsx"
    } else {
        extra.format.as_str()
    };
    let filter = query.export(ids);
    crate::api::exports_page(
        &state,
        (&caller, &headers),
        lang,
        "opportunities",
        (Some(format), &filter),
    )
    .await
}

/// The ticked opportunities given to another owner.
pub async fn transfer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    let input = kuijing_service::opportunities::OpportunityTransferInput {
        ids: form.ids(),
        matching: form.matching(),
        owner_id: optional_number(&form.owner_id).unwrap_or(-1),
        keep_former_owner: optional_text(&form.keep_former_owner),
    };
    let result = state.app.transfer_opportunities(&caller, &input).await;
    batch_done(&state, (&caller, lang), &form, result)
}

/// The ticked opportunities moved to one stage, all or none.
pub async fn move_many(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    let input = kuijing_service::opportunities::BulkMoveInput {
        ids: form.ids(),
        matching: form.matching(),
        change: MoveInput {
            stage_id: optional_number(&form.stage_id),
            outcome: None,
            reason: None,
        },
    };
    let result = state.app.move_opportunities(&caller, &input).await;
    batch_done(&state, (&caller, lang), &form, result)
}

/// The list with its import box as an upload left it (or opened for one).
pub(in crate::pages) async fn list_with_import(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    shown: ImportBox,
) -> Response {
    answer(
        list_view(state, caller, lang, ListQuery::default(), Some(shown)).await,
        StatusCode::OK,
        caller,
        lang,
    )
}
