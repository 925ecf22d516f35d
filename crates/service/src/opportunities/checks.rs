//! An opportunity as typed checked into the fields it is stored with.

use super::*;

impl App {
    pub(super) async fn check_opportunity(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        (input, current): (&OpportunityInput, Option<&Opportunity>),
        mut errors: FieldErrors,
    ) -> Result<Checked> {
        let name = errors
            .take("name", text::parse_name(&input.name, 100))
            .unwrap_or_default();
        let notes = errors
            .take(
                "notes",
                text::parse_optional_text(input.notes.as_deref(), 5000),
            )
            .flatten();
        let customer_visibility = self.visibility_of(tx, caller, Kind::Customer).await?;
        let customer = customers::get(
            tx,
            &customer_visibility,
            caller.user.id,
            self.today(),
            input.customer_id,
            &[],
        )
        .await?;
        // The owner of an opportunity keeps its customer even when the
        // customer is someone else's now; a new one must be a visible one.
        let kept = current
            .filter(|c| c.customer_id == input.customer_id)
            .map(|c| c.customer_name.clone());
        if customer.is_none() && kept.is_none() {
            errors.add("customer_id", "invalid_choice");
        }
        kuijing_domain::dates::check_years(
            &mut errors,
            &[("expected_close_on", input.expected_close_on)],
        );
        if !input.contact_ids.is_empty() {
            let of_customer =
                kuijing_store::contacts::ids_of_customer(tx, input.customer_id).await?;
            if input.contact_ids.iter().any(|c| !of_customer.contains(c)) {
                errors.add("contact_ids", "invalid_choice");
            }
        }
        let kept_products: Vec<i64> = match current {
            Some(current) => line_items::of_record(tx, Kind::Opportunity.as_str(), current.id)
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
                    current_currency: current.map(|c| c.currency.as_str()),
                    lines: &input.lines,
                    amount: input.amount.as_ref(),
                    kept_products: &kept_products,
                },
                &mut errors,
            )
            .await?;
        crate::input::check_next_contact(&mut errors, input.next_contact_at, self.now());
        let defs = self.field_defs_in(tx, Kind::Opportunity).await?;
        let custom = kuijing_domain::fields::parse_custom_in(
            &defs,
            &input.custom,
            &priced.currency,
            &mut errors,
        );
        crate::unique_fields::check_unique_custom(
            tx,
            Kind::Opportunity,
            &defs,
            &custom,
            current.map(|c| c.id),
            &mut errors,
        )
        .await?;
        errors.into_result()?;
        let customer_name = customer.map(|c| c.name).or(kept).unwrap_or_default();
        let lines = priced.lines;
        Ok(Checked {
            fields: OpportunityFields {
                name,
                customer_id: input.customer_id,
                amount: priced.amount,
                amount_by_hand: priced.by_hand,
                currency: priced.currency,
                expected_close_on: input.expected_close_on,
                next_contact_at: input.next_contact_at,
                notes,
                custom,
            },
            customer_name,
            lines,
        })
    }
}

/// An opportunity checked: its fields, its customer's name and its lines.
pub(super) struct Checked {
    pub(super) fields: OpportunityFields,
    pub(super) customer_name: String,
    pub(super) lines: Vec<LineItem>,
}
