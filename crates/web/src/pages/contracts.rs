//! Contract pages: the list with its totals, the record page with the
//! approval panel and the payment plans, and the actions on a contract.
//! The contract form is in `contract_form`, payments in `payments`.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::fields::FieldDef;
use kuijing_domain::{Action, Kind, Permission, money};
use kuijing_service::attachments::Attachment;
use kuijing_service::choices::Choice;
use kuijing_service::contracts::{
    ContractDetail, ContractListQuery, ContractRow, CurrencyTotal, PlanInput, SubmitInput,
};
use kuijing_service::products::DecimalText;
use kuijing_service::saved_views::SavedView;
use kuijing_service::{Caller, ListPage, ServiceError};
use serde::Deserialize;

use super::approvals::Panel;
use super::columns::{Picker, Table};
use super::contract_lists;
use super::forms::{
    FormErrors, ImportBox, after_post, answer, done, optional_number, optional_text, required_date,
};
use super::{Shell, list_notes};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::name_fields_as;
use crate::extract::{Id, Params};
use crate::i18n::Lang;
use crate::imports::ImportKind;

pub(super) fn can(caller: &Caller, kind: Kind, action: Action) -> bool {
    caller.can(Permission::new(kind, action))
}

pub(super) const STATUSES: [&str; 6] = [
    "draft",
    "in_approval",
    "approved",
    "rejected",
    "withdrawn",
    "void",
];

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub(crate) q: String,
    #[serde(default)]
    pub(crate) view: String,
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) ending: String,
    /// Only this customer's records (from the customer's page).
    #[serde(default)]
    pub(crate) customer_id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    owner_id: Vec<String>,
    /// Only records in this currency (a dashboard money figure's).
    #[serde(default)]
    currency: String,
    #[serde(default)]
    pub(super) cursor: String,
    /// A column, `-` first for descending; the newest first when blank.
    #[serde(default)]
    pub(crate) sort: String,
    pub(super) done: Option<String>,
    /// How many records the batch action that led here touched.
    n: Option<u64>,
    /// `open` when the column picker should show open.
    #[serde(default)]
    pub(crate) columns: String,
    /// Payments: conditions on custom fields kept so far, as JSON
    /// `[[field, op, value], ...]`, and the one being added (`cond` as
    /// `field|operator`, its value `cv`, a range of days `cvf`–`cvt`, or
    /// the picked choices `cvc`), as the record lists take them.
    #[serde(default)]
    pub(crate) c: String,
    #[serde(default)]
    pub(crate) cond: String,
    #[serde(default)]
    pub(crate) cv: String,
    #[serde(default)]
    pub(super) cvf: String,
    #[serde(default)]
    pub(super) cvt: String,
    #[serde(default)]
    pub(crate) cvc: Vec<String>,
}

impl ListQuery {
    /// Every condition of the address: those kept and the one added.
    pub(crate) fn conditions(&self) -> Vec<(String, String, String)> {
        let cv = super::records::added_value(&self.cv, &self.cvf, &self.cvt);
        super::records::conditions_of(&self.c, &self.cond, &cv, &self.cvc)
    }

    /// The conditions, as the address keeps them.
    pub(crate) fn kept_conditions(&self) -> String {
        super::records::kept(&self.conditions())
    }

    pub(crate) fn keep(&self) -> String {
        self.keep_with(&self.conditions())
    }

    /// The address's query with these conditions in place of its own.
    pub(crate) fn keep_with(&self, conditions: &[(String, String, String)]) -> String {
        let mut parts = form_urlencoded::Serializer::new(String::new());
        let kept = super::records::kept(conditions);
        for (key, value) in [
            ("q", &self.q),
            ("view", &self.view),
            ("status", &self.status),
            ("ending", &self.ending),
            ("customer_id", &self.customer_id),
            ("c", &kept),
        ] {
            if !value.is_empty() {
                parts.append_pair(key, value);
            }
        }
        super::drill::keep(&mut parts, &self.drill());
        parts.finish()
    }

    /// Whether anything narrows the list beyond its view: a search, a
    /// status, the contracts ending soon, a customer or a dashboard's days
    /// and people.
    pub(crate) fn is_narrowed(&self) -> bool {
        [&self.q, &self.status, &self.ending, &self.customer_id]
            .iter()
            .any(|v| !v.trim().is_empty())
            || !self.drill().filters().is_empty()
    }

    /// The list (`/contracts`, `/payments`) of the same view without the
    /// narrowing.
    pub(crate) fn clear_href(&self, path: &str) -> String {
        match self.view.as_str() {
            "" => path.to_string(),
            view => format!("{path}?view={}", crate::auth::url_encode(view)),
        }
    }

    pub(super) fn drill(&self) -> kuijing_service::dashboard::Drill {
        super::drill::of_money(&self.from, &self.to, &self.owner_id, &self.currency)
    }

    /// The dashboard's narrowing and the customer, for the search form to keep.
    pub(crate) fn drill_inputs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = super::drill::pairs(&self.drill());
        pairs.extend(super::drill::customer_pair(&self.customer_id));
        pairs
    }

    /// The address of `path` sorted by `column`: the other way round when
    /// it already is, else names and numbers up and the rest newest first.
    pub(crate) fn sort_href(&self, path: &str, column: &str) -> String {
        let sort = if self.sort == column {
            format!("-{column}")
        } else if self.sort == format!("-{column}") || UPWARDS.contains(&column) {
            column.to_string()
        } else {
            format!("-{column}")
        };
        let keep = self.keep();
        let joint = if keep.is_empty() { "" } else { "&" };
        format!(
            "{path}?{keep}{joint}sort={}",
            crate::auth::url_encode(&sort)
        )
    }

    /// The `aria-sort` of a column header.
    pub(crate) fn sorted(&self, column: &str) -> &'static str {
        if self.sort == column {
            "ascending"
        } else if self.sort == format!("-{column}") {
            "descending"
        } else {
            "none"
        }
    }
}

/// Columns a first click sorts upwards (names, numbers, people); the
/// others (days, amounts) start with the latest or largest.
const UPWARDS: &[&str] = &[
    "number",
    "name",
    "customer_id",
    "contract_id",
    "owner_id",
    "method_id",
    "status",
];

#[derive(Template)]
#[template(path = "contracts.html")]
pub(super) struct ContractsView {
    pub(super) shell: Shell,
    list: ListPage<ContractRow>,
    totals: Vec<CurrencyTotal>,
    query: ListQuery,
    keep: String,
    views: Vec<SavedView>,
    can_create: bool,
    can_transfer: bool,
    people: Vec<Choice>,
    /// The import box, for those who may import.
    import: Option<ImportBox>,
    can_delete: bool,
    can_export: bool,
    table: Table,
    picker: Picker,
}

impl ContractsView {
    fn statuses(&self) -> [&'static str; 6] {
        STATUSES
    }

    /// Whether rows can be ticked for a batch action.
    fn batch(&self) -> bool {
        self.can_transfer || self.can_delete || self.can_export
    }
}

pub async fn list_contracts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<ListQuery>,
) -> Response {
    answer(
        contracts_view(&state, &caller, lang, query, None).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub(super) async fn contracts_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    mut query: ListQuery,
    import: Option<ImportBox>,
) -> Result<ContractsView, ServiceError> {
    let view_note = list_notes::check_view(lang, &mut query.view, &list_notes::SALES_VIEWS);
    let service = ContractListQuery {
        search: optional_text(&query.q),
        status: optional_text(&query.status),
        view: optional_text(&query.view),
        ending_within_days: (query.ending == "30").then_some(30),
        customer_id: optional_number(&query.customer_id),
        drill: query.drill(),
    };
    let asked = (&mut query.sort, &mut query.cursor);
    let ((list, totals), note) = list_notes::listed(lang, asked, true, |sort, page| {
        let service = &service;
        async move {
            state
                .app
                .list_contracts_sorted(caller, service, sort.as_deref(), page)
                .await
        }
    })
    .await?;
    let mut shell = Shell::new(state, caller, lang, "/contracts", "contracts.title")
        .with_notice(query.done.as_deref())
        .with_count(query.n);
    shell.list_note = list_notes::joined(view_note, note);
    let signed = (service.drill.from.is_some() || service.drill.to.is_some())
        .then(|| shell.t("insight2.signed_days"));
    let customer = super::drill::customer_note(state, caller, &shell, &query.customer_id).await;
    super::drill::note(
        &mut shell,
        &service.drill,
        super::drill::and(signed, customer),
        "/contracts",
    );
    let may_import = super::forms::may_import(caller, Kind::Contract).is_ok();
    let (table, picker) =
        contract_lists::contract_table(state, caller, &shell, &query, &list.items).await?;
    Ok(ContractsView {
        can_delete: can(caller, Kind::Contract, Action::Delete),
        can_export: can(caller, Kind::Contract, Action::Export),
        table,
        picker,
        shell,
        keep: query.keep(),
        views: state.app.saved_views(caller, "contract").await?,
        list,
        totals,
        query,
        can_create: can(caller, Kind::Contract, Action::Create),
        can_transfer: can(caller, Kind::Contract, Action::Transfer),
        people: state.app.user_choices(caller).await.unwrap_or_default(),
        import: may_import.then(|| import.unwrap_or_else(|| ImportBox::new(ImportKind::Contract))),
    })
}

/// The list with its import box as an upload left it (or opened for one);
/// contracts are imported as drafts.
pub(super) async fn list_with_import(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    shown: ImportBox,
) -> Response {
    answer(
        contracts_view(state, caller, lang, ListQuery::default(), Some(shown)).await,
        StatusCode::OK,
        caller,
        lang,
    )
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
    plan_edit: Option<PlanEdit>,
    /// The new instalment's form, as typed when it was refused.
    plan_add: PlanForm,
    plan_add_open: bool,
    detail: ContractDetail,
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
    fn input(&self) -> PlanInput {
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

pub async fn add_plan(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<PlanForm>,
) -> Response {
    let result = state.app.add_payment_plan(&caller, id, &form.input()).await;
    let result = result.map_err(|error| name_fields_as(error, "payment", lang));
    // Refused: the page again with the new instalment open as it was typed.
    let again = async |errors| {
        let mut view = contract_view(&state, &caller, lang, id, errors, None).await?;
        view.plan_add = form;
        view.plan_add_open = true;
        Ok(view)
    };
    let back = format!("/contracts/{id}");
    after_post(result, |_| done(&back, "saved"), again, &caller, lang).await
}

/// An instalment's form: which one, and its fields as stored or typed.
struct PlanEdit {
    id: i64,
    instalment: i64,
    form: PlanForm,
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

pub async fn update_plan(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Path((id, plan)): Path<(i64, i64)>,
    Form(form): Form<PlanForm>,
) -> Response {
    let result = state
        .app
        .update_payment_plan(&caller, (id, plan), &form.input())
        .await
        .map_err(|error| name_fields_as(error, "payment", lang));
    // Refused: the page again with the form open as it was typed.
    let again = async |errors| {
        let mut view = contract_view(&state, &caller, lang, id, errors, None).await?;
        let instalment = view.detail.plans.iter().find(|p| p.id == plan);
        let instalment = instalment.map(|p| p.instalment).unwrap_or_default();
        view.plan_edit = Some(PlanEdit {
            id: plan,
            instalment,
            form,
        });
        Ok(view)
    };
    let back = format!("/contracts/{id}");
    after_post(result, |_| done(&back, "saved"), again, &caller, lang).await
}

pub async fn delete_plan(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Path((id, plan)): Path<(i64, i64)>,
) -> Response {
    let result = state.app.delete_payment_plan(&caller, id, plan).await;
    on_contract(
        &state,
        &caller,
        lang,
        id,
        result,
        (&format!("/contracts/{id}"), "deleted"),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct VoidForm {
    #[serde(default)]
    pub(super) reason: String,
}

pub use super::contract_lists::{delete_contracts, export_contracts, transfer_contracts};

/// After an action on the record's page: back to the page it names with a
/// confirmation, or the record's page again with what refused it.
async fn on_contract<T>(
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
