//! A contract's payment plan (回款計劃): instalments added, changed and
//! deleted while the contract takes them, each change recomputing what the
//! instalments received and their status, and kept in the change log.

use kuijing_domain::change::Diff;
use kuijing_domain::sales::DocStatus;
use kuijing_domain::{Action, FieldError, Kind, Permission, money, text};
use kuijing_store::Tx;
use kuijing_store::contracts::{self, Contract, Plan, PlanFields};

use crate::contracts::PlanInput;
use crate::error::{Result, ServiceError};
use crate::{App, Caller};

impl App {
    pub async fn add_payment_plan(
        &self,
        caller: &Caller,
        id: i64,
        input: &PlanInput,
    ) -> Result<Vec<Plan>> {
        caller.require(Permission::new(Kind::PaymentPlan, Action::Create))?;
        let mut tx = self.db.write().await?;
        let current = self.plannable_contract(&mut tx, caller, id).await?;
        let planned: i64 = contracts::plans(&mut tx, id)
            .await?
            .iter()
            .map(|p| p.amount)
            .sum();
        let fields = self
            .check_plan(&mut tx, input, (&current, planned, None))
            .await?;

        contracts::insert_plan(&mut tx, id, &fields, self.now()).await?;
        contracts::renumber_plans(&mut tx, id).await?;
        contracts::recompute_received(&mut tx, id, self.today()).await?;
        self.log_update(
            &mut tx,
            caller,
            Kind::Contract,
            id,
            "plans",
            None,
            Some(money::amount_text(fields.amount)),
        )
        .await?;
        tx.commit().await?;
        let mut tx = self.db.read().await?;
        Ok(contracts::plans(&mut tx, id).await?)
    }

    /// Changes an instalment's amount, date, method, reminder and notes.
    /// It may not fall below what it already received, nor take the plan
    /// past the contract's amount; its status follows from the change.
    pub async fn update_payment_plan(
        &self,
        caller: &Caller,
        (id, plan): (i64, i64),
        input: &PlanInput,
    ) -> Result<Vec<Plan>> {
        caller.require(Permission::new(Kind::PaymentPlan, Action::Edit))?;
        let mut tx = self.db.write().await?;
        let current = self.plannable_contract(&mut tx, caller, id).await?;
        let plans = contracts::plans(&mut tx, id).await?;
        let found = plans
            .iter()
            .find(|p| p.id == plan)
            .ok_or(ServiceError::NotFound)?;
        let others: i64 = plans
            .iter()
            .filter(|p| p.id != plan)
            .map(|p| p.amount)
            .sum();
        let fields = self
            .check_plan(&mut tx, input, (&current, others, Some(found)))
            .await?;

        contracts::update_plan(&mut tx, (id, plan), &fields, self.now()).await?;
        contracts::renumber_plans(&mut tx, id).await?;
        contracts::recompute_received(&mut tx, id, self.today()).await?;
        let diff = self.plan_diff(&mut tx, found, &fields).await?;
        self.log_diff(&mut tx, caller, Kind::Contract, id, diff)
            .await?;
        tx.commit().await?;
        tracing::info!(
            contract.id = id,
            plan.id = plan,
            actor.id = caller.user.id,
            "payment plan instalment changed"
        );
        let mut tx = self.db.read().await?;
        Ok(contracts::plans(&mut tx, id).await?)
    }

    pub async fn delete_payment_plan(&self, caller: &Caller, id: i64, plan: i64) -> Result<()> {
        caller.require(Permission::new(Kind::PaymentPlan, Action::Delete))?;
        let mut tx = self.db.write().await?;
        self.writable_contract(&mut tx, caller, id).await?;
        let plans = contracts::plans(&mut tx, id).await?;
        let found = plans
            .iter()
            .find(|p| p.id == plan)
            .ok_or(ServiceError::NotFound)?;
        if found.received > 0 {
            return Err(ServiceError::Refused {
                code: "plan_has_payments",
            });
        }
        contracts::delete_plan(&mut tx, id, plan).await?;
        contracts::renumber_plans(&mut tx, id).await?;
        contracts::recompute_received(&mut tx, id, self.today()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The contract, if the caller may change it and it still takes a plan
    /// (a voided one does not).
    async fn plannable_contract(&self, tx: &mut Tx, caller: &Caller, id: i64) -> Result<Contract> {
        let current = self.writable_contract(tx, caller, id).await?;
        if current.status == DocStatus::Void {
            return Err(ServiceError::Refused {
                code: "contract_void",
            });
        }
        Ok(current)
    }

    /// Checks an instalment as typed, every field at once: `others` is what
    /// the contract's other instalments plan, `before` the instalment as it
    /// stands when it is changed.
    async fn check_plan(
        &self,
        tx: &mut Tx,
        input: &PlanInput,
        (contract, others, before): (&Contract, i64, Option<&Plan>),
    ) -> Result<PlanFields> {
        let mut errors = input.unread.clone();
        // An amount must be more than 0: a negative one is told so, not
        // "0 or more".
        let amount = errors
            .take("amount", money::parse_positive(&input.amount.text()))
            .unwrap_or_default();
        if amount == 0 && !errors.0.iter().any(|e| e.field == "amount") {
            errors.add("amount", "not_positive");
        }
        crate::products::fit_currency(&mut errors, "amount", amount, &contract.currency);
        kuijing_domain::dates::check_years(&mut errors, &[("planned_on", Some(input.planned_on))]);
        if !(0..=365).contains(&input.remind_days) {
            errors.add("remind_days", "out_of_range");
        }
        self.check_payment_method(tx, input.method_id, &mut errors)
            .await?;
        let notes = errors
            .take(
                "notes",
                text::parse_optional_text(input.notes.as_deref(), 1000),
            )
            .flatten();
        if let Some(before) = before
            && amount > 0
            && amount < before.received
        {
            // In the contract's money, as payment messages say it: `JPY 34,996`.
            let received = money::format_money(before.received, &contract.currency);
            errors.push(FieldError::new("amount", "below_received").with("received", received));
        }
        if errors.is_empty() && others + amount > contract.amount {
            errors.add("amount", "plans_exceed_amount");
        }
        errors.into_result()?;
        Ok(PlanFields {
            amount,
            planned_on: input.planned_on,
            method_id: input.method_id,
            remind_days: input.remind_days,
            notes,
        })
    }

    /// What changed in an instalment, each field named with its number
    /// (`plans.2.amount`), the method by its label.
    async fn plan_diff(&self, tx: &mut Tx, before: &Plan, after: &PlanFields) -> Result<Diff> {
        let methods = kuijing_store::options::of_field(tx, "payment", "method_id").await?;
        let method = |id: Option<i64>| {
            id.and_then(|id| methods.iter().find(|m| m.id == id))
                .map(|m| m.label.clone())
        };
        let field = |name: &str| format!("plans.{}.{name}", before.instalment);
        let mut diff = Diff::new();
        diff.field(
            &field("amount"),
            Some(money::amount_text(before.amount)),
            Some(money::amount_text(after.amount)),
        );
        diff.field(
            &field("planned_on"),
            Some(before.planned_on),
            Some(after.planned_on),
        );
        diff.field(
            &field("method_id"),
            method(before.method_id),
            method(after.method_id),
        );
        diff.field(
            &field("remind_days"),
            Some(before.remind_days),
            Some(after.remind_days),
        );
        diff.field(&field("notes"), before.notes.clone(), after.notes.clone());
        Ok(diff)
    }
}
