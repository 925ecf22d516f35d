//! Attachments: upload to a customer, an opportunity, a contract or a
//! payment, list, download under the original name, delete.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use kuijing_service::Caller;
use kuijing_service::attachments::Attachment;
use kuijing_service::domain::Kind;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{respond, respond_created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The file's name, as the user knows it: required with a whole body
    /// (one left out is refused as `file_name_invalid`); with a multipart
    /// form, the file part's own name is taken unless this is given.
    #[serde(default)]
    pub name: String,
}

/// The multipart form of an attachment upload.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AttachmentUpload {
    /// The file, with its name (`filename`) as the user knows it.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A form's `file` part: its name (empty when it has none) and its bytes;
/// `None` when the form has no such part. Shared with the pages' upload.
pub(crate) async fn file_part(
    multipart: &mut Multipart,
) -> Result<Option<(String, Bytes)>, axum::extract::multipart::MultipartError> {
    let mut found = None;
    while let Some(field) = multipart.next_field().await? {
        if field.name() == Some("file") {
            let name = form_file_name(field.file_name().unwrap_or_default());
            found = Some((name, field.bytes().await?));
        }
    }
    Ok(found)
}

/// A file part's name as the user knows it: browsers write a double quote
/// in it as `%22` (the HTML form encoding), read back as the quote.
pub(crate) fn form_file_name(sent: &str) -> String {
    sent.trim().replace("%22", "\"")
}

/// How an attachment was sent, read by its content type.
enum Sent {
    /// A multipart form: the file in its `file` part.
    Form,
    /// The whole body is the file.
    Raw,
    /// A URL-encoded form or another multipart type: never a file.
    Refused,
}

fn sent_as(request: &Request) -> Sent {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        Sent::Form
    } else if content_type.starts_with("multipart/")
        || content_type.starts_with("application/x-www-form-urlencoded")
    {
        Sent::Refused
    } else {
        Sent::Raw
    }
}

/// The file's name and bytes, as a multipart form or the whole body sent
/// them.
async fn read_upload(
    state: &AppState,
    name: &str,
    request: Request,
) -> Result<(String, Bytes), kuijing_service::ServiceError> {
    use kuijing_service::ServiceError;
    use kuijing_service::domain::FieldError;
    let unread = |status: StatusCode| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(state)
        } else {
            ServiceError::Invalid(FieldError::new("file", "file_unreadable").into())
        }
    };
    match sent_as(&request) {
        Sent::Raw => {
            let bytes = Bytes::from_request(request, state)
                .await
                .map_err(|rejection| unread(rejection.status()))?;
            Ok((name.to_string(), bytes))
        }
        Sent::Refused => Err(ServiceError::Invalid(
            FieldError::new("file", "attachment_content_type").into(),
        )),
        Sent::Form => {
            let mut form = Multipart::from_request(request, state)
                .await
                .map_err(|rejection| unread(rejection.status()))?;
            let found = file_part(&mut form)
                .await
                .map_err(|error| unread(error.status()))?;
            let Some((file_name, bytes)) = found else {
                return Err(ServiceError::Invalid(
                    FieldError::new("file", "attachment_file_missing").into(),
                ));
            };
            let name = if name.trim().is_empty() {
                file_name
            } else {
                name.to_string()
            };
            Ok((name, bytes))
        }
    }
}

/// Stores a file on a record of `kind`.
async fn upload(
    state: AppState,
    lang: Lang,
    caller: Caller,
    (kind, id): (Kind, i64),
    name: &str,
    request: Request,
) -> Response {
    let result = match read_upload(&state, name, request).await {
        Ok((name, bytes)) => state.app.attach(&caller, kind, id, &name, &bytes).await,
        Err(error) => Err(error),
    };
    respond_created(result, &caller, lang)
}

/// A body that did not arrive whole: over the attachment size limit.
fn too_large(state: &AppState) -> kuijing_service::ServiceError {
    let max = state.app.settings().attachment_max_mb;
    kuijing_service::attachments::over_the_limit("file", max)
}

/// The files of a record of `kind`.
async fn list(state: AppState, lang: Lang, caller: Caller, (kind, id): (Kind, i64)) -> Response {
    respond(
        state.app.list_attachments(&caller, kind, id).await,
        &caller,
        lang,
    )
}

macro_rules! attachment_routes {
    ($kind:expr, $path:literal, $tag:literal, $upload:ident, $list:ident) => {
        #[utoipa::path(post, path = $path, tag = $tag, params(UploadParams),
            request_body(description = "The file: in a multipart form as the part `file` (its filename is the attachment's name unless `name` is given; `curl -F file=@quote.pdf`), or as the whole body of any other type (`application/octet-stream`, say) with its name in `name`. A URL-encoded form body is refused (422 `attachment_content_type`), as is a form without a `file` part (`attachment_file_missing`).",
                content((AttachmentUpload = "multipart/form-data"), (Vec<u8> = "application/octet-stream"))),
            responses((status = 201, body = Attachment), (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
        pub async fn $upload(
            State(state): State<AppState>,
            Extension(lang): Extension<Lang>,
            ApiUser(caller): ApiUser,
            Id(id): Id,
            Params(params): Params<UploadParams>,
            request: Request,
        ) -> Response {
            upload(state, lang, caller, ($kind, id), &params.name, request).await
        }

        #[utoipa::path(get, path = $path, tag = $tag,
            responses((status = 200, body = Vec<Attachment>), (status = 404, body = Problem)))]
        pub async fn $list(
            State(state): State<AppState>,
            Extension(lang): Extension<Lang>,
            ApiUser(caller): ApiUser,
            Id(id): Id,
        ) -> Response {
            list(state, lang, caller, ($kind, id)).await
        }
    };
}

attachment_routes!(
    Kind::Customer,
    "/api/v1/customers/{id}/attachments",
    "attachments",
    upload_attachment,
    list_attachments
);
attachment_routes!(
    Kind::Opportunity,
    "/api/v1/opportunities/{id}/attachments",
    "attachments",
    upload_opportunity_attachment,
    list_opportunity_attachments
);
attachment_routes!(
    Kind::Contract,
    "/api/v1/contracts/{id}/attachments",
    "attachments",
    upload_contract_attachment,
    list_contract_attachments
);
attachment_routes!(
    Kind::Payment,
    "/api/v1/payments/{id}/attachments",
    "attachments",
    upload_payment_attachment,
    list_payment_attachments
);

#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "attachments",
    responses((status = 200, description = "The file under its original name"), (status = 404, body = Problem)))]
pub async fn download_attachment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    match state.app.fetch_attachment(&caller, id).await {
        Ok((attachment, bytes)) => file_response(&attachment, bytes),
        Err(error) => ApiError::from_service(error, lang, &caller.request_id).into_response(),
    }
}

/// The file with its type and its name for saving (RFC 6266, UTF-8 aware).
pub fn file_response(attachment: &Attachment, bytes: Vec<u8>) -> Response {
    let disposition = named_disposition(&attachment.file_name);
    (
        [
            (header::CONTENT_TYPE, attachment.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::HeaderName::from_static("x-content-type-options"),
                "nosniff".to_string(),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[utoipa::path(delete, path = "/api/v1/attachments/{id}", tag = "attachments",
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
pub async fn delete_attachment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    match state.app.delete_attachment(&caller, id).await {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => ApiError::from_service(error, lang, &caller.request_id).into_response(),
    }
}
attachment_routes!(
    Kind::Lead,
    "/api/v1/leads/{id}/attachments",
    "attachments",
    upload_lead_attachment,
    list_lead_attachments
);
attachment_routes!(
    Kind::Contact,
    "/api/v1/contacts/{id}/attachments",
    "attachments",
    upload_contact_attachment,
    list_contact_attachments
);

#[utoipa::path(post, path = "/api/v1/follow-ups/{id}/attachments", tag = "attachments", params(UploadParams),
    request_body(description = "The file, as for a record's attachments: a multipart form's part `file`, or the whole body with `name`.",
        content((AttachmentUpload = "multipart/form-data"), (Vec<u8> = "application/octet-stream"))),
    description = "Adds a file to one of the caller's own follow-ups. Whoever sees the follow-up's record may download it; nobody else finds it.",
    responses((status = 201, body = Attachment), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn upload_follow_up_attachment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Params(params): Params<UploadParams>,
    request: Request,
) -> Response {
    let result = match read_upload(&state, &params.name, request).await {
        Ok((name, bytes)) => {
            state
                .app
                .attach_to_follow_up(&caller, id, &name, &bytes)
                .await
        }
        Err(error) => Err(error),
    };
    respond_created(result, &caller, lang)
}

/// `Content-Disposition` of a file saved under `name` exactly as uploaded:
/// the whole name, quotes and all, percent-encoded as UTF-8 in `filename*`
/// (RFC 5987), which browsers and curl read; for clients that do not, an
/// ASCII `filename` with what a quoted string cannot hold (`"`, a backslash, and
/// letters beyond ASCII) as `_`, or `download` with the name's extension
/// when little of it is ASCII.
pub(crate) fn named_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| match c {
            '"' | '\\' => '_',
            c if c.is_ascii() && !c.is_ascii_control() => c,
            _ => '_',
        })
        .collect();
    let fallback =
        if ascii.chars().filter(char::is_ascii_alphanumeric).count() * 2 >= name.chars().count() {
            ascii
        } else {
            match name.rsplit_once('.') {
                Some((_, extension)) if extension.chars().all(|c| c.is_ascii_alphanumeric()) => {
                    format!("download.{extension}")
                }
                _ => "download".to_string(),
            }
        };
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        ext_value(name)
    )
}

/// A value as RFC 5987 writes it: its UTF-8 bytes, each outside the
/// characters it allows as is (`attr-char`) percent-encoded.
pub(crate) fn ext_value(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'!'
            | b'#'
            | b'$'
            | b'&'
            | b'+'
            | b'-'
            | b'.'
            | b'^'
            | b'_'
            | b'`'
            | b'|'
            | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::named_disposition;

    #[test]
    fn a_name_is_sent_whole_with_a_plain_fallback() {
        assert_eq!(
            named_disposition(r#"Quote "final" (v2) 50%*.pdf"#),
            "attachment; filename=\"Quote _final_ (v2) 50%*.pdf\"; \
             filename*=UTF-8''Quote%20%22final%22%20%28v2%29%2050%25%2A.pdf"
        );
        assert_eq!(
            named_disposition("報價單「最終」.xlsx"),
            "attachment; filename=\"download.xlsx\"; \
             filename*=UTF-8''%E5%A0%B1%E5%83%B9%E5%96%AE%E3%80%8C%E6%9C%80%E7%B5%82%E3%80%8D.xlsx"
        );
    }
}
