//! How an import of customers, leads or contacts runs from the pages: a
//! check (dry run) shown with its mapping, preview and problems, its report
//! as a file, or the import itself; a mapping the service refuses is shown
//! again as chosen, with the reason, to be put right.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::Response;
use kuijing_service::customer_io::{DuplicateMode, ImportOptions, ImportReport};
use kuijing_service::spreadsheets::Format;
use kuijing_service::{Caller, ServiceError};

use super::customer_io::{ImportPage, ReportView};
use super::forms::error_page;
use super::import_checks::{self, CheckedAs};
use super::render;
use crate::AppState;
use crate::api::customer_io::{report_file, row_message, tag_of};
use crate::i18n::Lang;
use crate::imports::RecordImport;

/// How an import runs: a check (dry run), its report as a file, or for real.
pub(super) struct Run<'a> {
    pub(super) kind: RecordImport,
    pub(super) format: Format,
    pub(super) upload: &'a str,
    pub(super) dry_run: bool,
    pub(super) as_file: bool,
    pub(super) duplicates: &'a str,
    pub(super) partial: bool,
    /// The upload whose check (if it is one) is remembered, for the
    /// confirmation to be written only with the mapping checked.
    pub(super) remember: Option<&'a std::path::Path>,
}

pub(super) async fn run(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    bytes: &[u8],
    (how, notice): (Run<'_>, Option<String>),
    mapping: Option<BTreeMap<String, String>>,
) -> Response {
    let Run {
        kind,
        format,
        upload,
        dry_run,
        as_file,
        duplicates,
        partial,
        remember,
    } = how;
    let mode = DuplicateMode::parse(duplicates).unwrap_or(DuplicateMode::Skip);
    let posted = mapping.clone();
    let options = ImportOptions {
        format,
        dry_run,
        duplicates: mode,
        partial,
        mapping,
        aliases: kind.aliases(),
        locale: lang.code().to_string(),
    };
    let page = ImportPage {
        duplicates: duplicates.to_string(),
        partial,
        notice,
        ..ImportPage::new(state, caller, lang, kind)
    };
    let file = (bytes, format, upload);
    match kind.run(state, caller, bytes, options).await {
        Ok(report) if as_file => report_file(state, lang, &report)
            .await
            .unwrap_or_else(|e| error_page(e, caller, lang)),
        Ok(report) => {
            if let Some(upload) = remember.filter(|_| dry_run) {
                let checked =
                    CheckedAs::new(&import_checks::by_number(&report.columns), duplicates);
                if let Err(error) = import_checks::remember(upload, &checked).await {
                    return error_page(
                        ServiceError::Internal(format!("noting a check: {error}")),
                        caller,
                        lang,
                    );
                }
            }
            let view = report_view(state, &page, kind, report, file, dry_run).await;
            let page = ImportPage {
                report: Some(view),
                ..page
            };
            render(&page, StatusCode::OK)
        }
        Err(ServiceError::Invalid(errors)) => {
            let text = errors
                .0
                .iter()
                .map(|e| crate::error::field_message(e, lang))
                .collect::<Vec<_>>()
                .join(" ");
            // A mapping the user chose and the service refused (two columns
            // read as one field, no name column) is shown again as chosen,
            // with the reason, to be put right and checked again; nothing
            // is offered for import.
            let report = posted
                .filter(|_| errors.0.iter().all(|e| e.field != "file"))
                .map(|posted| refused_report(CheckedAs::new(&posted, duplicates).mapping));
            let view = match report {
                Some(report) => {
                    let mut view = report_view(state, &page, kind, report, file, true).await;
                    view.refused = true;
                    Some(view)
                }
                None => None,
            };
            // The refusal says why; a notice that the file was checked
            // again would not hold.
            let page = ImportPage {
                error: Some(text),
                report: view,
                notice: None,
                ..page
            };
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(error, caller, lang),
    }
}

/// A report of a file not read because its mapping was refused: the
/// mapping as chosen (column number → field), and nothing else.
fn refused_report(mapping: BTreeMap<String, String>) -> ImportReport {
    let mut columns = Vec::new();
    for (key, field) in &mapping {
        let Some(at) = key.strip_prefix('#').and_then(|n| n.parse::<usize>().ok()) else {
            continue;
        };
        if at == 0 {
            continue;
        }
        if columns.len() < at {
            columns.resize(at, String::new());
        }
        columns[at - 1] = field.clone();
    }
    ImportReport {
        total: 0,
        created: 0,
        updated: 0,
        dry_run: true,
        would_create: 0,
        would_update: 0,
        skipped: 0,
        failed: 0,
        written: false,
        mapping,
        columns,
        unmapped: Vec::new(),
        problems: Vec::new(),
        preview: Vec::new(),
    }
}

/// A report as the page shows it: every header with the field it is read
/// as, the fields a column may be read as, the preview's columns and each
/// problem's message.
async fn report_view(
    state: &AppState,
    page: &ImportPage,
    kind: RecordImport,
    report: ImportReport,
    (bytes, format, upload): (&[u8], Format, &str),
    dry_run: bool,
) -> ReportView {
    let lang = page.shell.lang;
    let headers = kuijing_service::spreadsheets::read(bytes, format)
        .map(|t| t.headers)
        .unwrap_or_default();
    // By position: two columns of one header are read each as chosen.
    let columns = headers
        .iter()
        .enumerate()
        .map(|(at, h)| {
            (
                h.clone(),
                report.columns.get(at).cloned().unwrap_or_default(),
            )
        })
        .collect();
    let shell = &page.shell;
    let mut targets: Vec<(String, String)> = kind
        .columns()
        .iter()
        .map(|t| (t.to_string(), shell.field_label(t)))
        .collect();
    // Every column the rows will fill, in the template's order: the file's
    // mapped columns and the region an address is split into.
    let mut shown: Vec<(String, String)> = kind
        .columns()
        .iter()
        .filter(|t| report.preview.iter().any(|row| row.contains_key(**t)))
        .map(|t| (t.to_string(), shell.field_label(t)))
        .collect();
    let defs = state
        .app
        .custom_fields(kind.kind())
        .await
        .unwrap_or_default();
    for def in defs {
        let target = format!("custom.{}", def.key);
        if report.preview.iter().any(|row| row.contains_key(&target)) {
            shown.push((target.clone(), def.label.clone()));
        }
        targets.push((target, def.label));
    }
    // A custom field is named by its label, as the mapping names it, never
    // by its key.
    let problems = report
        .problems
        .iter()
        .map(|p| {
            let column = p
                .label
                .clone()
                .or_else(|| {
                    targets
                        .iter()
                        .find(|(target, _)| *target == p.field && p.field.starts_with("custom."))
                        .map(|(_, label)| label.clone())
                })
                .unwrap_or_else(|| shell.field_label(&p.field));
            (p.clone(), column, row_message(lang, p), tag_of(p))
        })
        .collect();
    ReportView {
        report,
        targets,
        shown,
        upload: upload.to_string(),
        format: format.extension().into(),
        dry_run,
        columns,
        problems,
        refused: false,
    }
}
