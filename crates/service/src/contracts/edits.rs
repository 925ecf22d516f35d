//! Creating and editing contracts: their number, fields and lines, and
//! what changed for the change log.

use super::*;

impl App {
    pub async fn create_contract(
        &self,
        caller: &Caller,
        input: ContractInput,
    ) -> Result<ContractDetail> {
        caller.require(contract(Action::Create))?;
        let mut tx = self.db.write().await?;
        let id = self.insert_contract(&mut tx, caller, &input).await?;
        tx.commit().await?;
        self.get_contract(caller, id).await
    }

    pub(crate) async fn insert_contract(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        input: &ContractInput,
    ) -> Result<i64> {
        let checked = self.check_contract(tx, caller, input, None).await?;
        let now = self.now();
        let number = match checked.number {
            Some(number) => number,
            None => {
                let date = checked.fields.signed_on.unwrap_or_else(|| self.today());
                // Checked before the insert rather than left to the unique
                // index, which would end the transaction on PostgreSQL (an
                // import goes on to other rows).
                crate::numbering::next_free(tx, Kind::Contract, date).await?
            }
        };
        let id = contracts::insert(
            tx,
            &checked.fields,
            (&number, &checked.customer_name),
            caller.user.id,
            (caller.user.id, now),
        )
        .await
        .map_err(|e| crate::error::unique_to_field(e, "contracts_number", "number", "taken"))?;
        line_items::replace(tx, Kind::Contract.as_str(), id, &checked.lines).await?;
        self.log_named(
            tx,
            caller,
            (Kind::Contract, id),
            ChangeAction::Create,
            ("number", &number),
        )
        .await?;
        Ok(id)
    }

    pub async fn update_contract(
        &self,
        caller: &Caller,
        id: i64,
        input: ContractInput,
    ) -> Result<ContractDetail> {
        caller.require(contract(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let current = self.writable_contract(&mut tx, caller, id).await?;
        crate::stale_check(input.version, current.version, &current)?;
        if !current.status.editable() {
            return Err(ServiceError::Refused {
                code: refusal_of(current.status, "contract_not_editable"),
            });
        }
        let checked = self
            .check_contract(&mut tx, caller, &input, Some(&current))
            .await?;
        let number = checked.number.clone().unwrap_or(current.number.clone());
        let fields = &checked.fields;
        let mut diff = Diff::new();
        diff.field("number", Some(current.number.clone()), Some(number.clone()));
        diff.field(
            "name",
            Some(current.name.clone()),
            Some(fields.name.clone()),
        );
        diff.field(
            "currency",
            Some(current.currency.clone()),
            Some(fields.currency.clone()),
        );
        diff.field(
            "amount",
            Some(money::amount_text(current.amount)),
            Some(money::amount_text(fields.amount)),
        );
        diff.field(
            "signed_on",
            current.signed_on.map(|d| d.to_string()),
            fields.signed_on.map(|d| d.to_string()),
        );
        diff.field(
            "starts_on",
            current.starts_on.map(|d| d.to_string()),
            fields.starts_on.map(|d| d.to_string()),
        );
        diff.field(
            "ends_on",
            current.ends_on.map(|d| d.to_string()),
            fields.ends_on.map(|d| d.to_string()),
        );
        let id_text = |id: Option<i64>| id.map(|id| id.to_string());
        for (field, old, new) in [
            (
                "customer_id",
                Some(current.customer_id),
                Some(fields.customer_id),
            ),
            (
                "opportunity_id",
                current.opportunity_id,
                fields.opportunity_id,
            ),
            (
                "customer_signer_id",
                current.customer_signer_id,
                fields.customer_signer_id,
            ),
            (
                "company_signer_id",
                current.company_signer_id,
                fields.company_signer_id,
            ),
            (
                "payment_method_id",
                current.payment_method_id,
                fields.payment_method_id,
            ),
        ] {
            diff.field(field, id_text(old), id_text(new));
        }
        diff.field("notes", current.notes.clone(), fields.notes.clone());
        diff.custom(&current.custom, &fields.custom);
        let old_lines = line_items::of_record(&mut tx, Kind::Contract.as_str(), id).await?;
        diff.field(
            "lines",
            crate::products::lines_text(&old_lines, &current.currency),
            crate::products::lines_text(&checked.lines, &checked.fields.currency),
        );
        let saved = contracts::update(
            &mut tx,
            (id, current.version),
            fields,
            (&number, &checked.customer_name),
            self.now(),
        )
        .await
        .map_err(|e| crate::error::unique_to_field(e, "contracts_number", "number", "taken"))?;
        if !saved {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        line_items::replace(&mut tx, Kind::Contract.as_str(), id, &checked.lines).await?;
        self.log_diff(&mut tx, caller, Kind::Contract, id, diff)
            .await?;
        tx.commit().await?;
        self.get_contract(caller, id).await
    }
}
