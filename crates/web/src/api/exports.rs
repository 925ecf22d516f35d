//! `/api/v1/exports/{kind}`: opportunities, contracts, payments or products
//! as CSV or XLSX, exactly the rows the caller may see.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kuijing_service::sales_export::SalesKind;
use serde::Deserialize;
use utoipa::IntoParams;

use super::customer_io::{format_of, send_file};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::Params;
use crate::i18n::Lang;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SalesExportParams {
    /// `csv` (the default) or `xlsx`.
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/exports/{kind}", tag = "exports",
    params(("kind" = String, Path, description = "`opportunities`, `contracts`, `payments` or `products`"), SalesExportParams),
    responses((status = 200, description = "The file", content_type = "text/csv"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn export_sales(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Path(kind): Path<String>,
    Params(p): Params<SalesExportParams>,
) -> Response {
    export(&state, &caller, lang, &kind, p.format.as_deref()).await
}

/// The export answered to the API and to the pages alike.
pub(crate) async fn export(
    state: &AppState,
    caller: &kuijing_service::Caller,
    lang: Lang,
    kind: &str,
    format: Option<&str>,
) -> Response {
    let result = async {
        let sales = SalesKind::parse(kind).ok_or(kuijing_service::ServiceError::NotFound)?;
        let format = format_of(format)?;
        let text = |key: &str| lang.t(key);
        let path = state.app.export_sales(caller, sales, format, &text).await?;
        send_file(path, format, kind).await
    }
    .await;
    result.unwrap_or_else(|error| {
        ApiError::from_service(error, lang, &caller.request_id).into_response()
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductImportParams {
    /// `csv` (the default) or `xlsx`.
    pub format: Option<String>,
    /// Only check the file and report; write nothing.
    #[serde(default)]
    pub check: bool,
}

/// Headers in every language, normalised, mapped to the fields they name.
fn aliases_for(columns: &[&str]) -> std::collections::BTreeMap<String, String> {
    let mut aliases = std::collections::BTreeMap::new();
    for lang in Lang::ALL {
        for field in columns {
            let label = lang.t(&format!("fields.{field}"));
            aliases.insert(kuijing_domain::text::normalize(&label), field.to_string());
        }
    }
    aliases
}

pub(crate) fn opportunity_aliases() -> std::collections::BTreeMap<String, String> {
    aliases_for(kuijing_service::opportunity_import::OPPORTUNITY_COLUMNS)
}

pub(crate) fn product_aliases() -> std::collections::BTreeMap<String, String> {
    aliases_for(kuijing_service::product_import::PRODUCT_COLUMNS)
}

#[utoipa::path(post, path = "/api/v1/products/import", tag = "products", params(ProductImportParams),
    request_body(content = Vec<u8>, description = "The file, as sent; its first row names the columns (name, code, category, unit, price, currency, on sale, description, in any of the three languages)", content_type = "application/octet-stream"),
    description = "All or nothing: with a problem in any row nothing is written, and the report lists every problem by row and field.",
    responses((status = 200, body = kuijing_service::product_import::ProductImportReport), (status = 422, body = Problem)))]
pub async fn import_products(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<ProductImportParams>,
    bytes: axum::body::Bytes,
) -> Response {
    let result = async {
        let format = format_of(p.format.as_deref())?;
        state
            .app
            .import_products(&caller, (&bytes, format), &product_aliases(), p.check)
            .await
    }
    .await;
    super::respond(result, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/opportunities/import", tag = "opportunities", params(ProductImportParams),
    request_body(content = Vec<u8>, description = "The file, as sent; its first row names the columns (name, customer, pipeline, stage, amount, currency, expected close date, notes, in any of the three languages)", content_type = "application/octet-stream"),
    description = "Each row's customer must be one the caller may see; the pipeline and stage are found by name (the default pipeline's first stage when left out). All or nothing; the stage history marks the rows as imported.",
    responses((status = 200, body = kuijing_service::product_import::ProductImportReport), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn import_opportunities(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<ProductImportParams>,
    bytes: axum::body::Bytes,
) -> Response {
    let result = async {
        let format = format_of(p.format.as_deref())?;
        let aliases = opportunity_aliases();
        state
            .app
            .import_opportunities(&caller, (&bytes, format), &aliases, p.check)
            .await
    }
    .await;
    super::respond(result, &caller, lang)
}
