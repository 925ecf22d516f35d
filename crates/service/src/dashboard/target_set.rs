//! Targets set, checked against the year's and the months' already set, and deleted.

use kuijing_domain::targets::YearTargets;

use super::targets::MEASURES;
use super::*;

/// Several targets of one holder and year, as the targets page saves them.
#[derive(Debug, Clone)]
pub struct TargetsInput {
    pub year: i64,
    pub department_id: Option<i64>,
    pub user_id: Option<i64>,
    /// The company's currency when none.
    pub currency: Option<String>,
    pub amounts: Vec<TargetAmount>,
}

/// One amount of [`TargetsInput`]: a measure and month (0 for the year),
/// the amount as typed, and how a message names it (none: by its field).
#[derive(Debug, Clone)]
pub struct TargetAmount {
    pub measure: String,
    pub month: i64,
    pub amount: String,
    pub label: Option<String>,
    /// The version of the target as read (0: there was none); a save over
    /// a target saved since then is refused. None: not checked.
    pub version: Option<i64>,
}

/// A target as an administrator sets it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    pub year: i64,
    /// 0 for the whole year.
    #[serde(default)]
    pub month: i64,
    pub department_id: Option<i64>,
    pub user_id: Option<i64>,
    /// `contract_amount` or `payment_amount`.
    pub measure: String,
    pub amount: crate::products::DecimalText,
    /// The company's currency (its `currency` setting) when left out.
    pub currency: Option<String>,
    /// The `version` of the target as read (0 when there was none): when
    /// given, a save over a target saved since then answers 409 with the
    /// target as it is now (`current`), and saves nothing.
    #[serde(default)]
    pub version: Option<i64>,
}

impl App {
    /// Sets a target (an administrator's or a report manager's task) and
    /// answers it as saved, with its id.
    pub async fn set_target(
        &self,
        caller: &Caller,
        input: &TargetInput,
    ) -> Result<insight::Target> {
        let batch = TargetsInput {
            year: input.year,
            department_id: input.department_id,
            user_id: input.user_id,
            currency: input.currency.clone(),
            amounts: vec![TargetAmount {
                measure: input.measure.clone(),
                month: input.month,
                amount: input.amount.text(),
                label: None,
                version: input.version,
            }],
        };
        self.set_targets(caller, &batch)
            .await
            .map_err(|error| match error {
                // One target: the one as it is now, not a list of them.
                ServiceError::Changed { version, current } => ServiceError::Changed {
                    version,
                    current: Box::new(current.get(0).cloned().unwrap_or_default()),
                },
                other => other,
            })?;
        let holder = (input.department_id, input.user_id);
        let mut tx = self.db.read().await?;
        insight::targets(&mut tx, input.year, holder)
            .await?
            .into_iter()
            .find(|t| t.measure == input.measure && t.month == input.month)
            .ok_or(ServiceError::NotFound)
    }

    /// Sets several targets of one holder and year at once: every problem
    /// (the year, the holder, the currency, each amount) is reported
    /// together, and nothing is saved unless all are right.
    pub async fn set_targets(&self, caller: &Caller, input: &TargetsInput) -> Result<()> {
        caller.require(Permission::new(Kind::Report, Action::Manage))?;
        let mut errors = kuijing_domain::FieldErrors::new();
        kuijing_domain::targets::check_year("year", input.year, &mut errors);
        if input.department_id.is_some() && input.user_id.is_some() {
            errors.add("user_id", "one_holder");
        }
        let currency = target_currency(input.currency.as_deref(), &self.currency(), &mut errors);
        let mut amounts = Vec::new();
        for entry in &input.amounts {
            // A labelled amount is one of many: its field names it
            // (`amount:contract_amount:3`), so each keeps its own message.
            let mut add = |field: &str, error: kuijing_domain::FieldError| {
                errors.push(match &entry.label {
                    Some(label) => kuijing_domain::FieldError {
                        field: format!("{field}:{}:{}", entry.measure, entry.month),
                        ..error.labelled(label)
                    },
                    None => error,
                });
            };
            let error = |code| kuijing_domain::FieldError::new("amount", code);
            if !(0..=12).contains(&entry.month) {
                add(
                    "month",
                    kuijing_domain::FieldError::new("month", "month_out_of_range"),
                );
            }
            if !MEASURES.contains(&entry.measure.as_str()) {
                add("measure", crate::error::not_one_of("measure", &MEASURES));
            }
            if entry.amount.trim().is_empty() {
                add("amount", error("required"));
                continue;
            }
            if let Some(currency) = &currency
                && let Some(mark) = money::foreign_mark(&entry.amount, currency)
            {
                add(
                    "amount",
                    error("target_amount_other_currency")
                        .with("mark", mark)
                        .with("currency", currency),
                );
                continue;
            }
            match money::parse_amount(&entry.amount) {
                Ok(amount) => amounts.push((entry, amount)),
                Err("too_large") => add(
                    "amount",
                    error("target_amount_over_limit").with(
                        "max",
                        match &currency {
                            Some(currency) => money::format_money(money::MAX_MINOR, currency),
                            None => money::format_amount(money::MAX_MINOR),
                        },
                    ),
                ),
                Err(code) => add("amount", error(code)),
            }
        }
        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        if let Some(department) = input.department_id
            && !org.department_ids().any(|d| d == department)
        {
            errors.add("department_id", "invalid_choice");
        }
        if let Some(user) = input.user_id
            && org.department_of(user).is_none()
        {
            errors.add("user_id", "invalid_choice");
        }
        // Saves of one holder's year run one after another, so months saved
        // at once never add up past the year, nor collide on a month.
        insight::lock_targets(&mut tx, input.year, (input.department_id, input.user_id)).await?;
        // A holder's targets of a measure and year are in one currency:
        // those not replaced here must already be in this one.
        let saved =
            insight::targets(&mut tx, input.year, (input.department_id, input.user_id)).await?;
        // An unknown currency is refused on its own: nothing is compared
        // with it, nor named in it.
        if let Some(currency) = &currency {
            let kept_in_other = saved.iter().find(|t| {
                t.currency != *currency
                    && amounts.iter().any(|(entry, _)| entry.measure == t.measure)
                    && !amounts
                        .iter()
                        .any(|(entry, _)| entry.measure == t.measure && entry.month == t.month)
            });
            if let Some(other) = kept_in_other {
                errors.push(
                    kuijing_domain::FieldError::new("currency", "target_currency_mixed")
                        .with("currency", &other.currency),
                );
            }
            check_months_within_year(&amounts, &saved, currency, &mut errors);
        }
        errors.into_result()?;
        stale_targets(&input.amounts, &saved)?;
        let currency = currency.unwrap_or_default();
        for (entry, amount) in &amounts {
            let current = saved
                .iter()
                .find(|t| t.measure == entry.measure && t.month == entry.month);
            insight::set_target(
                &mut tx,
                (input.year, entry.month),
                (input.department_id, input.user_id),
                &entry.measure,
                (*amount, &currency),
                current,
                self.now(),
            )
            .await?;
        }
        tx.commit().await?;
        tracing::info!(
            year = input.year,
            targets = amounts.len(),
            actor.id = caller.user.id,
            "targets set"
        );
        Ok(())
    }

    /// Deletes a target (an administrator's or a report manager's task).
    pub async fn delete_target(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(Permission::new(Kind::Report, Action::Manage))?;
        let mut tx = self.db.write().await?;
        if !insight::delete_target(&mut tx, id).await? {
            return Err(ServiceError::NotFound);
        }
        tx.commit().await?;
        tracing::info!(target.id = id, actor.id = caller.user.id, "target deleted");
        Ok(())
    }

    /// The targets of a holder for a year, for the settings page.
    pub async fn targets_of(
        &self,
        caller: &Caller,
        year: i64,
        holder: (Option<i64>, Option<i64>),
    ) -> Result<Vec<insight::Target>> {
        caller.require(Permission::new(Kind::Report, Action::Manage))?;
        let mut tx = self.db.read().await?;
        Ok(insight::targets(&mut tx, year, holder).await?)
    }
}

/// The currency targets are set in: the one given (refused, naming the
/// field and the currencies offered, when it is none of them), else the
/// company's.
fn target_currency(
    given: Option<&str>,
    company: &str,
    errors: &mut kuijing_domain::FieldErrors,
) -> Option<String> {
    match given.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => match money::parse_currency(code) {
            Ok(currency) => Some(currency),
            Err(_) => {
                errors.push(
                    kuijing_domain::FieldError::new("currency", "target_currency_unknown")
                        .with("choices", money::CURRENCIES.join(", ")),
                );
                None
            }
        },
        None => Some(company.to_string()),
    }
}

/// Refuses a save of amounts read at a version that is no longer the
/// stored one (someone saved the same target meanwhile, or deleted it):
/// the answer carries each such target as it is now (`amount` none when
/// deleted), so the page can show it beside what was typed.
fn stale_targets(amounts: &[TargetAmount], saved: &[insight::Target]) -> Result<()> {
    let mut changed = Vec::new();
    let mut version = 0;
    for entry in amounts {
        let Some(read) = entry.version else {
            continue;
        };
        let current = saved
            .iter()
            .find(|t| t.measure == entry.measure && t.month == entry.month);
        let stored = current.map_or(0, |t| t.version);
        if read != stored {
            version = stored;
            changed.push(match current {
                Some(target) => serde_json::to_value(target).unwrap_or_default(),
                None => serde_json::json!({
                    "measure": entry.measure, "month": entry.month,
                    "amount": null, "version": 0,
                }),
            });
        }
    }
    if changed.is_empty() {
        return Ok(());
    }
    Err(ServiceError::Changed {
        version,
        current: Box::new(serde_json::Value::Array(changed)),
    })
}

/// Refuses targets whose months set would add up to more than the year's
/// own target, once `amounts` replace what is `saved` for the holder and
/// year: a year's target set below its months is named on the year, months
/// set beyond the year's target on each month typed. Nothing is saved then.
fn check_months_within_year(
    amounts: &[(&TargetAmount, i64)],
    saved: &[insight::Target],
    currency: &str,
    errors: &mut kuijing_domain::FieldErrors,
) {
    let slot = |year: &mut YearTargets, month: i64, amount: i64| match usize::try_from(month) {
        Ok(0) => year.year = Some(amount),
        Ok(month) => {
            if let Some(slot) = year.months.get_mut(month.wrapping_sub(1)) {
                *slot = Some(amount);
            }
        }
        Err(_) => {}
    };
    for measure in MEASURES {
        let typed: Vec<&(&TargetAmount, i64)> = amounts
            .iter()
            .filter(|(entry, _)| entry.measure == measure && (0..=12).contains(&entry.month))
            .collect();
        if typed.is_empty() {
            continue;
        }
        let mut year = YearTargets::default();
        for target in saved.iter().filter(|t| t.measure == measure) {
            slot(&mut year, target.month, target.amount);
        }
        for (entry, amount) in &typed {
            slot(&mut year, entry.month, *amount);
        }
        let Some(own) = year.year else {
            continue;
        };
        let months: i64 = year.months.iter().flatten().sum();
        if months <= own {
            continue;
        }
        let on_year = typed.iter().any(|(entry, _)| entry.month == 0);
        for (entry, _) in typed
            .iter()
            .filter(|(entry, _)| (entry.month == 0) == on_year)
        {
            let code = if on_year {
                "target_year_below_months"
            } else {
                "target_months_over_year"
            };
            let error = kuijing_domain::FieldError::new("amount", code)
                .with("months", money::format_money(months, currency))
                .with("year", money::format_money(own, currency))
                .with("month", entry.month);
            errors.push(match &entry.label {
                Some(label) => kuijing_domain::FieldError {
                    field: format!("amount:{}:{}", entry.measure, entry.month),
                    ..error.labelled(label)
                },
                None => error,
            });
        }
    }
}
