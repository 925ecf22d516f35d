//! The report builder's form: a saved report's name, kind, groupings,
//! measures, filters, chart and sharing, created and changed through the
//! same service calls as the API. Changing the kind or a filter's field
//! shows the form again with what fits (a button, pressed by the script
//! when a choice changes), keeping everything typed.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kuijing_domain::FieldErrors;
use kuijing_service::report_builder::{BuilderCatalog, CatalogField};
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::Shell;
use super::forms::{answer, error_page, status_of};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::{field_message, message};
use crate::extract::{Id, Params};
use crate::i18n::Lang;

mod draft;

pub(crate) use draft::{Draft, FilterDraft};

/// Filter rows shown: those typed and one more, up to this many.
const MAX_FILTERS: usize = 8;
const BUCKETS: [&str; 5] = ["day", "week", "month", "quarter", "year"];
const CHARTS: [&str; 5] = ["bar", "line", "pie", "funnel", "table"];
const MEASURES: [&str; 3] = ["count", "sum", "average"];

#[derive(Template)]
#[template(path = "report_form.html")]
struct FormView {
    shell: Shell,
    id: Option<i64>,
    draft: Draft,
    catalog: BuilderCatalog,
    /// Filter rows: those typed and one blank.
    rows: Vec<FilterDraft>,
    errors: HashMap<String, String>,
    problem: Option<String>,
    /// The filters taken off because the kind chosen has not their field
    /// (kept from the kind before), named for the viewer.
    dropped: Option<String>,
}

impl FormView {
    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/reports/custom/{id}/edit"),
            None => "/reports/custom/new".into(),
        }
    }

    fn buckets(&self) -> [&'static str; 5] {
        BUCKETS
    }

    fn charts(&self) -> [&'static str; 5] {
        CHARTS
    }

    fn measure_ops(&self) -> [&'static str; 3] {
        MEASURES
    }

    fn label(&self, field: &CatalogField) -> String {
        match &field.label {
            Some(label) => label.clone(),
            None => self.field_name(&field.name),
        }
    }

    fn field_name(&self, name: &str) -> String {
        if let Some(field) = self.catalog.fields.iter().find(|f| f.name == name)
            && let Some(label) = &field.label
        {
            return label.clone();
        }
        let text = |key: &str| self.shell.t(key);
        kuijing_service::reports::grouping_label(name, &text)
    }

    fn field(&self, name: &str) -> Option<&CatalogField> {
        self.catalog.fields.iter().find(|f| f.name == name)
    }

    fn groupable(&self) -> Vec<&CatalogField> {
        self.catalog.fields.iter().filter(|f| f.groupable).collect()
    }

    fn measurable(&self) -> Vec<&CatalogField> {
        self.catalog
            .fields
            .iter()
            .filter(|f| f.measurable)
            .collect()
    }

    fn periods(&self) -> Vec<&CatalogField> {
        self.catalog.fields.iter().filter(|f| f.period).collect()
    }

    fn operators(&self, row: &FilterDraft) -> Vec<&'static str> {
        self.field(&row.field)
            .map(|f| f.operators.clone())
            .unwrap_or_default()
    }

    /// Whether the row's field takes a number of days (`older_than_days`).
    fn takes_days(&self, row: &FilterDraft) -> bool {
        self.operators(row).contains(&"older_than_days")
    }

    fn value_kind(&self, row: &FilterDraft) -> &'static str {
        self.field(&row.field).map_or("", |f| f.value_kind)
    }

    fn operator_label(&self, op: &str) -> String {
        let own = self.shell.tk("report_form.op", op);
        if !own.starts_with("report_form.op.") {
            return own;
        }
        let time = self.shell.tk("insight_fix13.op", op);
        if time.starts_with("insight_fix13.op.") {
            self.shell.tk("period", op)
        } else {
            time
        }
    }

    fn choice_label(&self, field: &CatalogField, label: &str) -> String {
        if !field.coded {
            return label.to_string();
        }
        super::reports::coded_value(&self.shell, &field.name, label)
            .unwrap_or_else(|| label.to_string())
    }

    fn chosen(&self, list: &[String], id: &i64) -> bool {
        list.iter().any(|v| *v == id.to_string())
    }

    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }

    fn picked(&self, list: &[String], value: &str) -> bool {
        list.iter().any(|v| v == value)
    }

    fn group_error(&self, index: &usize) -> Option<&String> {
        self.error_in(&format!("group_by.{index}"))
    }

    fn measure_error(&self, index: &usize) -> Option<&String> {
        self.error_in(&format!("measures.{index}"))
    }

    fn filter_error(&self, index: &usize) -> Option<&String> {
        self.error_in(&format!("filters.{index}"))
    }

    fn error(&self, key: &str) -> Option<&String> {
        self.errors.get(key)
    }

    /// The first message for a field or anything inside it (`measures.0`
    /// covers `measures.0.field`).
    fn error_in(&self, key: &str) -> Option<&String> {
        let nested = format!("{key}.");
        self.errors
            .iter()
            .filter(|(k, _)| *k == key || k.starts_with(&nested))
            .min_by_key(|(k, _)| k.len())
            .map(|(_, m)| m)
    }
}

/// How a person knows a field the builder names in a refusal (`signed_on`,
/// `signed_on:hour`, `custom.region`): a custom field by its label, a system
/// field as the form shows it; anything else as it was sent.
fn builder_label(name: &str, catalog: &BuilderCatalog, lang: Lang) -> String {
    let base = name.split_once(':').map_or(name, |(base, _)| base);
    // A field of another kind (a filter kept from before the kind
    // changed) is named as that kind names it.
    let field = catalog.fields.iter().find(|f| f.name == base);
    if let Some(label) = field.and_then(|f| f.label.as_ref()) {
        return label.clone();
    }
    if field.is_none() && base.starts_with("custom.") {
        return name.to_string();
    }
    let text = |key: &str| lang.t(key);
    let label = kuijing_service::reports::grouping_label(base, &text);
    if label.starts_with("fields.") {
        base.to_string()
    } else {
        label
    }
}

/// Names each refused field of a builder report by its label, for the form
/// and the API alike.
pub(crate) fn name_builder_fields(
    error: ServiceError,
    catalog: &BuilderCatalog,
    lang: Lang,
) -> ServiceError {
    match error {
        ServiceError::Invalid(mut errors) => {
            for e in &mut errors.0 {
                if let Some(label) = &e.label {
                    e.label = Some(builder_label(label, catalog, lang));
                }
            }
            ServiceError::Invalid(errors)
        }
        other => other,
    }
}

/// Each refusal under its full name, with the field named as the form
/// names it.
fn messages(errors: &FieldErrors, catalog: &BuilderCatalog, lang: Lang) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for error in &errors.0 {
        let mut error = error.clone();
        if let Some(label) = &error.label {
            error.label = Some(builder_label(label, catalog, lang));
        }
        out.entry(error.field.clone())
            .or_insert_with(|| field_message(&error, lang));
    }
    out
}

async fn form_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (id, draft): (Option<i64>, Draft),
    refused: Option<&ServiceError>,
) -> Result<FormView, ServiceError> {
    let kind = if draft.kind.is_empty() {
        "customers".to_string()
    } else {
        draft.kind.clone()
    };
    // An unknown kind (an edited address) falls back to the first one.
    let catalog = match state.app.report_catalog(caller, &kind).await {
        Ok(catalog) => catalog,
        Err(ServiceError::Invalid(_)) => state.app.report_catalog(caller, "customers").await?,
        Err(other) => return Err(other),
    };
    let title = if id.is_some() {
        "report_form.edit_title"
    } else {
        "report_form.new_title"
    };
    let shell = Shell::new(state, caller, lang, "/reports", title);
    let (errors, problem) = match refused {
        Some(ServiceError::Invalid(errors)) => (
            messages(errors, &catalog, lang),
            Some(lang.t("problems.invalid")),
        ),
        Some(other) => (HashMap::new(), Some(message(other, lang))),
        None => (HashMap::new(), None),
    };
    // Filters on a field the kind has not (another kind's, kept from before
    // the kind changed) are taken off and named; after a refusal they stay,
    // each beside its message.
    let mut draft = draft;
    let mut dropped = None;
    if refused.is_none() {
        let (kept, gone): (Vec<FilterDraft>, Vec<FilterDraft>) = draft
            .filters
            .into_iter()
            .partition(|f| catalog.fields.iter().any(|c| c.name == f.field));
        draft.filters = kept;
        if !gone.is_empty() {
            let names: Vec<String> = gone
                .iter()
                .map(|f| {
                    let text = |key: &str| lang.t(key);
                    let label = kuijing_service::reports::grouping_label(&f.field, &text);
                    if label.starts_with("fields.") {
                        f.field.clone()
                    } else {
                        label
                    }
                })
                .collect();
            dropped = Some(
                lang.t("insight_fix15.builder.filters_dropped")
                    .replace(
                        "%{kind}",
                        &lang.t(&format!("kinds_plural.{}", catalog.kind)),
                    )
                    .replace("%{fields}", &names.join(", ")),
            );
        }
    }
    let mut rows = draft.filters.clone();
    if rows.len() < MAX_FILTERS {
        rows.push(FilterDraft::default());
    }
    Ok(FormView {
        shell,
        id,
        draft: Draft {
            kind: catalog.kind.to_string(),
            ..draft
        },
        catalog,
        rows,
        errors,
        problem,
        dropped,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    kind: String,
}

/// `GET /reports/custom/new`: a blank report of a kind.
pub async fn new_report(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<NewQuery>,
) -> Response {
    answer(
        form_view(
            &state,
            &caller,
            lang,
            (None, Draft::blank(&query.kind)),
            None,
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

/// `GET /reports/custom/{id}/edit`: a saved report its maker may change.
pub async fn edit_report(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let built = async {
        let view = state.app.saved_report(&caller, id).await?;
        if !view.editable {
            return Err(ServiceError::Forbidden);
        }
        form_view(
            &state,
            &caller,
            lang,
            (Some(id), Draft::of_saved(&view)),
            None,
        )
        .await
    }
    .await;
    answer(built, StatusCode::OK, &caller, lang)
}

/// `POST /reports/custom/new`: saves a new report, or shows the form again
/// for another kind or filter field.
pub async fn create_report(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    save(&state, &caller, lang, None, pairs).await
}

/// `POST /reports/custom/{id}/edit`: saves a changed report.
pub async fn update_report(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    save(&state, &caller, lang, Some(id), pairs).await
}

async fn save(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    pairs: Vec<(String, String)>,
) -> Response {
    let refresh = pairs.iter().any(|(k, _)| k == "refresh");
    let draft = Draft::parse(pairs);
    if let Err(error) = state.app.may_build_reports(caller) {
        return error_page(error, caller, lang);
    }
    if refresh {
        return answer(
            form_view(state, caller, lang, (id, draft), None).await,
            StatusCode::OK,
            caller,
            lang,
        );
    }
    let catalog = match state.app.report_catalog(caller, &draft.kind).await {
        Ok(catalog) => catalog,
        Err(ServiceError::Invalid(_)) => {
            match state.app.report_catalog(caller, "customers").await {
                Ok(catalog) => catalog,
                Err(error) => return error_page(error, caller, lang),
            }
        }
        Err(error) => return error_page(error, caller, lang),
    };
    let definition = draft.definition(&catalog);
    let saved = match id {
        None => state.app.create_report(caller, &definition).await,
        Some(id) => {
            let version = draft.version.trim().parse().unwrap_or(-1);
            state
                .app
                .update_report(caller, (id, version), &definition)
                .await
        }
    };
    match saved {
        Ok(view) => {
            Redirect::to(&format!("/reports/custom/{}?done=saved", view.id)).into_response()
        }
        Err(ServiceError::Stale { version }) => {
            // Saving again overwrites what the other person saved.
            let draft = Draft {
                version: version.to_string(),
                ..draft
            };
            let error = ServiceError::Stale { version };
            answer(
                form_view(state, caller, lang, (id, draft), Some(&error)).await,
                status_of(&error),
                caller,
                lang,
            )
        }
        Err(
            error @ (ServiceError::Invalid(_)
            | ServiceError::Changed { .. }
            | ServiceError::Refused { .. }),
        ) => answer(
            form_view(state, caller, lang, (id, draft), Some(&error)).await,
            status_of(&error),
            caller,
            lang,
        ),
        Err(error) => error_page(error, caller, lang),
    }
}
