//! The columns of a list each user picks and orders, remembered per user
//! and list; exports of "the columns I see" follow the same choice.

use kuijing_domain::{Action, FieldErrors, Kind, Permission};
use kuijing_store::list_columns;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::Result;
use crate::{App, Caller};

/// A list whose columns can be chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Customer,
    Opportunity,
    Contract,
    Payment,
    Lead,
    Contact,
}

impl ListKind {
    pub const ALL: [ListKind; 6] = [
        ListKind::Customer,
        ListKind::Opportunity,
        ListKind::Contract,
        ListKind::Payment,
        ListKind::Lead,
        ListKind::Contact,
    ];

    /// A list by its kind, as one record (`customer`) or as the API's paths
    /// name them (`customers`, `opportunities`).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == text || k.plural() == text)
    }

    /// The list's name in the API's paths.
    pub fn plural(self) -> &'static str {
        match self {
            Self::Customer => "customers",
            Self::Opportunity => "opportunities",
            Self::Contract => "contracts",
            Self::Payment => "payments",
            Self::Lead => "leads",
            Self::Contact => "contacts",
        }
    }

    pub fn as_str(self) -> &'static str {
        self.kind().as_str()
    }

    pub fn kind(self) -> Kind {
        match self {
            Self::Customer => Kind::Customer,
            Self::Opportunity => Kind::Opportunity,
            Self::Contract => Kind::Contract,
            Self::Payment => Kind::Payment,
            Self::Lead => Kind::Lead,
            Self::Contact => Kind::Contact,
        }
    }

    /// The column that names a row and links to it; it is always shown.
    pub fn identifying(self) -> &'static str {
        match self {
            Self::Customer | Self::Opportunity | Self::Lead | Self::Contact => "name",
            Self::Contract | Self::Payment => "number",
        }
    }

    /// Every system column the list can show, in the picker's order.
    pub fn system_columns(self) -> &'static [&'static str] {
        match self {
            Self::Customer => &[
                "name",
                "level_id",
                "industry_id",
                "source_id",
                "phone",
                "mobile",
                "email",
                "website",
                "postcode",
                "province",
                "city",
                "district",
                "address",
                "tax_id",
                "owner_id",
                "dealt",
                "locked",
                "last_follow_up_at",
                "next_contact_at",
                "notes",
                "created_at",
                "updated_at",
            ],
            Self::Opportunity => &[
                "name",
                "customer_id",
                "pipeline_id",
                "stage_id",
                "outcome",
                "amount",
                "expected_close_on",
                "next_contact_at",
                "last_follow_up_at",
                "owner_id",
                "created_at",
                "updated_at",
            ],
            Self::Contract => &[
                "number",
                "name",
                "customer_id",
                "signed_on",
                "starts_on",
                "ends_on",
                "amount",
                "received",
                "outstanding",
                "status",
                "owner_id",
                "created_at",
            ],
            Self::Payment => &[
                "number",
                "contract_id",
                "customer_id",
                "received_on",
                "amount",
                "status",
                "owner_id",
                "created_at",
            ],
            Self::Lead => &[
                "name",
                "contact_name",
                "mobile",
                "phone",
                "email",
                "address",
                "postcode",
                "level_id",
                "industry_id",
                "source_id",
                "owner_id",
                "converted",
                "last_follow_up_at",
                "next_contact_at",
                "notes",
                "created_at",
                "updated_at",
            ],
            Self::Contact => &[
                "name",
                "customer_id",
                "post",
                "mobile",
                "phone",
                "email",
                "decision_maker",
                "is_primary",
                "address",
                "postcode",
                "owner_id",
                "last_follow_up_at",
                "next_contact_at",
                "notes",
                "created_at",
                "updated_at",
            ],
        }
    }

    /// The columns of a user who never chose.
    pub fn default_columns(self) -> &'static [&'static str] {
        match self {
            Self::Customer => &[
                "name",
                "level_id",
                "industry_id",
                "phone",
                "owner_id",
                "last_follow_up_at",
                "created_at",
                "updated_at",
            ],
            Self::Opportunity => &[
                "name",
                "customer_id",
                "stage_id",
                "amount",
                "expected_close_on",
                "owner_id",
            ],
            Self::Contract => &[
                "number",
                "customer_id",
                "signed_on",
                "amount",
                "outstanding",
                "status",
                "owner_id",
            ],
            Self::Payment => &[
                "number",
                "contract_id",
                "customer_id",
                "received_on",
                "amount",
                "status",
            ],
            Self::Lead => &[
                "name",
                "contact_name",
                "mobile",
                "source_id",
                "owner_id",
                "last_follow_up_at",
                "created_at",
                "converted",
            ],
            Self::Contact => &[
                "name",
                "customer_id",
                "post",
                "mobile",
                "email",
                "owner_id",
                "created_at",
            ],
        }
    }
}

/// A column the list can show.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ColumnOption {
    /// A system field, or `custom.<key>` for a custom field.
    pub key: String,
    /// The column's name: a custom field's label, a system field's name in
    /// the caller's language.
    pub label: Option<String>,
    /// A custom field's type, so a page shows its values as the type reads
    /// (a percent with its sign).
    #[serde(skip)]
    pub field_type: Option<kuijing_domain::fields::FieldType>,
}

/// The columns a user sees on a list and those they may add.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListColumns {
    pub kind: String,
    /// The columns shown, in order.
    pub columns: Vec<String>,
    /// Whether these are the list's defaults (the user chose none).
    pub default: bool,
    /// Every column the list can show.
    pub available: Vec<ColumnOption>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListColumnsInput {
    /// The columns to show, in order; the naming column (`name` or `number`)
    /// is kept first when left out.
    pub columns: Vec<String>,
}

impl App {
    /// The caller's columns of a list: their choice, or the defaults.
    pub async fn list_columns(&self, caller: &Caller, kind: ListKind) -> Result<ListColumns> {
        caller.require(Permission::new(kind.kind(), Action::View))?;
        let mut tx = self.db.read().await?;
        let available = self.column_options(&mut tx, kind).await?;
        let stored = list_columns::get(&mut tx, caller.user.id, kind.as_str()).await?;
        // A column chosen once may have gone since (a custom field deleted).
        let chosen = stored.map(|columns| {
            columns
                .into_iter()
                .filter(|c| available.iter().any(|a| a.key == *c))
                .collect::<Vec<_>>()
        });
        let default = chosen.as_ref().is_none_or(Vec::is_empty);
        let columns = match chosen {
            Some(columns) if !columns.is_empty() => columns,
            _ => kind
                .default_columns()
                .iter()
                .map(|c| c.to_string())
                .collect(),
        };
        Ok(ListColumns {
            kind: kind.as_str().to_string(),
            columns,
            default,
            available,
        })
    }

    /// Keeps the caller's columns of a list.
    pub async fn save_list_columns(
        &self,
        caller: &Caller,
        kind: ListKind,
        input: &ListColumnsInput,
    ) -> Result<ListColumns> {
        caller.require(Permission::new(kind.kind(), Action::View))?;
        let mut tx = self.db.write().await?;
        let available = self.column_options(&mut tx, kind).await?;
        let mut errors = FieldErrors::new();
        let mut columns: Vec<String> = Vec::new();
        for column in &input.columns {
            let column = column.trim();
            if !available.iter().any(|a| a.key == column) {
                // Named by its key: a position means little to whoever
                // reads the answer.
                errors.push(
                    kuijing_domain::FieldError::new("columns", "column_unknown")
                        .with("column", column),
                );
            } else if !columns.iter().any(|c| c == column) {
                columns.push(column.to_string());
            }
        }
        errors.into_result()?;
        let naming = kind.identifying();
        if !columns.iter().any(|c| c == naming) {
            columns.insert(0, naming.to_string());
        }
        list_columns::put(&mut tx, caller.user.id, kind.as_str(), &columns, self.now()).await?;
        tx.commit().await?;
        self.list_columns(caller, kind).await
    }

    /// Forgets the caller's columns of a list: the defaults come back.
    pub async fn reset_list_columns(&self, caller: &Caller, kind: ListKind) -> Result<ListColumns> {
        caller.require(Permission::new(kind.kind(), Action::View))?;
        let mut tx = self.db.write().await?;
        list_columns::reset(&mut tx, caller.user.id, kind.as_str()).await?;
        tx.commit().await?;
        self.list_columns(caller, kind).await
    }

    async fn column_options(
        &self,
        tx: &mut kuijing_store::Tx,
        kind: ListKind,
    ) -> Result<Vec<ColumnOption>> {
        let mut options: Vec<ColumnOption> = kind
            .system_columns()
            .iter()
            .map(|c| ColumnOption {
                key: c.to_string(),
                label: None,
                field_type: None,
            })
            .collect();
        // Every listed kind carries custom fields, shown as `custom.<key>`.
        for def in self.field_defs_in(tx, kind.kind()).await? {
            options.push(ColumnOption {
                key: format!("custom.{}", def.key),
                label: Some(def.label),
                field_type: Some(def.field_type),
            });
        }
        Ok(options)
    }
}
