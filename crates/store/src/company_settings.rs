//! Settings the company's data decides (its currency once the demo is
//! loaded), kept in the database over the configuration's defaults.

use sea_query::{Expr, OnConflict, Query};

use crate::db::Tx;
use crate::error::Result;
use crate::schema::{CompanySettings, PendingUpgrades};

/// The key of the company currency.
pub const CURRENCY: &str = "currency";

/// A setting's stored value; none where the configuration's stands.
pub async fn get(tx: &mut Tx, key: &str) -> Result<Option<String>> {
    let select = Query::select()
        .column(CompanySettings::Value)
        .from(CompanySettings::Table)
        .and_where(Expr::col(CompanySettings::Key).eq(key))
        .to_owned();
    let found: Option<(String,)> = tx.optional(&select).await?;
    Ok(found.map(|(value,)| value))
}

/// Stores a setting, replacing what was stored.
pub async fn set(tx: &mut Tx, key: &str, value: &str) -> Result<()> {
    let insert = Query::insert()
        .into_table(CompanySettings::Table)
        .columns([CompanySettings::Key, CompanySettings::Value])
        .values_panic([key.into(), value.into()])
        .on_conflict(
            OnConflict::column(CompanySettings::Key)
                .update_column(CompanySettings::Value)
                .to_owned(),
        )
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// Whether a migration left work of this name for the application to do
/// at start (work that needs what only the application knows, such as the
/// configured company currency).
pub async fn upgrade_pending(tx: &mut Tx, name: &str) -> Result<bool> {
    let select = Query::select()
        .column(PendingUpgrades::Name)
        .from(PendingUpgrades::Table)
        .and_where(Expr::col(PendingUpgrades::Name).eq(name))
        .to_owned();
    let found: Option<(String,)> = tx.optional(&select).await?;
    Ok(found.is_some())
}

/// Marks the work a migration left as done.
pub async fn upgrade_done(tx: &mut Tx, name: &str) -> Result<()> {
    let delete = Query::delete()
        .from_table(PendingUpgrades::Table)
        .and_where(Expr::col(PendingUpgrades::Name).eq(name))
        .to_owned();
    tx.execute(&delete).await?;
    Ok(())
}
