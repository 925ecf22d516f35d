//! What people see of approvals: a record's approval with its history,
//! whom a step may go to, the lists "waiting for me" and "submitted by me"
//! with their count, and the statistics per kind.

use std::collections::HashMap;

use super::*;

impl App {
    /// The newest approval of a record with its history, for its page.
    pub(crate) async fn approval_view(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        kind: &str,
        record: i64,
    ) -> Result<Option<ApprovalView>> {
        let Some(approval) = approvals::of_record(tx, kind, record).await? else {
            return Ok(None);
        };
        let history = approvals::history(tx, kind, record).await?;
        let waiting = approval.state.waiting_for();
        let waiting_for = kuijing_store::users::names(tx, &waiting).await?;
        let mut waiting_disabled = Vec::new();
        for user in &waiting {
            let active = kuijing_store::users::for_actor(tx, *user)
                .await?
                .is_some_and(|(found, _)| found.status == kuijing_domain::UserStatus::Active);
            if !active {
                waiting_disabled.push(*user);
            }
        }
        let mut everyone: Vec<i64> = approval
            .state
            .plan
            .iter()
            .flat_map(|step| step.approvers.iter().map(|seat| seat.user))
            .chain(history.iter().filter_map(|h| h.actor_id))
            .chain(history.iter().filter_map(|h| h.target_id))
            .chain(history.iter().filter_map(|h| h.from_id))
            .collect();
        everyone.sort_unstable();
        everyone.dedup();
        let people = kuijing_store::users::names(tx, &everyone).await?;
        let flow_name = match approval.flow_id {
            Some(flow) => approvals::flow(tx, flow).await?.map(|f| f.name),
            None => None,
        };
        let choices_kept = match approvals::active_flow(tx, kind).await? {
            Some(flow) if approval.state.rejected_step.is_some() => {
                kept_steps(tx, &flow, kind, record).await?
            }
            _ => Vec::new(),
        };
        let in_progress = approval.state.status == Status::InProgress;
        let owner = if in_progress && approval.submitter_id != caller.user.id {
            self.record_access(tx, caller, kind, record).await?.owner
        } else {
            None
        };
        Ok(Some(ApprovalView {
            steps: StepReading::of(&approval.state),
            choices_kept,
            can_decide: in_progress && waiting.contains(&caller.user.id),
            can_withdraw: in_progress
                && (approval.submitter_id == caller.user.id || owner == Some(caller.user.id)),
            can_reassign: in_progress && caller.can(manage()),
            flow_name,
            history,
            waiting_for,
            waiting_disabled,
            people,
            approval,
        }))
    }

    /// Whether the caller may open the record an approval is about (a
    /// contract, a payment, a request of a custom kind) now: in their data
    /// scope, on its team, or while an approval of it waits for them.
    pub async fn may_view_record(&self, caller: &Caller, kind: &str, record: i64) -> bool {
        match kind {
            "contract" => self.get_contract(caller, record).await.is_ok(),
            "payment" => self.get_payment(caller, record).await.is_ok(),
            _ => self.get_request(caller, record).await.is_ok(),
        }
    }

    /// The active users who may be chosen as approvers of a kind or be
    /// handed a seat (see [`may_be_given_seat`]), by name.
    pub async fn approver_choices(&self, kind: &str) -> Result<Vec<crate::choices::Choice>> {
        let mut tx = self.db.read().await?;
        let mut found = Vec::new();
        for (id, name) in kuijing_store::users::active_names(&mut tx).await? {
            if may_be_given_seat(&mut tx, kind, id).await? {
                found.push((id, name));
            }
        }
        Ok(found)
    }

    /// The steps of a kind's active flow whose approvers the submitter
    /// picks when submitting the record (`None` for a new one): their
    /// index, name and mode (`any_one` or `everyone`, how the several
    /// approvers chosen decide). A resubmission that resumes from the
    /// rejected step asks only for the steps still to come.
    pub async fn steps_to_choose(
        &self,
        kind: &str,
        record: Option<i64>,
    ) -> Result<Vec<(usize, String, &'static str)>> {
        let mut tx = self.db.read().await?;
        let Some(flow) = approvals::active_flow(&mut tx, kind).await? else {
            return Ok(Vec::new());
        };
        let kept = match record {
            Some(record) => kept_steps(&mut tx, &flow, kind, record).await?,
            None => Vec::new(),
        };
        Ok(flow
            .definition
            .steps
            .iter()
            .enumerate()
            .filter(|(index, step)| {
                matches!(
                    step.approvers,
                    kuijing_domain::approval::ApproverRule::ChosenBySubmitter
                ) && !kept.contains(index)
            })
            .map(|(index, step)| (index, step.name.clone(), step.mode.as_str()))
            .collect())
    }

    /// Approvals waiting for the caller, with what each is about; with
    /// `approver`, those waiting for that user, which an approval manager
    /// lists to hand them over (a user disabled, or away).
    pub async fn approvals_waiting(
        &self,
        caller: &Caller,
        approver: Option<i64>,
        page: PageRequest,
    ) -> Result<ListPage<ApprovalItem>> {
        let mut tx = self.db.read().await?;
        let user = approver.unwrap_or(caller.user.id);
        if user != caller.user.id {
            caller.require(manage())?;
            if kuijing_store::users::names(&mut tx, &[user])
                .await?
                .is_empty()
            {
                return Err(ServiceError::Invalid(
                    FieldError::new("approver_id", "user_unknown").into(),
                ));
            }
        }
        let probe = page.probe();
        let found = approvals::waiting_for(&mut tx, user, probe.after, probe.limit).await?;
        let total = approvals::waiting_count(&mut tx, user).await?;
        let list = ListPage::new(found, total, probe.limit - 1, |a| a.id);
        with_subjects(&mut tx, list).await
    }

    /// Approvals the caller submitted, with what each is about.
    pub async fn approvals_submitted(
        &self,
        caller: &Caller,
        page: PageRequest,
    ) -> Result<ListPage<ApprovalItem>> {
        let mut tx = self.db.read().await?;
        let probe = page.probe();
        let found =
            approvals::submitted_by(&mut tx, caller.user.id, probe.after, probe.limit).await?;
        let total = approvals::submitted_count(&mut tx, caller.user.id).await?;
        let list = ListPage::new(found, total, probe.limit - 1, |a| a.id);
        with_subjects(&mut tx, list).await
    }

    /// A user's name, whoever may ask (it is shown beside what they do).
    pub async fn user_name(&self, user: i64) -> Result<Option<String>> {
        let mut tx = self.db.read().await?;
        let found = kuijing_store::users::names(&mut tx, &[user]).await?;
        Ok(found.into_iter().next().map(|(_, name)| name))
    }

    /// How many approvals wait for the caller, for the navigation.
    pub async fn approvals_waiting_count(&self, caller: &Caller) -> Result<i64> {
        let mut tx = self.db.read().await?;
        Ok(approvals::waiting_count(&mut tx, caller.user.id).await?)
    }

    /// Approvals per kind, the decisions taken on them, the pass rate and
    /// the average time per step (see `figures` for what each counts).
    /// With `approval.manage`, every approval; with `report.view`, those
    /// the approvals report counts for the caller: of the people whose
    /// contracts they see, and those they held a seat on.
    pub async fn approval_stats(&self, caller: &Caller) -> Result<Vec<KindStats>> {
        let report = Permission::new(Kind::Report, Action::View);
        if !caller.can(manage()) {
            caller.require(report)?;
        }
        let mut tx = self.db.read().await?;
        let owners = if caller.can(manage()) {
            None
        } else {
            let whose = self
                .whose_checked(
                    &mut tx,
                    caller,
                    &crate::dashboard::DashboardQuery::default(),
                    &mut FieldErrors::new(),
                )
                .await?;
            whose.owners(caller, Kind::Contract)
        };
        let query = super::figures::FigureQuery {
            submitters: owners.as_deref(),
            seated: owners.as_ref().map(|_| caller.user.id),
            ..Default::default()
        };
        let counts = kuijing_store::approval_figures::standing(&mut tx, &query).await?;
        let (figures, _) = super::figures::tally(&mut tx, &query).await?;
        let mut stats: BTreeMap<String, KindStats> = BTreeMap::new();
        let blank = |kind: &str| KindStats {
            kind: kind.to_string(),
            total: 0,
            approved: 0,
            rejected: 0,
            in_progress: 0,
            withdrawn: 0,
            submissions: 0,
            approved_submissions: 0,
            rejected_decisions: 0,
            approved_decisions: 0,
            pass_rate: None,
            average_step_seconds: None,
            approved_without_flow: 0,
        };
        for (kind, status, count) in counts {
            let entry = stats.entry(kind.clone()).or_insert_with(|| blank(&kind));
            entry.total += count;
            match status.as_str() {
                "approved" => entry.approved += count,
                "rejected" => entry.rejected += count,
                "in_progress" => entry.in_progress += count,
                "withdrawn" => entry.withdrawn += count,
                _ => {}
            }
        }
        for kind in figures.keys() {
            stats.entry(kind.clone()).or_insert_with(|| blank(kind));
        }
        Ok(stats
            .into_values()
            .map(|mut stat| {
                let tally = figures.get(&stat.kind).copied().unwrap_or_default();
                stat.submissions = tally.submissions;
                stat.approved_submissions = tally.approved;
                stat.approved_decisions = tally.approve_decisions;
                stat.rejected_decisions = tally.reject_decisions;
                stat.pass_rate = tally.pass_rate();
                stat.average_step_seconds = tally.average_step_seconds();
                stat.approved_without_flow = tally.approved_without_flow;
                stat
            })
            .collect())
    }
}

/// Approved out of decided (approved or rejected) submissions, in tenths of
/// a percent rounded half up (667 is 66.7%): the approvals report's
/// approved share. Submissions withdrawn or in progress are not decided.
pub fn pass_rate(approved: i64, rejected: i64) -> Option<i64> {
    kuijing_domain::dates::rate_tenths(i128::from(approved), i128::from(approved + rejected))
}

/// An approval in the lists "waiting for me" and "submitted by me", with
/// the customer and the amount of what it is about.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApprovalItem {
    #[serde(flatten)]
    pub approval: StoredApproval,
    /// The customer of a contract, or of a payment's contract.
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    /// The amount of the contract or payment, or a request's amount field
    /// when its kind has one, in minor units.
    pub amount: Option<i64>,
    pub currency: Option<String>,
}

/// The customer and amount of each listed approval's record, read for the
/// whole page in one query per kind. The list holds only approvals the
/// caller submitted or must decide, whose records they may open.
async fn with_subjects(
    tx: &mut Tx,
    list: ListPage<StoredApproval>,
) -> Result<ListPage<ApprovalItem>> {
    let ids_of = |wanted: &dyn Fn(&str) -> bool| -> Vec<i64> {
        let mut ids: Vec<i64> = list
            .items
            .iter()
            .filter(|a| wanted(&a.kind))
            .map(|a| a.record_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let own = |kind: &str| RECORD_KINDS.contains(&kind);
    let contracts: HashMap<i64, Subject> =
        kuijing_store::contracts::many_unscoped(tx, &ids_of(&|k| k == "contract"))
            .await?
            .into_iter()
            .map(|c| {
                (
                    c.id,
                    (
                        Some((c.customer_id, c.customer_name)),
                        Some(c.amount),
                        Some(c.currency),
                    ),
                )
            })
            .collect();
    let payments: HashMap<i64, Subject> =
        kuijing_store::payments::many_unscoped(tx, &ids_of(&|k| k == "payment"))
            .await?
            .into_iter()
            .map(|p| {
                (
                    p.id,
                    (
                        Some((p.customer_id, p.customer_name)),
                        Some(p.amount),
                        Some(p.currency),
                    ),
                )
            })
            .collect();
    let requests: HashMap<i64, Subject> =
        kuijing_store::requests::many_unscoped(tx, &ids_of(&|k| !own(k)))
            .await?
            .into_iter()
            .map(|r| {
                let currency = r.currency.filter(|_| r.amount.is_some());
                (r.id, (None, r.amount, currency))
            })
            .collect();
    let items = list
        .items
        .into_iter()
        .map(|approval| {
            let found = match approval.kind.as_str() {
                "contract" => contracts.get(&approval.record_id),
                "payment" => payments.get(&approval.record_id),
                _ => requests.get(&approval.record_id),
            };
            let (customer, amount, currency) = found.cloned().unwrap_or_default();
            let (customer_id, customer_name) = customer.unzip();
            ApprovalItem {
                customer_id,
                customer_name,
                amount,
                currency,
                approval,
            }
        })
        .collect();
    Ok(ListPage {
        items,
        total: list.total,
        next_cursor: list.next_cursor,
    })
}

/// A listed record's customer (id and name), amount and currency.
type Subject = (Option<(i64, String)>, Option<i64>, Option<String>);

/// The steps (positions in the flow) whose chosen approvers a resubmission
/// of the record into `flow` keeps: none unless its last approval ran
/// through that flow and was sent back.
async fn kept_steps(tx: &mut Tx, flow: &Flow, kind: &str, record: i64) -> Result<Vec<usize>> {
    let Some(previous) = approvals::of_record(tx, kind, record).await? else {
        return Ok(Vec::new());
    };
    if previous.flow_id != Some(flow.id) {
        return Ok(Vec::new());
    }
    let directory = approvals::directory(tx).await?;
    Ok(previous
        .state
        .choices_kept(&flow.definition, &directory)
        .into_keys()
        .collect())
}
