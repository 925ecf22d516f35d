//! The contract's record page with the approval panel and the payment
//! plans, and the actions on a contract. The list is in `contract_list`,
//! the instalment actions in `contract_plans`, the form in `contract_form`,
//! payments in `payments`.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::fields::FieldDef;
use kuijing_domain::{Action, Kind, Permission, money};
use kuijing_service::attachments::Attachment;
use kuijing_service::choices::Choice;
use kuijing_service::contracts::{ContractDetail, PlanInput, SubmitInput};
use kuijing_service::products::DecimalText;
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::Shell;
use super::approvals::Panel;
use super::forms::{
    FormErrors, after_post, answer, done, optional_number, optional_text, required_date,
};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

pub use super::contract_list::{ListQuery, list_contracts};
pub(super) use super::contract_list::{STATUSES, contracts_view, list_with_import};
pub use super::contract_lists::{delete_contracts, export_contracts, transfer_contracts};
pub use super::contract_plans::{add_plan, delete_plan, update_plan};

pub(super) fn can(caller: &Caller, kind: Kind, action: Action) -> bool {
    caller.can(Permission::new(kind, action))
}

#[derive(Template)]
#[template(path = "contract.html")]
pub(super) struct ContractView {
    shell: Shell,
    /// Who may join the team, and the member being added as typed.
    team_people: Vec<kuijing_service::users::UserView>,
    pub(super) team_form: super::teams::TeamForm,
    can_team: bool,
    /// The instalment being changed, as stored or as typed.
    pub(super) plan_edit: Option<PlanEdit>,
    /// The new instalment's form, as typed when it was refused.
    pub(super) plan_add: PlanForm,
    pub(super) plan_add_open: bool,
    pub(super) detail: ContractDetail,
    pub(super) panel: Option<Panel>,
    errors: FormErrors,
    methods: Vec<Choice>,
    people: Vec<Choice>,
    steps_to_choose: Vec<(usize, String, &'static str)>,
    can_submit: bool,
    can_pay: bool,
    can_plan: bool,
    /// Instalments are changed by those with `payment_plan.edit` only.
    can_edit_plan: bool,
    /// Instalments are deleted by those with `payment_plan.delete` only.
    can_delete_plan: bool,
    can_delete: bool,
    can_void: bool,
    fields: Vec<FieldDef>,
    attachments: Vec<Attachment>,
}

impl ContractView {
    fn method(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.methods.iter().find(|(m, _)| *m == id))
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| "—".into())
    }

    /// How much of the contract has come in, as a percentage for the bar.
    fn received_percent(&self) -> i64 {
        let c = &self.detail.row.contract;
        if c.amount <= 0 {
            return 0;
        }
        (c.received.saturating_mul(100) / c.amount).clamp(0, 100)
    }

    fn back(&self) -> String {
        format!("/contracts/{}", self.detail.row.contract.id)
    }

    /// What the contract has outstanding (0 where it expects no payments).
    fn outstanding(&self) -> &i64 {
        self.detail.row.outstanding.as_ref().unwrap_or(&0)
    }

    /// What approved payments brought in beyond the contract's amount
    /// (accepted when the payer confirmed it): shown, so the figures add up.
    fn paid_over(&self) -> Option<i64> {
        (self.detail.row.overpaid > 0).then_some(self.detail.row.overpaid)
    }

    /// An approved contract with nothing left outstanding: any further
    /// payment is past what it has outstanding, so it is offered only
    /// beside words saying so (the form then asks to confirm it).
    fn paid_in_full(&self) -> bool {
        self.detail.row.outstanding == Some(0)
    }

    /// Why a contract that is not approved shows no amount outstanding:
    /// payments are expected only of approved contracts.
    fn no_payments_yet(&self) -> Option<String> {
        let status = self.detail.row.contract.status;
        (status != kuijing_domain::sales::DocStatus::Approved).then(|| {
            self.shell
                .t(&format!("approvals_fix2.no_payments.{}", status.as_str()))
        })
    }
}

pub(super) async fn method_choices(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<Choice>, ServiceError> {
    Ok(state
        .app
        .payment_methods(caller)
        .await?
        .into_iter()
        .map(|o| (o.id, o.label))
        .collect())
}

pub(super) async fn contract_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<ContractView, ServiceError> {
    let detail = state.app.get_contract(caller, id).await?;
    let can_team = detail.writable && can(caller, Kind::Contract, Action::Team);
    let team_people = if can_team {
        super::records::people(state, caller, Kind::Contract).await
    } else {
        Vec::new()
    };
    let mut shell =
        Shell::new(state, caller, lang, "/contracts", "contracts.title").with_notice(done);
    shell.title = detail.row.contract.number.clone();
    let writable = detail.writable;
    let status = detail.row.contract.status;
    // A voided contract takes no instalments.
    let plannable = writable && status != kuijing_domain::sales::DocStatus::Void;
    Ok(ContractView {
        plan_edit: None,
        plan_add: PlanForm {
            remind_days: "3".into(),
            ..PlanForm::default()
        },
        plan_add_open: false,
        team_people,
        team_form: Default::default(),
        can_team,
        panel: detail.approval.as_ref().map(Panel::of),
        can_submit: writable && status.submittable() && can(caller, Kind::Contract, Action::Submit),
        can_pay: status.counts() && can(caller, Kind::Payment, Action::Create),
        can_plan: plannable && can(caller, Kind::PaymentPlan, Action::Create),
        can_edit_plan: plannable && can(caller, Kind::PaymentPlan, Action::Edit),
        can_delete_plan: plannable && can(caller, Kind::PaymentPlan, Action::Delete),
        can_delete: detail.can_edit && can(caller, Kind::Contract, Action::Delete),
        can_void: detail.can_void,
        methods: method_choices(state, caller).await?,
        people: state.app.approver_choices("contract").await?,
        steps_to_choose: state
            .app
            .steps_to_choose("contract", Some(detail.row.contract.id))
            .await?,
        fields: state.app.custom_fields(Kind::Contract).await?,
        attachments: state
            .app
            .list_attachments(caller, Kind::Contract, detail.row.contract.id)
            .await?,
        detail,
        errors,
        shell,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    pub(super) done: Option<String>,
    /// The instalment whose form the page opens.
    edit_plan: Option<i64>,
}

pub async fn show_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Params(query): Params<DoneQuery>,
) -> Response {
    let view = contract_view(
        &state,
        &caller,
        lang,
        id,
        FormErrors::default(),
        query.done.as_deref(),
    )
    .await
    .map(|mut view| {
        let plan = query
            .edit_plan
            .and_then(|plan| view.detail.plans.iter().find(|p| p.id == plan));
        if view.can_edit_plan {
            let currency = &view.detail.row.contract.currency;
            view.plan_edit = plan.map(|plan| PlanEdit::of(plan, currency));
        }
        view
    });
    answer(view, StatusCode::OK, &caller, lang)
}

#[derive(Debug, Default, Deserialize)]
pub struct SubmitForm {
    /// `step:user` pairs for the steps whose approvers the submitter picks.
    #[serde(default)]
    approver: Vec<String>,
}

impl SubmitForm {
    pub(crate) fn input(&self) -> SubmitInput {
        let mut input = SubmitInput::default();
        for pair in &self.approver {
            if let Some((step, user)) = pair.split_once(':')
                && let (Ok(step), Ok(user)) = (step.parse::<usize>(), user.parse::<i64>())
            {
                input.approvers.entry(step).or_default().push(user);
            }
        }
        input
    }
}

pub async fn submit_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<SubmitForm>,
) -> Response {
    let result = state.app.submit_contract(&caller, id, &form.input()).await;
    on_contract(
        &state,
        &caller,
        lang,
        id,
        result,
        (&format!("/contracts/{id}"), "submitted"),
    )
    .await
}

pub async fn void_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<VoidForm>,
) -> Response {
    let input = kuijing_service::contracts::VoidInput {
        reason: form.reason,
    };
    let result = state.app.void_contract(&caller, id, &input).await;
    on_contract(
        &state,
        &caller,
        lang,
        id,
        result,
        (&format!("/contracts/{id}"), "saved"),
    )
    .await
}

pub async fn delete_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let result = state.app.delete_contract(&caller, id).await;
    on_contract(&state, &caller, lang, id, result, ("/contracts", "deleted")).await
}

#[derive(Debug, Default, Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    planned_on: String,
    #[serde(default)]
    method_id: String,
    #[serde(default)]
    remind_days: String,
    #[serde(default)]
    notes: String,
}

impl PlanForm {
    pub(super) fn input(&self) -> PlanInput {
        let mut unread = kuijing_domain::FieldErrors::new();
        let planned_on = required_date("planned_on", &self.planned_on, &mut unread);
        PlanInput {
            amount: DecimalText::Text(self.amount.clone()),
            planned_on,
            method_id: optional_number(&self.method_id),
            remind_days: optional_number(&self.remind_days).unwrap_or(0),
            notes: optional_text(&self.notes),
            unread,
        }
    }
}

/// An instalment's form: which one, and its fields as stored or typed.
pub(super) struct PlanEdit {
    pub(super) id: i64,
    pub(super) instalment: i64,
    pub(super) form: PlanForm,
}

impl PlanEdit {
    /// The instalment's form, its amount in the contract's `currency`.
    fn of(plan: &kuijing_service::contracts::PaymentPlan, currency: &str) -> Self {
        PlanEdit {
            id: plan.id,
            instalment: plan.instalment,
            form: PlanForm {
                amount: money::amount_text_in(plan.amount, currency),
                planned_on: plan.planned_on.to_string(),
                method_id: plan.method_id.map(|m| m.to_string()).unwrap_or_default(),
                remind_days: plan.remind_days.to_string(),
                notes: plan.notes.clone().unwrap_or_default(),
            },
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct VoidForm {
    #[serde(default)]
    pub(super) reason: String,
}

/// After an action on the record's page: back to the page it names with a
/// confirmation, or the record's page again with what refused it.
pub(super) async fn on_contract<T>(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    result: Result<T, ServiceError>,
    (path, what): (&str, &str),
) -> Response {
    after_post(
        result,
        |_| done(path, what),
        async |errors| contract_view(state, caller, lang, id, errors, None).await,
        caller,
        lang,
    )
    .await
}
