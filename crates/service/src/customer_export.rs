//! Customers out to a spreadsheet: exactly the rows and columns the caller
//! may see, a page at a time, with choices and people by their names.

use std::collections::HashMap;

use kuijing_domain::customer::Customer;
use kuijing_domain::{Action, Kind, Permission};
use kuijing_store::customers::{self, Sort};
use kuijing_store::schema::Customers;
use kuijing_store::{departments, options, users};

use crate::customer_io::COLUMNS;
use crate::customers::CustomerListQuery;
use crate::error::{Result, ServiceError};
use crate::spreadsheets::{Format, TableWriter};
use crate::{App, Caller};

/// What turns a customer's ids and flags into words in an export.
struct Looks<'a> {
    /// The customer fields, so a value is written as its type reads.
    defs: &'a [kuijing_domain::fields::FieldDef],
    choice: &'a HashMap<i64, String>,
    names: &'a HashMap<i64, String>,
    text: &'a (dyn Fn(&str) -> String + Sync),
}

impl App {
    /// Writes the customers the caller sees through the list's filters (or
    /// the chosen ids) to a temporary file, a page at a time. `columns`
    /// are the list's columns the caller chose (system fields and
    /// `custom.<key>`); left out, every column an import reads, and every
    /// custom field. `text` turns a message key (`fields.phone`,
    /// `customers.yes`) into the caller's language.
    pub async fn export_customers(
        &self,
        caller: &Caller,
        query: &CustomerListQuery,
        (ids, columns): (Option<Vec<i64>>, Option<Vec<String>>),
        format: Format,
        text: &(dyn Fn(&str) -> String + Sync),
    ) -> Result<tempfile::TempPath> {
        caller.require(Permission::new(Kind::Customer, Action::Export))?;
        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Customer, &org);
        let defs = self.field_defs_in(&mut tx, Kind::Customer).await?;
        let mut store_query = self.customer_store_query(caller, &org, &defs, query)?;
        store_query.ids = ids;
        let today = self.today();
        let choice: HashMap<i64, String> = caller
            .shown_options(options::of_kind(&mut tx, "customer").await?)
            .into_iter()
            .map(|o| (o.id, o.label))
            .collect();
        let names: HashMap<i64, String> = users::all_names(&mut tx).await?.into_iter().collect();
        let columns: Vec<String> = match columns {
            Some(columns) => columns,
            None => COLUMNS
                .iter()
                .map(|c| c.to_string())
                .chain(defs.iter().map(|d| format!("custom.{}", d.key)))
                .collect(),
        };

        let dir = self.settings.data_dir.join("tmp");
        let io = |e: std::io::Error| ServiceError::Internal(format!("export file: {e}"));
        let mut writer = TableWriter::new(format, &dir).map_err(io)?;
        let header: Vec<String> = columns
            .iter()
            .map(|c| match c.strip_prefix("custom.") {
                Some(key) => defs
                    .iter()
                    .find(|d| d.key == key)
                    .map(|d| d.label.clone())
                    .unwrap_or_else(|| key.to_string()),
                None => text(&format!("fields.{c}")),
            })
            .collect();
        writer.write_row(&header).map_err(io)?;

        let sort = Sort::by(Customers::Id, false);
        let looks = Looks {
            defs: &defs,
            choice: &choice,
            names: &names,
            text,
        };
        let mut after = None;
        let mut rows = 0u64;
        loop {
            let page = customers::list(
                &mut tx,
                &visibility,
                caller.user.id,
                today,
                &store_query,
                sort.clone(),
                after.clone(),
                500,
            )
            .await?;
            let Some(last) = page.last() else { break };
            after = Some((last.id.into(), last.id));
            for customer in &page {
                let cells: Vec<String> = columns
                    .iter()
                    .map(|c| self.export_cell(customer, c, &looks))
                    .collect();
                writer.write_row(&cells).map_err(io)?;
                rows += 1;
            }
        }
        tracing::info!(rows, actor.id = caller.user.id, "customers exported");
        writer.finish().map_err(io)
    }

    /// One cell of a customer as a spreadsheet shows it.
    fn export_cell(&self, c: &Customer, column: &str, looks: &Looks<'_>) -> String {
        let zone = self.time_zone();
        let at = |t: Option<chrono::DateTime<chrono::Utc>>| {
            t.map(|t| t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default()
        };
        let label = |id: Option<i64>| {
            id.and_then(|id| looks.choice.get(&id).cloned())
                .unwrap_or_default()
        };
        let text = |t: &Option<String>| t.clone().unwrap_or_default();
        let yes_no = |b: bool| (looks.text)(if b { "customers.yes" } else { "customers.no" });
        if let Some(key) = column.strip_prefix("custom.") {
            let def = looks.defs.iter().find(|d| d.key == key);
            return c
                .custom
                .get(key)
                .map(|value| match def {
                    Some(def) => {
                        kuijing_domain::fields::display_as(def.field_type, value, None, false)
                    }
                    None => kuijing_domain::fields::display(value),
                })
                .unwrap_or_default();
        }
        match column {
            "name" => c.name.clone(),
            "level_id" => label(c.level_id),
            "industry_id" => label(c.industry_id),
            "source_id" => label(c.source_id),
            "phone" => text(&c.phone),
            "mobile" => text(&c.mobile),
            "email" => text(&c.email),
            "website" => text(&c.website),
            "address" => text(&c.address),
            "postcode" => text(&c.postcode),
            "province" => text(&c.province),
            "city" => text(&c.city),
            "district" => text(&c.district),
            "tax_id" => text(&c.tax_id),
            "notes" => text(&c.notes),
            "owner_id" => c
                .owner_id
                .and_then(|o| looks.names.get(&o).cloned())
                .unwrap_or_default(),
            "dealt" => yes_no(c.dealt),
            "locked" => yes_no(c.locked),
            "last_follow_up_at" => at(c.last_follow_up_at),
            "next_contact_at" => at(c.next_contact_at),
            "created_at" => at(Some(c.created_at)),
            "updated_at" => at(Some(c.updated_at)),
            _ => String::new(),
        }
    }
}
