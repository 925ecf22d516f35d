//! Customers that look like the same company, by name, phone, e-mail or tax ID.

use sea_query::{Condition, Expr, Query};

use crate::db::Tx;
use crate::error::Result;
use crate::schema::Customers;

/// Customers that look like the same company: by name key, phone or e-mail,
/// across all owners (the caller shows only what the actor may see by name).
pub async fn duplicates(
    tx: &mut Tx,
    name_key: Option<&str>,
    phone_key: Option<&str>,
    email: Option<&str>,
    except: Option<i64>,
) -> Result<Vec<Duplicate>> {
    let found = duplicates_of(tx, name_key, phone_key, email, None, except).await?;
    let ids: Vec<i64> = found.iter().map(|(id, _, _)| *id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = Query::select()
        .columns([
            Customers::Id,
            Customers::NameKey,
            Customers::PhoneKey,
            Customers::MobileKey,
            Customers::Email,
        ])
        .from(Customers::Table)
        .and_where(Expr::col(Customers::Id).is_in(ids))
        .to_owned();
    type Keys = (i64, String, Option<String>, Option<String>, Option<String>);
    let keys: Vec<Keys> = tx.all(&select).await?;
    let phone_key = phone_key.filter(|k| k.len() >= 6);
    Ok(found
        .into_iter()
        .map(|(id, name, owner_id)| {
            let mut matched = Vec::new();
            if let Some((_, name_of, phone, mobile, mail)) = keys.iter().find(|k| k.0 == id) {
                if name_key.is_some_and(|k| !k.is_empty() && k == name_of) {
                    matched.push("name");
                }
                if phone_key
                    .is_some_and(|k| [phone, mobile].iter().any(|p| p.as_deref() == Some(k)))
                {
                    matched.push("phone");
                }
                if email.is_some_and(|e| !e.is_empty() && mail.as_deref() == Some(e)) {
                    matched.push("email");
                }
            }
            Duplicate {
                id,
                name,
                owner_id,
                matched,
            }
        })
        .collect())
}

/// A customer that looks like one being typed, and which of its fields
/// matched (`name`, `phone`, `email`).
#[derive(Debug, Clone)]
pub struct Duplicate {
    pub id: i64,
    pub name: String,
    pub owner_id: Option<i64>,
    pub matched: Vec<&'static str>,
}

/// As `duplicates`, where a tax ID decides: two customers with different
/// tax IDs are different companies even when they share a name or a phone
/// (companies of one group often share a switchboard).
pub async fn duplicates_of(
    tx: &mut Tx,
    name_key: Option<&str>,
    phone_key: Option<&str>,
    email: Option<&str>,
    tax_id: Option<&str>,
    except: Option<i64>,
) -> Result<Vec<(i64, String, Option<i64>)>> {
    let mut any = Condition::any();
    if let Some(key) = name_key.filter(|k| !k.is_empty()) {
        any = any.add(Expr::col(Customers::NameKey).eq(key));
    }
    if let Some(key) = phone_key.filter(|k| k.len() >= 6) {
        any = any
            .add(Expr::col(Customers::PhoneKey).eq(key))
            .add(Expr::col(Customers::MobileKey).eq(key));
    }
    if let Some(email) = email.filter(|e| !e.is_empty()) {
        any = any.add(Expr::col(Customers::Email).eq(email));
    }
    let tax_id = tax_id.filter(|t| !t.is_empty());
    if let Some(tax_id) = tax_id {
        any = any.add(Expr::col(Customers::TaxId).eq(tax_id));
    }
    if any.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = Query::select();
    select
        .columns([
            Customers::Id,
            Customers::Name,
            Customers::OwnerId,
            Customers::TaxId,
        ])
        .from(Customers::Table)
        .cond_where(any)
        .limit(50);
    if let Some(except) = except {
        select.and_where(Expr::col(Customers::Id).ne(except));
    }
    let found: Vec<(i64, String, Option<i64>, Option<String>)> = tx.all(&select).await?;
    Ok(found
        .into_iter()
        .filter(|(_, _, _, theirs)| match (tax_id, theirs.as_deref()) {
            (Some(ours), Some(theirs)) => ours == theirs,
            _ => true,
        })
        .map(|(id, name, owner, _)| (id, name, owner))
        .collect())
}
