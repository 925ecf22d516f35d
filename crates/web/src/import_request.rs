//! The file and options of an import as a request sends them, for the API
//! and the pages: a multipart form or a whole body, its format, and every
//! refusal named by its field.

use axum::body::Bytes;
use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use kuijing_domain::FieldError;
use kuijing_service::ServiceError;
use kuijing_service::spreadsheets::Format;
use serde::de::DeserializeOwned;

/// A file of sales records to import: its bytes, its format, whether only a
/// check was asked for, and whether payments above the outstanding amount
/// are allowed.
#[derive(Debug, Default)]
pub struct UploadForm {
    pub bytes: Vec<u8>,
    pub format: Format,
    pub check: bool,
    pub allow_exceeding: bool,
}

/// Whether a form field says yes: present and not `false`, `0` or `no`.
fn ticked(value: &str) -> bool {
    !matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "false" | "0" | "no" | "off"
    )
}

impl UploadForm {
    pub async fn read(mut multipart: axum::extract::Multipart) -> Result<Self, ServiceError> {
        let mut form = UploadForm::default();
        let mut file_name = String::new();
        let mut format = None;
        let unreadable = || {
            ServiceError::Invalid(kuijing_domain::FieldError::new("file", "file_unreadable").into())
        };
        while let Some(field) = multipart.next_field().await.map_err(|_| unreadable())? {
            let name = field.name().unwrap_or_default().to_string();
            match name.as_str() {
                "file" => {
                    file_name = field.file_name().unwrap_or_default().to_lowercase();
                    form.bytes = field.bytes().await.map_err(|_| unreadable())?.to_vec();
                }
                // `check` is the older name of `dry_run`, still read.
                "dry_run" | "check" | "allow_exceeding" | "format" => {
                    let value = field.text().await.map_err(|_| unreadable())?;
                    match name.as_str() {
                        "dry_run" | "check" => form.check |= ticked(&value),
                        "allow_exceeding" => form.allow_exceeding = ticked(&value),
                        _ => format = Some(value),
                    }
                }
                _ => {}
            }
        }
        if form.bytes.is_empty() {
            return Err(ServiceError::Invalid(
                kuijing_domain::FieldError::new("file", "required").into(),
            ));
        }
        form.format = match format.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
            Some(text) => Format::parse(text).ok_or_else(|| {
                ServiceError::Invalid(
                    kuijing_domain::FieldError::new("format", "invalid_choice").into(),
                )
            })?,
            None if file_name.ends_with(".xlsx") => Format::Xlsx,
            None => Format::Csv,
        };
        Ok(form)
    }
}

/// An import's file and options, however the request sends them: a
/// multipart form (the file in `file`, options as its other fields or in
/// the query), or the file as the whole body (options in the query, the
/// file's name in `name`). The format is the `format` option, else the
/// file name's extension, else guessed from the content. Every refusal (no
/// file, an empty one, an unknown format, one too large, an option of the
/// wrong kind) is a problem naming its field, in the user's language.
pub struct ImportRequest<T> {
    pub bytes: Vec<u8>,
    pub format: Format,
    pub options: T,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ImportRequest<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        // The body is read under the limits the router set for it.
        let mut inner = Request::new(body);
        *inner.headers_mut() = parts.headers.clone();
        *inner.extensions_mut() = parts.extensions.clone();
        read_import(&parts, inner, state)
            .await
            .map_err(|error| refuse_import(&parts, error))
    }
}

/// A file as sent: its bytes, its name when it has one, and the field that
/// names it (`file` in a form, `name` beside a whole body).
#[derive(Default)]
struct SentFile {
    bytes: Option<Vec<u8>>,
    name: Option<(String, &'static str)>,
}

async fn read_import<S: Send + Sync, T: DeserializeOwned>(
    parts: &Parts,
    inner: Request,
    state: &S,
) -> Result<ImportRequest<T>, ServiceError> {
    let query = parts.uri.query().unwrap_or_default();
    let mut options: Vec<(String, String)> = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        set_option(&mut options, &key, value.into_owned());
    }
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| {
            c.trim()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    let sent = if is_form {
        read_form(inner, state, &mut options).await?
    } else {
        let bytes = Bytes::from_request(inner, state)
            .await
            .map_err(|rejection| unread(rejection.status()))?;
        SentFile {
            bytes: (!bytes.is_empty()).then(|| bytes.to_vec()),
            name: option(&options, "name").map(|n| (n, "name")),
        }
    };
    // An option the operation does not take is refused before anything is
    // read into the company: a misspelt `dry_run` must not write.
    if let Some(unknown) = crate::extract::undeclared(
        parts,
        options.iter().map(|(key, _)| key.as_str()),
        &["file", "name", "check"],
    ) {
        return Err(refused(unknown));
    }
    let Some(bytes) = sent.bytes else {
        return Err(refused(FieldError::new("file", "import_file_missing")));
    };
    if bytes.is_empty() {
        return Err(refused(FieldError::new("file", "file_empty")));
    }
    let format = format_for(&options, sent.name, &bytes)?;
    Ok(ImportRequest {
        bytes,
        format,
        options: options_of(&options).await?,
    })
}

/// The file and options of a multipart form; options sent as fields take
/// the place of the same ones in the query.
async fn read_form<S: Send + Sync>(
    inner: Request,
    state: &S,
    options: &mut Vec<(String, String)>,
) -> Result<SentFile, ServiceError> {
    let mut form = Multipart::from_request(inner, state)
        .await
        .map_err(|rejection| unread(rejection.status()))?;
    let mut sent = SentFile::default();
    let failed = |error: MultipartError| unread(error.status());
    while let Some(field) = form.next_field().await.map_err(failed)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().map(str::trim).unwrap_or_default();
            let file_name = (!file_name.is_empty()).then(|| file_name.to_string());
            let bytes = field.bytes().await.map_err(failed)?;
            // A form's file input left empty sends a part with no name
            // and nothing in it: no file.
            if file_name.is_some() || !bytes.is_empty() {
                sent.bytes = Some(bytes.to_vec());
                sent.name = file_name.map(|n| (n, "file"));
            }
        } else if !name.is_empty() && !name.starts_with('_') {
            let value = field.text().await.map_err(failed)?;
            set_option(options, &name, value);
        }
    }
    if sent.name.is_none() {
        sent.name = option(options, "name").map(|n| (n, "name"));
    }
    Ok(sent)
}

/// Options that say yes or no; a form's tick sends `on`, or nothing.
const TICKS: &[&str] = &["dry_run", "check", "partial", "allow_exceeding"];

/// Sets an option, in place of one of the same name sent before.
fn set_option(options: &mut Vec<(String, String)>, key: &str, value: String) {
    let value = if TICKS.contains(&key) {
        match crate::query_params::yes_no(&value) {
            Some(yes) => yes.to_string(),
            // A ticked box may send nothing at all.
            None if value.trim().is_empty() => "true".to_string(),
            None => value,
        }
    } else {
        value
    };
    options.retain(|(k, _)| k != key);
    options.push((key.to_string(), value));
}

/// An option's value, when it is not blank.
fn option(options: &[(String, String)], key: &str) -> Option<String> {
    options
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The file's format: as the `format` option says, else by the name's
/// extension, else XLSX when the content is a zip archive, else CSV.
fn format_for(
    options: &[(String, String)],
    name: Option<(String, &'static str)>,
    bytes: &[u8],
) -> Result<Format, ServiceError> {
    if let Some(text) = option(options, "format") {
        return Format::parse(&text).ok_or_else(|| {
            refused(FieldError::new("format", "import_format_unknown").with("value", text))
        });
    }
    let extension = name.as_ref().and_then(|(name, field)| {
        name.rsplit_once('.')
            .map(|(_, e)| (e.trim().to_ascii_lowercase(), *field))
    });
    match extension {
        Some((e, _)) if e == "xlsx" => Ok(Format::Xlsx),
        Some((e, _)) if e == "csv" || e == "txt" => Ok(Format::Csv),
        Some((e, field)) => Err(refused(
            FieldError::new(field, "import_name_unknown").with("value", format!(".{e}")),
        )),
        None if bytes.starts_with(b"PK\x03\x04") => Ok(Format::Xlsx),
        None => Ok(Format::Csv),
    }
}

/// The options read as the kind's parameters; one of the wrong kind is
/// named.
async fn options_of<T: DeserializeOwned>(options: &[(String, String)]) -> Result<T, ServiceError> {
    let query = {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in options {
            query.append_pair(key, value);
        }
        query.finish()
    };
    let uri = format!("/?{query}");
    let request = Request::builder()
        .uri(uri)
        .body(())
        .map_err(|e| ServiceError::Internal(format!("import options: {e}")))?;
    let (mut parts, ()) = request.into_parts();
    match axum_extra::extract::Query::<T>::from_request_parts(&mut parts, &()).await {
        Ok(axum_extra::extract::Query(value)) => Ok(value),
        Err(rejection) => {
            let field = crate::extract::query_field(&rejection.body_text());
            let code = if TICKS.contains(&field.as_str()) {
                "import_yes_no"
            } else {
                "invalid_value"
            };
            Err(refused(FieldError::new(field, code)))
        }
    }
}

/// A body that did not arrive whole: too large (413), or unreadable.
fn unread(status: StatusCode) -> ServiceError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        let max = format!("{} MB", crate::IMPORT_LIMIT / (1024 * 1024));
        refused(FieldError::new("file", TOO_LARGE).with("max", max))
    } else {
        refused(FieldError::new("file", "file_unreadable"))
    }
}

const TOO_LARGE: &str = "import_too_large";

fn refused(error: FieldError) -> ServiceError {
    ServiceError::Invalid(error.into())
}

/// A refusal as a problem; a file too large answers 413.
fn refuse_import(parts: &Parts, error: ServiceError) -> Response {
    let too_large = matches!(&error, ServiceError::Invalid(errors)
        if errors.0.iter().any(|e| e.code == TOO_LARGE));
    if !too_large {
        return crate::extract::refuse(parts, error);
    }
    let (lang, request_id) = crate::request_id::answer_in(&parts.extensions);
    let mut problem = crate::error::ApiError::from_service(error, lang, &request_id);
    problem.0.status = StatusCode::PAYLOAD_TOO_LARGE.as_u16();
    problem.into_response()
}
