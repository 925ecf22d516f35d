//! Export and import of customers as CSV or XLSX.

use axum::Extension;
use axum::body::Body as HttpBody;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kuijing_service::customer_io::{DuplicateMode, ImportOptions, ImportReport};
use kuijing_service::spreadsheets::{Format, TableWriter};
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;
use utoipa::IntoParams;

use super::customers::CustomerParams;
use super::respond;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem, message_for};
use crate::extract::Params;
use crate::i18n::Lang;
use crate::imports::{ImportRequest, RecordImport};

fn invalid(field: &str, code: &'static str) -> ServiceError {
    ServiceError::Invalid(kuijing_domain::FieldError::new(field, code).into())
}

pub(crate) fn format_of(text: Option<&str>) -> Result<Format, ServiceError> {
    // A format that is not written is refused naming the ones that are.
    Format::parse(text.unwrap_or("csv")).ok_or_else(|| {
        let refused = kuijing_domain::FieldError::new("format", "invalid_choice");
        ServiceError::Invalid(refused.with("choices", "csv, xlsx").into())
    })
}

/// Streams a finished file and removes it: it is unlinked once open, and
/// the open handle reads it to the end.
pub(crate) async fn send_file(
    path: tempfile::TempPath,
    format: Format,
    name: &str,
) -> Result<Response, ServiceError> {
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| ServiceError::Internal(format!("export file: {e}")))?;
    drop(path);
    let body = HttpBody::from_stream(tokio_util::io::ReaderStream::new(file));
    let disposition = disposition(name, format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// A name made safe to save a file under: letters and digits of every
/// script (Chinese included), `-`, `_`, `(` and `)` kept, spaces kept
/// single, anything else (slashes, quotes, dots, control characters) an
/// underscore; at most 80 characters; `export` when nothing is left.
pub(crate) fn safe_file_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let c = if c.is_alphanumeric() || matches!(c, '-' | '_' | '(' | ')') {
            c
        } else if c.is_whitespace() {
            ' '
        } else {
            '_'
        };
        if !(c == ' ' && (out.is_empty() || out.ends_with(' '))) {
            out.push(c);
        }
    }
    let out: String = out.trim().chars().take(80).collect();
    let out = out.trim_end().to_string();
    if out.chars().any(char::is_alphanumeric) {
        out
    } else {
        "export".to_string()
    }
}

/// `Content-Disposition` of a file to save as `name.extension`: the name
/// made safe, as UTF-8 in `filename*` (RFC 5987) with its ASCII part in
/// `filename` for old clients.
pub(crate) fn disposition(name: &str, extension: &str) -> String {
    let safe = safe_file_name(name);
    let ascii: String = safe.chars().filter(char::is_ascii).collect();
    let ascii = match ascii.trim_matches(|c| c == ' ' || c == '_') {
        plain if plain.chars().any(|c| c.is_ascii_alphanumeric()) => plain.to_string(),
        _ => "export".to_string(),
    };
    let encoded: String =
        form_urlencoded::byte_serialize(format!("{safe}.{extension}").as_bytes()).collect();
    let encoded = encoded.replace('+', "%20");
    format!("attachment; filename=\"{ascii}.{extension}\"; filename*=UTF-8''{encoded}")
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `csv` (the default) or `xlsx`.
    pub format: Option<String>,
    /// Only these customers (comma-separated ids); otherwise all that match.
    pub ids: Option<String>,
    /// `mine` for the list's columns as the caller chose them, or field
    /// names separated by commas; otherwise every column an import reads.
    pub columns: Option<String>,
    #[serde(flatten)]
    #[param(ignore)]
    pub list: CustomerParams,
}

#[utoipa::path(get, path = "/api/v1/customers/export", tag = "customers", params(ExportParams, CustomerParams),
    responses((status = 200, description = "The file", content_type = "text/csv"), (status = 403, body = Problem)))]
pub async fn export_customers(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(params): Params<ExportParams>,
) -> Response {
    match export(&state, &caller, lang, params).await {
        Ok(response) => response,
        Err(error) => ApiError::from_service(error, lang, &caller.request_id).into_response(),
    }
}

pub async fn export(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    params: ExportParams,
) -> Result<Response, ServiceError> {
    let format = format_of(params.format.as_deref())?;
    let ids = match params.ids.as_deref().filter(|i| !i.trim().is_empty()) {
        Some(text) => Some(
            text.split(',')
                .map(|i| i.trim().parse::<i64>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| invalid("ids", "invalid_value"))?,
        ),
        None => None,
    };
    let query = params.list.into_query()?;
    let columns = crate::api::list_columns::columns_param(
        state,
        caller,
        kuijing_service::list_columns::ListKind::Customer,
        params.columns.as_deref(),
    )
    .await?;
    let text = |key: &str| lang.t(key);
    let path = state
        .app
        .export_customers(caller, &query, (ids, columns), format, &text)
        .await?;
    send_file(path, format, "customers").await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateParams {
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/customers/import/template", tag = "customers", params(TemplateParams),
    responses((status = 200, description = "A file with the header row to fill in")))]
pub async fn import_template(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(params): Params<TemplateParams>,
) -> Response {
    let result = async {
        let format = format_of(params.format.as_deref())?;
        crate::imports::template(&state, &caller, lang, RecordImport::Customer.into(), format).await
    }
    .await;
    result.unwrap_or_else(|error| {
        ApiError::from_service(error, lang, &caller.request_id).into_response()
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
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
    /// Check and report without writing.
    #[serde(default)]
    pub dry_run: bool,
    /// The older name of `dry_run`, still read.
    #[serde(default)]
    pub check: bool,
    /// What to do with a row that matches a stored record (customers by tax
    /// ID, name, phone or e-mail; leads by name, phone or e-mail; contacts by
    /// name or mobile within their customer): `skip` (the default), `update`
    /// or `create`.
    pub duplicates: Option<String>,
    /// Write the good rows when others fail (otherwise nothing is written).
    #[serde(default)]
    pub partial: bool,
    /// Column → field as JSON, such as `{"公司名稱":"name"}`; `""` ignores a
    /// column. A column may be named by its number (`{"#3":"mobile"}`, the
    /// first is `#1`), as one must be whose header is blank or shared with
    /// another column; the report's `mapping` names columns the same way.
    /// A key `#N` (full-width `＃３` read as `#3`) is always column N by
    /// position, even where a header reads `#2`; such a column is named by
    /// its number in the report. A key naming no column of the file, a value
    /// naming no field, and two keys naming one column are refused (422),
    /// each named.
    pub mapping: Option<String>,
    /// `csv` to answer with the per-row error report as a file; `json` (the
    /// default) for the report as JSON.
    pub report: Option<String>,
}

/// The multipart form of a customer, lead or contact import; the options
/// may be sent in the query instead.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct RecordImportUpload {
    /// The CSV or XLSX file; its first row names the columns, in any of the
    /// three languages (see the template).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `csv` or `xlsx`; left out, from the file's name, else its content.
    format: Option<String>,
    /// `true` to check and preview, writing nothing.
    dry_run: Option<bool>,
    /// `skip` (the default), `update` or `create`.
    duplicates: Option<String>,
    /// `true` to write the good rows when others fail.
    partial: Option<bool>,
    /// Column → field as JSON: by header, or by number (`#3`).
    mapping: Option<String>,
    /// `csv` for the per-row report as a file.
    report: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/customers/import", tag = "customers", params(ImportParams),
    request_body(description = "The file: as a multipart form (the file in `file`, options as other fields or in the query), or as the whole body (the file's name in `name`, or the format from `format` or the content)",
        content((RecordImportUpload = "multipart/form-data"), (Vec<u8> = "application/octet-stream"))),
    description = "A file without a problem, or any refusal (no file, an empty one, an unknown format, one larger than 32 MB, an option of the wrong kind), answers a problem naming the field.",
    responses((status = 200, body = ImportReport), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn import_customers(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    sent: ImportRequest<ImportParams>,
) -> Response {
    import_answer(&state, (&caller, lang), RecordImport::Customer, sent).await
}

/// An import of customers, leads or contacts answered as JSON, or as its
/// per-row report when `report=csv`.
pub(crate) async fn import_answer(
    state: &AppState,
    (caller, lang): (&Caller, Lang),
    kind: RecordImport,
    sent: ImportRequest<ImportParams>,
) -> Response {
    let as_csv = sent.options.report.as_deref().map(str::trim) == Some("csv");
    let result = import(state, (caller, lang), kind, sent).await;
    match result {
        Ok(report) if as_csv => match report_file(state, lang, &report).await {
            Ok(response) => response,
            Err(error) => ApiError::from_service(error, lang, &caller.request_id).into_response(),
        },
        other => respond(other, caller, lang),
    }
}

pub async fn import(
    state: &AppState,
    (caller, lang): (&Caller, Lang),
    kind: RecordImport,
    sent: ImportRequest<ImportParams>,
) -> Result<ImportReport, ServiceError> {
    let params = sent.options;
    if !matches!(
        params.report.as_deref().map(str::trim),
        None | Some("" | "csv" | "json")
    ) {
        return Err(invalid("report", "import_report_unknown"));
    }
    let duplicates = DuplicateMode::parse(params.duplicates.as_deref().unwrap_or("skip"))
        .ok_or_else(|| invalid("duplicates", "import_duplicates_unknown"))?;
    let mapping = match params.mapping.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(text) => Some(
            serde_json::from_str(text).map_err(|_| invalid("mapping", "import_mapping_invalid"))?,
        ),
        None => None,
    };
    let options = ImportOptions {
        format: sent.format,
        dry_run: params.dry_run || params.check,
        duplicates,
        partial: params.partial,
        mapping,
        aliases: kind.aliases(),
        locale: lang.code().to_string(),
    };
    let mut report = kind.run(state, caller, &sent.bytes, options).await?;
    // Each problem in words, as the import page shows it.
    for problem in &mut report.problems {
        problem.message = Some(row_message(lang, problem));
    }
    Ok(report)
}

/// The problems of an import as a spreadsheet: row, field, value, message.
pub async fn report_file(
    state: &AppState,
    lang: Lang,
    report: &ImportReport,
) -> Result<Response, ServiceError> {
    let dir = state.app.settings().data_dir.join("tmp");
    let io = |e: std::io::Error| ServiceError::Internal(format!("report file: {e}"));
    let mut writer = TableWriter::new(Format::Csv, &dir).map_err(io)?;
    let header = [
        "import.row",
        "import.field",
        "import.value",
        "import.message",
    ]
    .map(|k| lang.t(k));
    writer.write_row(&header).map_err(io)?;
    for problem in &report.problems {
        let message = row_message(lang, problem);
        let field = match &problem.label {
            Some(label) => label.clone(),
            None => {
                let key = format!("fields.{}", problem.field);
                let label = lang.t(&key);
                if label == key {
                    problem.field.clone()
                } else {
                    label
                }
            }
        };
        writer
            .write_row(&[
                problem.row.to_string(),
                field,
                problem.value.clone(),
                message,
            ])
            .map_err(io)?;
    }
    send_file(writer.finish().map_err(io)?, Format::Csv, "import-report").await
}

/// The tag a row problem shows beside its message: an error, a row left
/// out or written over as a duplicate, or a value cleaned.
pub fn tag_of(problem: &kuijing_service::customer_io::RowProblem) -> &'static str {
    match problem.code.as_str() {
        _ if !problem.warning => "customers.import_error",
        "duplicate_updated" | "duplicate_would_update" => "customers.import_updated",
        code if code.starts_with("duplicate_") => "customers.import_skipped",
        _ => "customers.import_warning",
    }
}

/// A row problem in words: field errors read as on forms, import codes
/// from `import.*`.
pub fn row_message(lang: Lang, problem: &kuijing_service::customer_io::RowProblem) -> String {
    let import_key = format!("import.{}", problem.code);
    let mut text = lang.t(&import_key);
    if text == import_key {
        // Codes added since, in a section of their own.
        let own = format!("flow_fix.{import_key}");
        let found = lang.t(&own);
        if found != own {
            text = found;
        }
    }
    if text != import_key {
        // `%{id}` is the stored record, or for a duplicate within the file
        // the earlier row that holds the same customer.
        let id = problem.duplicate_of.or(problem.first_row.map(|r| r as i64));
        return text.replace("%{id}", &id.map(|i| i.to_string()).unwrap_or_default());
    }
    let listed = problem.params.iter().any(|(name, _)| name == "choices");
    let code = crate::error::worded_code(&problem.code, listed);
    let text = match &problem.label {
        Some(label) => crate::error::labelled_message(&problem.field, code, label, lang),
        None => message_for(&problem.field, code, lang),
    };
    let text = problem.params.iter().fold(text, |text, (name, value)| {
        text.replace(&format!("%{{{name}}}"), value)
    });
    match problem.first_row {
        Some(row) => text.replace("%{row}", &row.to_string()),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::{disposition, safe_file_name};

    #[test]
    fn file_names_keep_chinese_and_lose_what_a_path_or_header_would_read() {
        assert_eq!(safe_file_name("华东 季度 回款"), "华东 季度 回款");
        assert_eq!(safe_file_name("../a/b\"c\r\n"), "___a_b_c");
        assert_eq!(safe_file_name("  ..  "), "export");
        assert_eq!(safe_file_name(&"長".repeat(100)).chars().count(), 80);
        assert_eq!(
            disposition("華東 Q2", "xlsx"),
            "attachment; filename=\"Q2.xlsx\"; filename*=UTF-8''%E8%8F%AF%E6%9D%B1%20Q2.xlsx"
        );
        assert_eq!(
            disposition("回款", "csv"),
            "attachment; filename=\"export.csv\"; filename*=UTF-8''%E5%9B%9E%E6%AC%BE.csv"
        );
    }
}
