//! Document numbers from administrators' rules, handed out inside the
//! saving transaction so two saves never get the same number.

use chrono::NaiveDate;
use kuijing_domain::sales::{DatePart, NumberRule, Reset};
use sea_query::{Expr, OnConflict, Query};

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::schema::{NumberRules, NumberSequences};

/// The rule for a kind, or the default one with `prefix`.
pub async fn rule(tx: &mut Tx, kind: &str, prefix: &str) -> Result<NumberRule> {
    let select = Query::select()
        .columns([
            NumberRules::Prefix,
            NumberRules::DatePart,
            NumberRules::Reset,
            NumberRules::Width,
        ])
        .from(NumberRules::Table)
        .and_where(Expr::col(NumberRules::Kind).eq(kind))
        .to_owned();
    let row: Option<(String, String, String, i64)> = tx.optional(&select).await?;
    let Some((prefix, date_part, reset, width)) = row else {
        return Ok(NumberRule::default_for(prefix));
    };
    Ok(NumberRule {
        prefix,
        date_part: DatePart::parse(&date_part).map_err(|e| StoreError::Corrupt(e.into()))?,
        reset: Reset::parse(&reset).map_err(|e| StoreError::Corrupt(e.into()))?,
        width,
    })
}

pub async fn set_rule(tx: &mut Tx, kind: &str, rule: &NumberRule) -> Result<()> {
    let insert = Query::insert()
        .into_table(NumberRules::Table)
        .columns([
            NumberRules::Kind,
            NumberRules::Prefix,
            NumberRules::DatePart,
            NumberRules::Reset,
            NumberRules::Width,
        ])
        .values_panic([
            kind.into(),
            rule.prefix.clone().into(),
            rule.date_part.as_str().into(),
            rule.reset.as_str().into(),
            rule.width.into(),
        ])
        .on_conflict(
            OnConflict::column(NumberRules::Kind)
                .update_columns([
                    NumberRules::Prefix,
                    NumberRules::DatePart,
                    NumberRules::Reset,
                    NumberRules::Width,
                ])
                .to_owned(),
        )
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// The next number of a kind for a document dated `date`.
pub async fn next(tx: &mut Tx, kind: &str, prefix: &str, date: NaiveDate) -> Result<String> {
    let rule = rule(tx, kind, prefix).await?;
    let period = rule.period(date);
    let insert = Query::insert()
        .into_table(NumberSequences::Table)
        .columns([
            NumberSequences::Kind,
            NumberSequences::Period,
            NumberSequences::Last,
        ])
        .values_panic([kind.into(), period.into(), 1i64.into()])
        .on_conflict(
            OnConflict::columns([NumberSequences::Kind, NumberSequences::Period])
                .value(
                    NumberSequences::Last,
                    Expr::col((NumberSequences::Table, NumberSequences::Last)).add(1),
                )
                .to_owned(),
        )
        .returning_col(NumberSequences::Last)
        .to_owned();
    let sequence = tx.insert_id(&insert).await?;
    Ok(rule.format(date, sequence))
}
