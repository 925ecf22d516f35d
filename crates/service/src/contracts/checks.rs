//! A contract as typed, checked into what is stored: its number, customer
//! and opportunity, dates, signers, payment method, product lines with the
//! amount and currency they give, and custom fields — every error at once.

use super::*;

impl App {
    pub(crate) async fn check_payment_method(
        &self,
        tx: &mut Tx,
        method: Option<i64>,
        errors: &mut FieldErrors,
    ) -> Result<()> {
        if let Some(method) = method {
            let methods = kuijing_store::options::of_field(tx, "payment", "method_id").await?;
            if !methods.iter().any(|m| m.id == method) {
                errors.add("method_id", "invalid_choice");
            }
        }
        Ok(())
    }

    pub(super) async fn check_contract(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        input: &ContractInput,
        current: Option<&Contract>,
    ) -> Result<CheckedContract> {
        let except = current.map(|c| c.id);
        let mut errors = input.unread.clone();
        let name = errors
            .take("name", text::parse_name(&input.name, 100))
            .unwrap_or_default();
        let number = match input.number.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(typed) => errors.take("number", sales::parse_number(typed)),
        };
        // A contract keeping its own number is not refused, even where an
        // older one differing only in case exists.
        let kept = current.is_some_and(|c| Some(&c.number) == number.as_ref());
        if let Some(number) = &number
            && !kept
            && let Some((id, name, taken)) = contracts::number_holder(tx, number, except).await?
        {
            // A contract outside the caller's view is not named.
            let visibility = self.visibility_of(tx, caller, Kind::Contract).await?;
            let scope = (&visibility, caller.user.id, self.today());
            let error = if contracts::get(tx, scope, id).await?.is_some() {
                kuijing_domain::FieldError::new("number", "contract_number_taken")
                    .with("contract", name)
                    .with("id", id)
            } else {
                kuijing_domain::FieldError::new("number", "contract_number_taken_elsewhere")
            };
            errors.push(error.with("number", taken));
        }
        let notes = errors
            .take(
                "notes",
                text::parse_optional_text(input.notes.as_deref(), 5000),
            )
            .flatten();
        let visibility = self.visibility_of(tx, caller, Kind::Customer).await?;
        let customer = customers::get(
            tx,
            &visibility,
            caller.user.id,
            self.today(),
            input.customer_id,
            &[],
        )
        .await?;
        // The opportunity it comes from, if any, must be the caller's to see
        // and of the same customer; it vouches for a customer the caller no
        // longer sees, as the contract being edited does for its own.
        let mut opportunity_currency = None;
        let mut vouched = current
            .filter(|c| c.customer_id == input.customer_id)
            .map(|c| c.customer_name.clone());
        if let Some(opportunity) = input.opportunity_id {
            let visibility = self.visibility_of(tx, caller, Kind::Opportunity).await?;
            let found = kuijing_store::opportunities::get(
                tx,
                &visibility,
                caller.user.id,
                self.today(),
                opportunity,
            )
            .await?;
            match found {
                // A lost or invalid deal wins no contract: reopened first.
                Some(o) if o.customer_id == input.customer_id && o.outcome.is_empty_close() => {
                    errors.add("opportunity_id", "opportunity_closed_empty");
                }
                Some(o) if o.customer_id == input.customer_id => {
                    opportunity_currency = Some(o.currency.clone());
                    vouched.get_or_insert(o.customer_name);
                }
                // Visible, but another customer's deal: say so.
                Some(_) => errors.add("opportunity_id", "opportunity_of_other_customer"),
                None => errors.add("opportunity_id", "invalid_choice"),
            }
        }
        if input.customer_id == 0 {
            // None chosen: the form's empty choice, or `null`.
            errors.add("customer_id", "required");
        } else if customer.is_none() && vouched.is_none() {
            errors.add("customer_id", "invalid_choice");
        }
        if let Some(signer) = input.customer_signer_id
            && !kuijing_store::contacts::ids_of_customer(tx, input.customer_id)
                .await?
                .contains(&signer)
        {
            errors.add("customer_signer_id", "invalid_choice");
        }
        if let Some(signer) = input.company_signer_id {
            match kuijing_store::users::for_actor(tx, signer).await? {
                Some((user, _)) if user.status == kuijing_domain::UserStatus::Active => {}
                _ => errors.add("company_signer_id", "user_unknown"),
            }
        }
        kuijing_domain::dates::check_years(
            &mut errors,
            &[
                ("signed_on", input.signed_on),
                ("starts_on", input.starts_on),
                ("ends_on", input.ends_on),
            ],
        );
        if let (Some(starts), Some(ends)) = (input.starts_on, input.ends_on)
            && ends < starts
        {
            errors.add("ends_on", "ends_before_start");
        }
        self.check_payment_method(tx, input.payment_method_id, &mut errors)
            .await?;
        let kept_products: Vec<i64> = match current {
            Some(current) => line_items::of_record(tx, Kind::Contract.as_str(), current.id)
                .await?
                .into_iter()
                .map(|line| line.product_id)
                .collect(),
            None => Vec::new(),
        };
        let priced = self
            .check_money(
                tx,
                MoneyInput {
                    currency: input.currency.as_deref(),
                    current_currency: current
                        .map(|c| c.currency.as_str())
                        .or(opportunity_currency.as_deref()),
                    lines: &input.lines,
                    amount: input.amount.as_ref(),
                    kept_products: &kept_products,
                },
                &mut errors,
            )
            .await?;
        if let Some(current) = current {
            let planned: i64 = contracts::plans(tx, current.id)
                .await?
                .iter()
                .map(|p| p.amount)
                .sum();
            if errors.is_empty() && priced.amount < planned {
                errors.add("amount", "below_plans");
            }
        }
        let (currency, lines, amount, by_hand) =
            (priced.currency, priced.lines, priced.amount, priced.by_hand);
        let defs = self.field_defs_in(tx, Kind::Contract).await?;
        let custom =
            kuijing_domain::fields::parse_custom_in(&defs, &input.custom, &currency, &mut errors);
        crate::unique_fields::check_unique_custom(
            tx,
            Kind::Contract,
            &defs,
            &custom,
            except,
            &mut errors,
        )
        .await?;
        errors.into_result()?;
        Ok(CheckedContract {
            number,
            customer_name: customer.map(|c| c.name).or(vouched).unwrap_or_default(),
            lines,
            fields: ContractFields {
                name,
                customer_id: input.customer_id,
                opportunity_id: input.opportunity_id,
                signed_on: input.signed_on,
                starts_on: input.starts_on,
                ends_on: input.ends_on,
                amount,
                amount_by_hand: by_hand,
                currency,
                customer_signer_id: input.customer_signer_id,
                company_signer_id: input.company_signer_id,
                payment_method_id: input.payment_method_id,
                notes,
                custom,
            },
        })
    }
}

pub(super) struct CheckedContract {
    pub(super) number: Option<String>,
    pub(super) customer_name: String,
    pub(super) lines: Vec<LineItem>,
    pub(super) fields: ContractFields,
}
