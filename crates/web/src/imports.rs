//! What the API and the pages share for imports of sales records: the kinds
//! that import, their headers in every language, the messages of a report
//! in the user's language and the template to fill in (the uploaded form is
//! read in `import_request`).

use std::collections::BTreeMap;

use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::customer_io::{ImportOptions, ImportReport as RecordReport};
use kuijing_service::imports::{ImportReport, Upload};
use kuijing_service::spreadsheets::{Format, TableWriter};
use kuijing_service::{Caller, ServiceError};

use crate::AppState;
use crate::i18n::Lang;
pub use crate::import_request::{ImportRequest, UploadForm};

/// The kinds of sales records that import from a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Product,
    Opportunity,
    Contract,
    Payment,
}

impl ImportKind {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "products" => Self::Product,
            "opportunities" => Self::Opportunity,
            "contracts" => Self::Contract,
            "payments" => Self::Payment,
            _ => return None,
        })
    }

    pub fn path(self) -> &'static str {
        match self {
            Self::Product => "products",
            Self::Opportunity => "opportunities",
            Self::Contract => "contracts",
            Self::Payment => "payments",
        }
    }

    /// The fields a file of this kind may have, in the template's order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Self::Product => kuijing_service::product_import::PRODUCT_COLUMNS,
            Self::Opportunity => kuijing_service::opportunity_import::OPPORTUNITY_COLUMNS,
            Self::Contract => kuijing_service::contract_import::CONTRACT_COLUMNS,
            Self::Payment => kuijing_service::payment_import::PAYMENT_COLUMNS,
        }
    }

    /// Headers in every language, normalised, mapped to the fields they
    /// name: each field's label, and the other names a column goes by
    /// (`import.aliases.<kind>.<field>`, a list separated by `|`).
    pub fn aliases(self) -> BTreeMap<String, String> {
        aliases_of(self.path(), self.columns())
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
        }
    }

    /// The kind of record the file holds.
    pub fn kind(self) -> Kind {
        match self {
            Self::Product => Kind::Product,
            Self::Opportunity => Kind::Opportunity,
            Self::Contract => Kind::Contract,
            Self::Payment => Kind::Payment,
        }
    }

    /// Whether a file of this kind may carry its custom fields.
    fn reads_custom(self) -> bool {
        matches!(self, Self::Opportunity | Self::Contract | Self::Payment)
    }
}

/// Headers in every language, normalised, mapped to the fields they name:
/// each field's label, and the other names a column goes by
/// (`import.aliases.<path>.<field>`, `life_fix9.aliases.<path>.<field>` and
/// `records_gaps.aliases.<path>.<field>`, lists separated by `|`).
fn aliases_of(path: &str, columns: &[&str]) -> BTreeMap<String, String> {
    let mut aliases = BTreeMap::new();
    for lang in Lang::ALL {
        for field in columns {
            let label = lang.t(&format!("fields.{field}"));
            aliases.insert(kuijing_domain::text::normalize(&label), field.to_string());
            for section in ["import", "life_fix9", "records_gaps"] {
                let key = format!("{section}.aliases.{path}.{field}");
                let others = lang.t(&key);
                if others != key {
                    for other in others.split('|') {
                        aliases.insert(kuijing_domain::text::normalize(other), field.to_string());
                    }
                }
            }
        }
    }
    aliases
}

/// The records that import with a column mapping, a preview, duplicates
/// skipped, updated or created, and a choice to write the good rows alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordImport {
    Customer,
    Lead,
    Contact,
}

impl RecordImport {
    pub const ALL: [Self; 3] = [Self::Customer, Self::Lead, Self::Contact];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.path() == text)
    }

    /// The kind's part of its pages' and API's paths.
    pub fn path(self) -> &'static str {
        match self {
            Self::Customer => "customers",
            Self::Lead => "leads",
            Self::Contact => "contacts",
        }
    }

    /// Where the kind's list is; its import page is under it.
    pub fn base(self) -> &'static str {
        match self {
            Self::Customer => "/customers",
            Self::Lead => "/leads",
            Self::Contact => "/contacts",
        }
    }

    pub fn kind(self) -> Kind {
        match self {
            Self::Customer => Kind::Customer,
            Self::Lead => Kind::Lead,
            Self::Contact => Kind::Contact,
        }
    }

    /// The fields a file may fill, in the template's order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Self::Customer => kuijing_service::customer_io::IMPORTABLE,
            Self::Lead => kuijing_service::lead_io::LEAD_COLUMNS,
            Self::Contact => kuijing_service::contact_io::CONTACT_COLUMNS,
        }
    }

    pub fn aliases(self) -> BTreeMap<String, String> {
        aliases_of(self.path(), self.columns())
    }

    /// The list page's title, and the import page's.
    pub fn titles(self) -> (&'static str, &'static str) {
        match self {
            Self::Customer => ("customers.title", "customers.import_title"),
            Self::Lead => ("leads.title", "records.lead_import"),
            Self::Contact => ("contacts.title", "records.contact_import"),
        }
    }

    /// Runs the import of this kind.
    pub async fn run(
        self,
        state: &AppState,
        caller: &Caller,
        bytes: &[u8],
        options: ImportOptions,
    ) -> Result<RecordReport, ServiceError> {
        let app = &state.app;
        match self {
            Self::Customer => app.import_customers(caller, bytes, options).await,
            Self::Lead => app.import_leads(caller, bytes, options).await,
            Self::Contact => app.import_contacts(caller, bytes, options).await,
        }
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
            // A custom field is named by its label where the check knew it.
            let mut message = match &p.label {
                _ if p.code.starts_with("exceeds_") => {
                    crate::error::pending::import_message(p, kind, lang).unwrap_or_default()
                }
                Some(label) => crate::error::labelled_message(&p.field, &p.code, label, lang),
                None => crate::error::message_in_kind(&p.field, &p.code, kind, lang),
            };
            if let Some(other) = p.other_row {
                message = message.replace("%{row}", &other.to_string());
            }
            for (name, value) in &p.params {
                message = message.replace(&format!("%{{{name}}}"), value);
            }
            p.message = Some(message.clone());
            ProblemLine {
                row: p.row,
                column: p
                    .label
                    .clone()
                    .unwrap_or_else(|| crate::error::field_label_in_kind(&p.field, kind, lang)),
                message,
            }
        })
        .collect()
}

/// What a template is made for: the kind of record, the path that names
/// its file, its columns, and whether its custom fields follow them.
pub struct TemplateOf {
    pub kind: Kind,
    pub path: &'static str,
    pub columns: &'static [&'static str],
    pub custom: bool,
}

impl From<ImportKind> for TemplateOf {
    fn from(kind: ImportKind) -> Self {
        Self {
            kind: kind.kind(),
            path: kind.path(),
            columns: kind.columns(),
            custom: kind.reads_custom(),
        }
    }
}

impl From<RecordImport> for TemplateOf {
    fn from(kind: RecordImport) -> Self {
        Self {
            kind: kind.kind(),
            path: kind.path(),
            columns: kind.columns(),
            custom: true,
        }
    }
}

/// Columns of numbers kept as text, whose leading zeros count: a template's
/// spreadsheet gives them the text format.
const TEXT_COLUMNS: &[&str] = &["phone", "mobile", "postcode", "tax_id", "code", "number"];

/// The columns of a template (its fields, then its custom fields) that get
/// the text format: numbers kept as text, and custom text and phone fields,
/// so a number typed there keeps its leading zeros.
fn text_columns(columns: &[&str], custom: &[kuijing_domain::fields::FieldDef]) -> Vec<u16> {
    use kuijing_domain::fields::FieldType;
    let fields = columns.iter().map(|c| TEXT_COLUMNS.contains(c));
    let custom = custom.iter().map(|d| {
        matches!(
            d.field_type,
            FieldType::Text | FieldType::LongText | FieldType::Phone
        )
    });
    (0u16..)
        .zip(fields.chain(custom))
        .filter(|(_, text)| *text)
        .map(|(at, _)| at)
        .collect()
}

/// The template of a kind: its header row in the user's language, the
/// custom fields last, by their labels.
pub async fn template(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    of: TemplateOf,
    format: Format,
) -> Result<axum::response::Response, ServiceError> {
    caller.require(Permission::new(of.kind, Action::Import))?;
    let mut header: Vec<String> = of
        .columns
        .iter()
        .map(|c| lang.t(&format!("fields.{c}")))
        .collect();
    let defs = if of.custom {
        state.app.custom_fields(of.kind).await?
    } else {
        Vec::new()
    };
    let text = text_columns(of.columns, &defs);
    header.extend(defs.into_iter().map(|d| d.label));
    let dir = state.app.settings().data_dir.join("tmp");
    let io = |e: std::io::Error| ServiceError::Internal(format!("template file: {e}"));
    let mut writer = TableWriter::new(format, &dir).map_err(io)?;
    writer.text_columns(&text).map_err(io)?;
    writer.write_row(&header).map_err(io)?;
    let name = format!("{}-template", of.path);
    crate::api::send_file(writer.finish().map_err(io)?, format, &name).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_text_fields_get_the_text_format_in_a_template() {
        use kuijing_domain::fields::{FieldDef, FieldType};
        let def = |key: &str, field_type| FieldDef {
            id: 0,
            key: key.into(),
            label: key.into(),
            field_type,
            required: false,
            unique: false,
            default_value: None,
            options: Vec::new(),
            sort_order: 0,
        };
        let custom = [
            def("member_no", FieldType::Text),
            def("seats", FieldType::Number),
            def("notes", FieldType::LongText),
            def("fax", FieldType::Phone),
        ];
        assert_eq!(
            text_columns(&["name", "phone", "email"], &custom),
            [1, 3, 5, 6]
        );
    }

    #[test]
    fn every_language_names_every_column() {
        for kind in [
            ImportKind::Product,
            ImportKind::Opportunity,
            ImportKind::Contract,
            ImportKind::Payment,
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
        for kind in RecordImport::ALL {
            let aliases = kind.aliases();
            for field in kind.columns() {
                let label = Lang::En.t(&format!("fields.{field}"));
                let key = kuijing_domain::text::normalize(&label);
                assert_eq!(aliases.get(&key).map(String::as_str), Some(*field));
            }
        }
    }
}
