//! `/api/v1/exports/{kind}`: opportunities, contracts, payments or products
//! as CSV or XLSX, exactly the rows the caller may see.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kuijing_service::list_columns::ListKind;
use kuijing_service::sales_export::{SalesExport, SalesKind};
use serde::Deserialize;
use utoipa::IntoParams;

use super::customer_io::{ImportParams, RecordImportUpload, format_of, import_answer, send_file};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::Params;
use crate::i18n::Lang;
use crate::imports::{ImportKind, ImportRequest, RecordImport, UploadForm, explain};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SalesExportParams {
    /// `csv` (the default) or `xlsx`.
    pub format: Option<String>,
}

/// Which rows and columns a sales export holds.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SalesExportFilter {
    /// Only these records (comma-separated ids); otherwise all that match.
    pub ids: Option<String>,
    /// `mine` for the list's columns as the caller chose them, or field
    /// names separated by commas; otherwise the kind's export columns.
    pub columns: Option<String>,
    /// Text found in names and numbers.
    pub q: Option<String>,
    /// `mine` or `all`.
    pub view: Option<String>,
    /// Contracts and payments: their status.
    pub status: Option<String>,
    /// Opportunities: `open`, `won`, `lost` or `invalid`.
    pub outcome: Option<String>,
    /// Opportunities: their pipeline.
    pub pipeline_id: Option<i64>,
    /// Opportunities: their stage.
    pub stage_id: Option<i64>,
    /// Contracts: approved ones ending within this many days.
    pub ending: Option<i64>,
    /// Opportunities, contracts and payments of this customer.
    pub customer_id: Option<i64>,
    /// Payments: conditions on their custom fields as JSON, as the payment
    /// list takes them (`[{"field":"custom.channel","op":"equals","value":"Wire"}]`).
    pub filter: Option<String>,
}

impl SalesExportFilter {
    /// The export the service writes, with the caller's chosen columns
    /// looked up when asked for.
    pub(crate) async fn export(
        &self,
        state: &AppState,
        caller: &kuijing_service::Caller,
        kind: SalesKind,
    ) -> Result<SalesExport, kuijing_service::ServiceError> {
        let ids = match self.ids.as_deref().filter(|i| !i.trim().is_empty()) {
            Some(text) => Some(
                text.split(',')
                    .map(|i| i.trim().parse::<i64>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| {
                        kuijing_service::ServiceError::Invalid(
                            kuijing_domain::FieldError::new("ids", "invalid_value").into(),
                        )
                    })?,
            ),
            None => None,
        };
        let columns = match ListKind::parse(kind_name_of(kind)) {
            Some(list) => {
                super::list_columns::columns_param(state, caller, list, self.columns.as_deref())
                    .await?
            }
            None => None,
        };
        let text = |t: &Option<String>| t.clone().filter(|t| !t.trim().is_empty());
        Ok(SalesExport {
            ids,
            columns,
            search: text(&self.q),
            view: text(&self.view),
            status: text(&self.status),
            outcome: text(&self.outcome),
            pipeline_id: self.pipeline_id,
            stage_id: self.stage_id,
            ending_within_days: self.ending,
            customer_id: self.customer_id,
            filters: super::customers::filters_of(self.filter.as_deref())?,
        })
    }
}

fn kind_name_of(kind: SalesKind) -> &'static str {
    match kind {
        SalesKind::Opportunity => "opportunity",
        SalesKind::Contract => "contract",
        SalesKind::Payment => "payment",
        SalesKind::Product => "product",
    }
}

#[utoipa::path(get, path = "/api/v1/exports/{kind}", tag = "exports",
    params(("kind" = String, Path, description = "`opportunities`, `contracts`, `payments` or `products`"), SalesExportParams, SalesExportFilter),
    responses((status = 200, description = "The file", content_type = "text/csv"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn export_sales(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Path(kind): Path<String>,
    Params(p): Params<SalesExportParams>,
    Params(filter): Params<SalesExportFilter>,
) -> Response {
    export(&state, &caller, lang, &kind, (p.format.as_deref(), &filter)).await
}

/// The export answered to the API and to the pages alike.
pub(crate) async fn export(
    state: &AppState,
    caller: &kuijing_service::Caller,
    lang: Lang,
    kind: &str,
    (format, filter): (Option<&str>, &SalesExportFilter),
) -> Response {
    export_file(state, caller, lang, kind, (format, filter))
        .await
        .unwrap_or_else(|error| {
            ApiError::from_service(error, lang, &caller.request_id).into_response()
        })
}

/// A sales list's file, or why there is none.
pub(crate) async fn export_file(
    state: &AppState,
    caller: &kuijing_service::Caller,
    lang: Lang,
    kind: &str,
    (format, filter): (Option<&str>, &SalesExportFilter),
) -> Result<Response, kuijing_service::ServiceError> {
    async {
        let sales = SalesKind::parse(kind).ok_or(kuijing_service::ServiceError::NotFound)?;
        let format = format_of(format)?;
        let export = filter.export(state, caller, sales).await?;
        let text = |key: &str| lang.t(key);
        let path = state
            .app
            .export_sales(caller, sales, &export, format, &text)
            .await?;
        send_file(path, format, kind).await
    }
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductImportParams {
    /// `csv` or `xlsx`; left out, from the file's name, else from its
    /// content.
    // Read by `ImportRequest` itself, which gives the format; named here
    // for the API's document.
    #[allow(dead_code)]
    pub format: Option<String>,
    /// The file's name, when the body is the file itself (its extension
    /// gives the format).
    #[allow(dead_code)]
    pub name: Option<String>,
    /// Only check the file and report; write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// The older name of `dry_run`, still read.
    #[serde(default)]
    pub check: bool,
    /// Payments only: allow payments above what the contract still has
    /// outstanding.
    #[serde(default)]
    pub allow_exceeding: bool,
}

/// A file of products, opportunities, contracts or payments, imported.
async fn import_sales(
    state: &AppState,
    (caller, lang): (&kuijing_service::Caller, Lang),
    kind: ImportKind,
    sent: ImportRequest<ProductImportParams>,
) -> Response {
    let result = async {
        let p = sent.options;
        let form = UploadForm {
            bytes: sent.bytes,
            format: sent.format,
            check: p.dry_run || p.check,
            allow_exceeding: p.allow_exceeding,
        };
        let mut report = kind.run(state, caller, &form).await?;
        explain(&mut report, kind_name(kind), lang);
        Ok(report)
    }
    .await;
    super::respond(result, caller, lang)
}

/// The kind as field names are looked up for it.
pub(crate) fn kind_name(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Product => "product",
        ImportKind::Opportunity => "opportunity",
        ImportKind::Contract => "contract",
        ImportKind::Payment => "payment",
    }
}

#[utoipa::path(post, path = "/api/v1/products/import", tag = "products", params(ProductImportParams),
    request_body(description = "The file: as a multipart form (the file in `file`, options as other fields or in the query), or as the whole body (the file's name in `name`, or the format from `format` or the content); its first row names the columns (name, code, category, unit, price, currency, on sale, description, in any of the three languages)",
        content((ImportUpload = "multipart/form-data"), (Vec<u8> = "application/octet-stream"))),
    description = "All or nothing: with a problem in any row nothing is written, and the report lists every problem by row and field.",
    responses((status = 200, body = kuijing_service::imports::ImportReport), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn import_products(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    sent: ImportRequest<ProductImportParams>,
) -> Response {
    import_sales(&state, (&caller, lang), ImportKind::Product, sent).await
}

#[utoipa::path(post, path = "/api/v1/opportunities/import", tag = "opportunities", params(ProductImportParams),
    request_body(description = "The file: as a multipart form (the file in `file`, options as other fields or in the query), or as the whole body (the file's name in `name`, or the format from `format` or the content); its first row names the columns (name, customer, pipeline, stage, outcome, reason, amount, currency, expected close date, owner, notes, product lines, product, quantity, price, in any of the three languages)",
        content((ImportUpload = "multipart/form-data"), (Vec<u8> = "application/octet-stream"))),
    description = "Each row's customer must be one the caller may see; the pipeline and stage are found by name (the default pipeline's first stage when left out). An outcome (won, lost with a reason, invalid; in any of the three languages) needs the opportunity edit permission and is the same stage change as on the board. The owner is a user by phone or name within the caller's scope for opportunities. Product lines are read as the export writes them (product code or name × quantity @ price −discount%), and one more line from the product, quantity, price and discount columns, each checked as the form checks it. All or nothing; every problem of every row is named by row and field with its message, and the stage history marks the rows as imported.",
    responses((status = 200, body = kuijing_service::imports::ImportReport), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn import_opportunities(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    sent: ImportRequest<ProductImportParams>,
) -> Response {
    import_sales(&state, (&caller, lang), ImportKind::Opportunity, sent).await
}

/// The multipart form of a product, opportunity, contract or payment
/// import; the options may be sent in the query instead.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ImportUpload {
    /// The CSV or XLSX file; its first row names the columns, in any of the
    /// three languages (see the template).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `csv` or `xlsx`; left out, from the file's name, else its content.
    format: Option<String>,
    /// `true` to check the file and report, writing nothing (`check`, the
    /// older name, is still read).
    dry_run: Option<bool>,
    /// Payments only: `true` to allow payments above what the contract still
    /// has outstanding.
    allow_exceeding: Option<bool>,
}

#[utoipa::path(post, path = "/api/v1/contracts/import", tag = "contracts", params(ProductImportParams),
    request_body(description = "The file: as a multipart form (the file in `file`, options as other fields or in the query), or as the whole body (the file's name in `name`, or the format from `format` or the content)",
        content((ImportUpload = "multipart/form-data"), (Vec<u8> = "application/octet-stream"))),
    description = "Columns: number (blank takes the number rule's next), name, customer (by name, one the caller may change), opportunity (by name, of that customer), amount, currency, signing, start and end dates, customer signer (a contact of the customer), company signer (a user by name or phone), payment method, owner (by name or phone, in the caller's scope), notes, product lines as the export writes them (product code or name × quantity @ price −discount%), and one more line from the product, quantity, price and discount columns. Contracts are saved as drafts. All or nothing; every problem is named by row and field with its message.",
    responses((status = 200, body = kuijing_service::imports::ImportReport), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn import_contracts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    sent: ImportRequest<ProductImportParams>,
) -> Response {
    import_sales(&state, (&caller, lang), ImportKind::Contract, sent).await
}

#[utoipa::path(post, path = "/api/v1/payments/import", tag = "payments", params(ProductImportParams),
    request_body(description = "The file: as a multipart form (the file in `file`, options as other fields or in the query), or as the whole body (the file's name in `name`, or the format from `format` or the content)",
        content((ImportUpload = "multipart/form-data"), (Vec<u8> = "application/octet-stream"))),
    description = "Columns: number (blank takes the number rule's next), contract (by number, an approved one the caller may see), instalment (its number), date received (not in the future), payment method, amount, currency (the contract's), notes, and the payment custom fields by their label or key, each checked as the form checks it. Payments are saved as drafts awaiting submission; one above what the contract still has outstanding is refused unless `allow_exceeding` is set. All or nothing.",
    responses((status = 200, body = kuijing_service::imports::ImportReport), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn import_payments(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    sent: ImportRequest<ProductImportParams>,
) -> Response {
    import_sales(&state, (&caller, lang), ImportKind::Payment, sent).await
}

#[utoipa::path(get, path = "/api/v1/imports/{kind}/template", tag = "exports",
    params(("kind" = String, Path, description = "`customers`, `leads`, `contacts`, `products`, `opportunities`, `contracts` or `payments`"), SalesExportParams),
    description = "A file with the header row an import of the kind reads, in the caller's language; customers, leads, contacts, opportunities, contracts and payments end with their custom fields.",
    responses((status = 200, description = "The file", content_type = "text/csv"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn import_template(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    headers: axum::http::HeaderMap,
    Path(kind): Path<String>,
    Params(p): Params<SalesExportParams>,
) -> Response {
    let result = async {
        let of: crate::imports::TemplateOf = match RecordImport::parse(&kind) {
            Some(kind) => kind.into(),
            None => ImportKind::parse(&kind)
                .ok_or(kuijing_service::ServiceError::NotFound)?
                .into(),
        };
        let format = format_of(p.format.as_deref())?;
        crate::imports::template(&state, &caller, lang, of, format).await
    }
    .await;
    // The import pages link here: a browser is shown a page.
    result.unwrap_or_else(|error| {
        crate::error::error_answer(error, lang, &caller.request_id, &headers)
    })
}

#[utoipa::path(post, path = "/api/v1/leads/import", tag = "leads", params(ImportParams),
    request_body(description = "The file: as a multipart form (the file in `file`, options as other fields or in the query), or as the whole body (the file's name in `name`, or the format from `format` or the content); its first row names the columns (name, contact, mobile, phone, e-mail, address, postcode (a postcode leading the address goes to it), level, industry, source, notes, owner, next contact time, and the leads' custom fields by label, in any of the three languages; see `/api/v1/imports/leads/template`)",
        content((RecordImportUpload = "multipart/form-data"), (Vec<u8> = "application/octet-stream"))),
    description = "Works as the customer import: `mapping` reads headers as fields, a row whose name, phone or e-mail matches a stored lead (normalised) is skipped, updated or created as `duplicates` says, `dry_run` checks and previews without writing, and `partial` writes the good rows when others fail (otherwise nothing is). Every problem is named by its row as the spreadsheet shows it, its field and a message; `report=csv` answers with them as a file.",
    responses((status = 200, body = kuijing_service::customer_io::ImportReport), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn import_leads(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    sent: ImportRequest<ImportParams>,
) -> Response {
    import_answer(&state, (&caller, lang), RecordImport::Lead, sent).await
}

#[utoipa::path(post, path = "/api/v1/contacts/import", tag = "contacts", params(ImportParams),
    request_body(description = "The file: as a multipart form (the file in `file`, options as other fields or in the query), or as the whole body (the file's name in `name`, or the format from `format` or the content); its first row names the columns (name, customer by name, mobile, phone, e-mail, post, decision maker, primary, address, postcode (a postcode leading the address goes to it), notes, owner, next contact time, and the contacts' custom fields by label; see `/api/v1/imports/contacts/template`)",
        content((RecordImportUpload = "multipart/form-data"), (Vec<u8> = "application/octet-stream"))),
    description = "Works as the customer import. Each row's customer is found by name among the customers the caller may change; a row naming a contact the customer already has (same name or mobile) is skipped, updated or created as `duplicates` says. `dry_run`, `partial`, `mapping` and `report=csv` as for customers.",
    responses((status = 200, body = kuijing_service::customer_io::ImportReport), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn import_contacts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    sent: ImportRequest<ImportParams>,
) -> Response {
    import_answer(&state, (&caller, lang), RecordImport::Contact, sent).await
}
