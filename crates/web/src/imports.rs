//! What the API and the pages share for imports of sales records: the kinds
//! that import, their headers in every language, the uploaded form, the
//! messages of a report in the user's language and the template to fill in.

use std::collections::BTreeMap;

use kuijing_service::customer_io::DuplicateMode;
use kuijing_service::imports::{ImportReport, Upload};
use kuijing_service::spreadsheets::{Format, TableWriter};
use kuijing_service::{Caller, ServiceError};

use crate::AppState;
use crate::i18n::Lang;

/// The kinds of sales records that import from a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Product,
    Opportunity,
    Contract,
    Payment,
    Lead,
    Contact,
}

impl ImportKind {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "products" => Self::Product,
            "opportunities" => Self::Opportunity,
            "contracts" => Self::Contract,
            "payments" => Self::Payment,
            "leads" => Self::Lead,
            "contacts" => Self::Contact,
            _ => return None,
        })
    }

    pub fn path(self) -> &'static str {
        match self {
            Self::Product => "products",
            Self::Opportunity => "opportunities",
            Self::Contract => "contracts",
            Self::Payment => "payments",
            Self::Lead => "leads",
            Self::Contact => "contacts",
        }
    }

    /// The fields a file of this kind may have, in the template's order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Self::Product => kuijing_service::product_import::PRODUCT_COLUMNS,
            Self::Opportunity => kuijing_service::opportunity_import::OPPORTUNITY_COLUMNS,
            Self::Contract => kuijing_service::contract_import::CONTRACT_COLUMNS,
            Self::Payment => kuijing_service::payment_import::PAYMENT_COLUMNS,
            Self::Lead => kuijing_service::lead_io::LEAD_COLUMNS,
            Self::Contact => kuijing_service::contact_io::CONTACT_COLUMNS,
        }
    }

    /// Headers in every language, normalised, mapped to the fields they
    /// name: each field's label, and the other names a column goes by
    /// (`import.aliases.<kind>.<field>`, a list separated by `|`).
    pub fn aliases(self) -> BTreeMap<String, String> {
        let mut aliases = BTreeMap::new();
        for lang in Lang::ALL {
            for field in self.columns() {
                let label = lang.t(&format!("fields.{field}"));
                aliases.insert(kuijing_domain::text::normalize(&label), field.to_string());
                let key = format!("import.aliases.{}.{field}", self.path());
                let others = lang.t(&key);
                if others != key {
                    for other in others.split('|') {
                        aliases.insert(kuijing_domain::text::normalize(other), field.to_string());
                    }
                }
            }
        }
        aliases
    }

    /// Runs the import of this kind.
    pub async fn run(
        self,
        state: &AppState,
        caller: &Caller,
        form: &UploadForm,
    ) -> Result<ImportReport, ServiceError> {
        let upload = Upload {
            bytes: &form.bytes,
            format: form.format,
            check_only: form.check,
            duplicates: form.duplicates,
        };
        let aliases = self.aliases();
        let app = &state.app;
        match self {
            Self::Product => app.import_products(caller, upload, &aliases).await,
            Self::Opportunity => app.import_opportunities(caller, upload, &aliases).await,
            Self::Contract => app.import_contracts(caller, upload, &aliases).await,
            Self::Payment => {
                app.import_payments(caller, upload, &aliases, form.allow_exceeding)
                    .await
            }
            Self::Lead => app.import_leads(caller, upload, &aliases).await,
            Self::Contact => app.import_contacts(caller, upload, &aliases).await,
        }
    }

    /// Whether rows matching a stored record are skipped, updated or
    /// created as the user chooses.
    pub fn finds_duplicates(self) -> bool {
        matches!(self, Self::Lead | Self::Contact)
    }

    /// The permission to import this kind, for the template.
    fn permission(self) -> kuijing_domain::Permission {
        use kuijing_domain::Kind;
        let kind = match self {
            Self::Product => Kind::Product,
            Self::Opportunity => Kind::Opportunity,
            Self::Contract => Kind::Contract,
            Self::Payment => Kind::Payment,
            Self::Lead => Kind::Lead,
            Self::Contact => Kind::Contact,
        };
        kuijing_domain::Permission::new(kind, kuijing_domain::Action::Import)
    }
}

/// A file uploaded with a multipart form: its bytes, its format (XLSX by the
/// file's name or a `format` field, else CSV), whether only a check was
/// asked for, and whether payments above the outstanding amount are allowed.
#[derive(Debug, Default)]
pub struct UploadForm {
    pub bytes: Vec<u8>,
    pub format: Format,
    pub check: bool,
    pub allow_exceeding: bool,
    /// What a row matching a stored lead or contact does.
    pub duplicates: DuplicateMode,
}

/// Whether a form field says yes: present and not `false`, `0` or `no`.
fn ticked(value: &str) -> bool {
    !matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "false" | "0" | "no" | "off"
    )
}

/// What a row matching a stored record does: `skip` (the default),
/// `update` or `create`.
pub fn duplicates_of(text: &str) -> Result<DuplicateMode, ServiceError> {
    match text.trim() {
        "" => Ok(DuplicateMode::Skip),
        text => DuplicateMode::parse(text).ok_or_else(|| {
            ServiceError::Invalid(
                kuijing_domain::FieldError::new("duplicates", "invalid_choice").into(),
            )
        }),
    }
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
                "check" | "allow_exceeding" | "format" | "duplicates" => {
                    let value = field.text().await.map_err(|_| unreadable())?;
                    match name.as_str() {
                        "check" => form.check = ticked(&value),
                        "allow_exceeding" => form.allow_exceeding = ticked(&value),
                        "duplicates" => form.duplicates = duplicates_of(&value)?,
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

/// One problem of a report as the user reads it.
#[derive(Debug, Clone)]
pub struct ProblemLine {
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// Fills in each problem's message in the user's language, and answers the
/// problems as lines for a page.
pub fn explain(report: &mut ImportReport, kind: &str, lang: Lang) -> Vec<ProblemLine> {
    report
        .problems
        .iter_mut()
        .map(|p| {
            let mut message = crate::error::message_in_kind(&p.field, &p.code, kind, lang);
            if let Some(other) = p.other_row {
                message = message.replace("%{row}", &other.to_string());
            }
            p.message = Some(message.clone());
            ProblemLine {
                row: p.row,
                column: crate::error::field_label_in_kind(&p.field, kind, lang),
                message,
            }
        })
        .collect()
}

/// The template of a kind: its header row in the user's language.
pub async fn template(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    kind: ImportKind,
    format: Format,
) -> Result<axum::response::Response, ServiceError> {
    caller.require(kind.permission())?;
    let dir = state.app.settings().data_dir.join("tmp");
    let io = |e: std::io::Error| ServiceError::Internal(format!("template file: {e}"));
    let mut writer = TableWriter::new(format, &dir).map_err(io)?;
    let header: Vec<String> = kind
        .columns()
        .iter()
        .map(|c| lang.t(&format!("fields.{c}")))
        .collect();
    writer.write_row(&header).map_err(io)?;
    let name = format!("{}-template", kind.path());
    crate::api::send_file(writer.finish().map_err(io)?, format, &name).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_names_every_column() {
        for kind in [
            ImportKind::Product,
            ImportKind::Opportunity,
            ImportKind::Contract,
            ImportKind::Payment,
            ImportKind::Lead,
            ImportKind::Contact,
        ] {
            let aliases = kind.aliases();
            for lang in Lang::ALL {
                for field in kind.columns() {
                    let label = lang.t(&format!("fields.{field}"));
                    assert_ne!(label, format!("fields.{field}"), "{lang:?} {field}");
                    let key = kuijing_domain::text::normalize(&label);
                    assert_eq!(aliases.get(&key).map(String::as_str), Some(*field));
                }
            }
        }
    }
}
