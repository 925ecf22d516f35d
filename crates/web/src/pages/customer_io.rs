//! Import and export of customers from the pages: export links that carry
//! the list's filters; and the import of customers, leads and contacts,
//! which checks first, shows the column mapping and a preview, then writes
//! on confirmation.

use std::collections::BTreeMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use kuijing_service::customer_io::{DuplicateMode, ImportReport, RowProblem};
use kuijing_service::list_columns::ListKind;
use kuijing_service::spreadsheets::Format;
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::columns::query_of;
use super::customers::ListFilter;
use super::forms::error_page;
use super::import_checks::{self, CheckedAs};
use super::import_run::{Run, run};
use super::{Shell, render};
use crate::AppState;
use crate::api::customer_io::send_file;
use crate::auth::PageUser;
use crate::extract::Params;
use crate::i18n::Lang;
use crate::imports::RecordImport;

#[derive(Deserialize)]
pub struct ExportExtra {
    #[serde(default)]
    format: String,
    #[serde(default)]
    ids: Vec<String>,
    /// `1` from the batch form when every customer that matches is chosen.
    #[serde(default)]
    all_matching: String,
    /// The list's query, sent by the batch form.
    #[serde(default)]
    matching: String,
}

/// Exports what the list shows (its filters), the ticked rows, or all that
/// match, in the columns the user chose for the list.
pub async fn export_customers(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(filter): Params<ListFilter>,
    axum_extra::extract::Query(extra): axum_extra::extract::Query<ExportExtra>,
) -> Response {
    let format = Format::parse(&extra.format).unwrap_or(Format::Xlsx);
    let (filter, ids) = if extra.all_matching == "1" {
        (query_of::<ListFilter>(&extra.matching), None)
    } else {
        let ids: Vec<i64> = extra
            .ids
            .iter()
            .filter_map(|i| i.trim().parse().ok())
            .collect();
        (filter, (!ids.is_empty()).then_some(ids))
    };
    let result = async {
        let columns = state
            .app
            .list_columns(&caller, ListKind::Customer)
            .await?
            .columns;
        let text = |key: &str| lang.t(key);
        let path = state
            .app
            .export_customers(
                &caller,
                &filter.query(),
                (ids, Some(columns)),
                format,
                &text,
            )
            .await?;
        send_file(path, format, "customers").await
    }
    .await;
    result.unwrap_or_else(|error| error_page(error, &caller, lang))
}

#[derive(Template)]
#[template(path = "customer_import.html")]
pub(super) struct ImportPage {
    pub(super) shell: Shell,
    /// `/customers`, `/leads` or `/contacts`: where the list is, and the
    /// import under it.
    pub(super) base: &'static str,
    /// The list's title and the template's path part.
    pub(super) list_title: String,
    pub(super) path: &'static str,
    /// What a file of the kind holds, for leads and contacts.
    pub(super) hint: Option<String>,
    pub(super) report: Option<ReportView>,
    pub(super) error: Option<String>,
    /// Why the page shows a check again rather than what was imported.
    pub(super) notice: Option<String>,
    /// The upload was confirmed before: the alert links to the list.
    pub(super) already: bool,
    pub(super) duplicates: String,
    pub(super) partial: bool,
}

/// A report as the page shows it.
pub(super) struct ReportView {
    pub(super) report: ImportReport,
    /// The fields a column may be read as, with their labels.
    pub(super) targets: Vec<(String, String)>,
    /// The preview's columns with their labels: the kind's, then the custom
    /// fields any previewed row has.
    pub(super) shown: Vec<(String, String)>,
    pub(super) upload: String,
    pub(super) format: String,
    pub(super) dry_run: bool,
    /// Every header of the file with the field it is read as ("" for none).
    pub(super) columns: Vec<(String, String)>,
    /// Each problem with the column it names, its message and its tag.
    pub(super) problems: Vec<(RowProblem, String, String, &'static str)>,
    /// The mapping chosen was refused: shown again to be put right, with
    /// nothing offered for import.
    pub(super) refused: bool,
}

impl ImportPage {
    pub(super) fn new(state: &AppState, caller: &Caller, lang: Lang, kind: RecordImport) -> Self {
        let (list, title) = kind.titles();
        let base = kind.base();
        let shell = Shell::new(state, caller, lang, base, title);
        Self {
            list_title: shell.t(list),
            base,
            path: kind.path(),
            hint: match kind {
                RecordImport::Customer => None,
                RecordImport::Lead => Some(shell.t("records.lead_import_hint")),
                RecordImport::Contact => Some(shell.t("records.contact_import_hint")),
            },
            report: None,
            shell,
            error: None,
            notice: None,
            already: false,
            duplicates: "skip".into(),
            partial: false,
        }
    }

    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }

    /// A column of the mapping as a screen reader names it: its header with
    /// its number (`Column 3: Phone`), or its number alone when it has none.
    fn column_name(&self, header: &str, number: &usize) -> String {
        let key = if header.trim().is_empty() {
            "life_fix15.column_blank"
        } else {
            "life_fix15.column_named"
        };
        self.shell
            .t(key)
            .replace("%{n}", &number.to_string())
            .replace("%{header}", header.trim())
    }

    /// A preview cell as the record's page shows the value (yes or no in
    /// the user's language).
    fn cell(&self, row: &BTreeMap<String, String>, key: &str) -> String {
        match row.get(key) {
            Some(value) if !value.is_empty() => self.shell.value_label(key, value),
            _ => String::new(),
        }
    }
}

pub async fn show_import(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Extension(kind): Extension<RecordImport>,
    PageUser(caller): PageUser,
) -> Response {
    if let Err(refused) = super::forms::may_import(&caller, kind.kind()) {
        return error_page(refused, &caller, lang);
    }
    let page = ImportPage::new(&state, &caller, lang, kind);
    render(&page, StatusCode::OK)
}

/// Where an upload waits between the check and the confirmation: in the
/// data folder, named for its user so nobody else can use it.
fn upload_path(
    state: &AppState,
    caller: &Caller,
    token: &str,
    format: Format,
) -> Option<std::path::PathBuf> {
    let safe = !token.is_empty() && token.chars().all(|c| c.is_ascii_alphanumeric());
    safe.then(|| {
        state.app.settings().data_dir.join("tmp").join(format!(
            "import-{}-{token}.{}",
            caller.user.id,
            format.extension()
        ))
    })
}

/// Receives the file: checks it (a dry run) and shows what would happen.
pub async fn upload_import(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Extension(kind): Extension<RecordImport>,
    PageUser(caller): PageUser,
    mut multipart: Multipart,
) -> Response {
    if let Err(refused) = super::forms::may_import(&caller, kind.kind()) {
        return error_page(refused, &caller, lang);
    }
    let mut bytes = Vec::new();
    let mut file_name = String::new();
    let mut duplicates = "skip".to_string();
    let mut partial = false;
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name().unwrap_or_default() {
            "file" => {
                file_name = field.file_name().unwrap_or_default().to_lowercase();
                bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            }
            "duplicates" => duplicates = field.text().await.unwrap_or_default(),
            "partial" => partial = true,
            _ => {}
        }
    }
    let format = if file_name.ends_with(".xlsx") {
        Format::Xlsx
    } else {
        Format::Csv
    };
    if bytes.is_empty() {
        let error = if file_name.is_empty() {
            lang.t("customers.import_no_file")
        } else {
            crate::error::message_for("file", "file_empty", lang)
        };
        let page = ImportPage {
            error: Some(error),
            duplicates,
            partial,
            ..ImportPage::new(&state, &caller, lang, kind)
        };
        return render(&page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let token = uuid::Uuid::new_v4().simple().to_string();
    let Some(path) = upload_path(&state, &caller, &token, format) else {
        return error_page(ServiceError::Internal("upload token".into()), &caller, lang);
    };
    let stored = async {
        tokio::fs::create_dir_all(path.parent().unwrap_or(&path)).await?;
        tokio::fs::write(&path, &bytes).await
    }
    .await;
    if let Err(error) = stored {
        return error_page(
            ServiceError::Internal(format!("storing upload: {error}")),
            &caller,
            lang,
        );
    }
    let check = Run {
        kind,
        format,
        upload: &token,
        dry_run: true,
        as_file: false,
        duplicates: &duplicates,
        partial,
        remember: Some(&path),
    };
    run(&state, &caller, lang, &bytes, (check, None), None).await
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    upload: String,
    format: String,
    #[serde(default)]
    duplicates: String,
    #[serde(default)]
    partial: Option<String>,
    /// `csv` downloads the report of a check instead of writing.
    #[serde(default)]
    report: Option<String>,
    /// Checks the upload again with the mapping as changed, instead of
    /// writing.
    #[serde(default)]
    recheck: Option<String>,
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

/// Writes a checked upload, with the mapping as the user left it; an
/// upload that was not checked with that mapping (and duplicate choice) is
/// checked again and shown instead, whatever the page sent.
pub async fn confirm_import(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Extension(kind): Extension<RecordImport>,
    PageUser(caller): PageUser,
    axum::Form(form): axum::Form<ConfirmForm>,
) -> Response {
    if let Err(refused) = super::forms::may_import(&caller, kind.kind()) {
        return error_page(refused, &caller, lang);
    }
    let format = Format::parse(&form.format).unwrap_or(Format::Csv);
    let Some(path) = upload_path(&state, &caller, &form.upload, format) else {
        return error_page(ServiceError::NotFound, &caller, lang);
    };
    // `map.<n>` holds the field of the n-th column (`head.<n>` its header,
    // for the eye only): the mapping names columns by number, so two columns
    // of one header are read each as chosen.
    let mut mapping = BTreeMap::new();
    for (key, field) in &form.rest {
        if let Some(n) = key
            .strip_prefix("map.")
            .and_then(|n| n.parse::<usize>().ok())
        {
            mapping.insert(format!("#{n}"), field.clone());
        }
    }
    let duplicates = DuplicateMode::parse(&form.duplicates)
        .map(|_| form.duplicates.as_str())
        .unwrap_or("skip");
    // The server's own note of the last check decides, not the page: a
    // mapping or duplicate choice other than the one checked is checked
    // again and shown rather than imported unchecked.
    let checked = import_checks::recall(&path).await;
    let asked = CheckedAs::new(&mapping, duplicates);
    let unchecked = checked.as_ref() != Some(&asked);
    let remapped = form.report.is_none() && (form.recheck.is_some() || unchecked);
    let dry_run = form.report.is_some() || remapped;
    // An upload is written once: the confirmation that renames it takes it,
    // and one sent again (a double click, a second tab) is told so.
    let with = |suffix: &str| path.with_extension(format!("{}.{suffix}", format.extension()));
    let (taken, done) = (with("taken"), with("done"));
    let source = if dry_run { &path } else { &taken };
    let gone = async || {
        if tokio::fs::try_exists(&taken).await.unwrap_or(false)
            || tokio::fs::try_exists(&done).await.unwrap_or(false)
        {
            let page = ImportPage {
                error: Some(lang.t("life_fix9.import_already_done")),
                already: true,
                ..ImportPage::new(&state, &caller, lang, kind)
            };
            return render(&page, StatusCode::CONFLICT);
        }
        error_page(ServiceError::NotFound, &caller, lang)
    };
    if !dry_run && tokio::fs::rename(&path, &taken).await.is_err() {
        return gone().await;
    }
    let Ok(bytes) = tokio::fs::read(source).await else {
        return gone().await;
    };
    let how = Run {
        kind,
        format,
        upload: &form.upload,
        dry_run,
        as_file: form.report.is_some(),
        duplicates,
        partial: form.partial.is_some(),
        remember: remapped.then_some(path.as_path()),
    };
    let notice = (remapped && form.recheck.is_none()).then(|| match checked {
        Some(_) => lang.t("records_gaps.import_remapped"),
        None => lang.t("import_gaps.import_unchecked"),
    });
    let response = run(&state, &caller, lang, &bytes, (how, notice), Some(mapping)).await;
    if !dry_run {
        let _ = tokio::fs::rename(&taken, &done).await;
        let _ = tokio::fs::write(&done, b"").await;
    }
    response
}
