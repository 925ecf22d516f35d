//! Contract and payment pages: lists with their totals, the record pages
//! with the approval panel, payment plans and payments, and the forms.

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
    ContractDetail, ContractInput, ContractListQuery, ContractRow, CurrencyTotal, PaymentDetail,
    PaymentInput, PaymentListQuery, PlanInput, SubmitInput,
};
use kuijing_service::products::{DecimalText, ProductListQuery, ProductRecord as Product};
use kuijing_service::saved_views::SavedView;
use kuijing_service::{Caller, ListPage, PageRequest, ServiceError};
use serde::Deserialize;

use super::approvals::Panel;
use super::columns::{Picker, Table};
use super::conflict;
use super::contract_lists;
use super::forms::{
    CustomValues, FormErrors, ImportBox, after_post, answer, currency_choices, done, error_page,
    optional_number, optional_text, required_date, status_of, unread_dates,
};
use super::opportunities::{LineRow, line_inputs, line_rows};
use super::{Shell, list_notes};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::name_fields_as;
use crate::extract::{Id, Params};
use crate::i18n::Lang;
use crate::imports::ImportKind;

pub use kuijing_service::contracts::Payment;
pub use kuijing_service::contracts::PaymentPlan as Plan;

fn can(caller: &Caller, kind: Kind, action: Action) -> bool {
    caller.can(Permission::new(kind, action))
}

const STATUSES: [&str; 6] = [
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
    #[serde(default)]
    cursor: String,
    /// A column, `-` first for descending; the newest first when blank.
    #[serde(default)]
    pub(crate) sort: String,
    done: Option<String>,
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
    cvf: String,
    #[serde(default)]
    cvt: String,
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
        super::drill::of(&self.from, &self.to, &self.owner_id)
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
    shell: Shell,
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
    shell.list_note = note;
    let signed = (service.drill.from.is_some() || service.drill.to.is_some())
        .then(|| shell.t("insight2.signed_days"));
    let customer = super::drill::customer_note(state, caller, &shell, &query.customer_id).await;
    super::drill::note(
        &mut shell,
        &service.drill,
        super::drill::and(signed, customer),
        "/contracts",
    );
    let may_import =
        can(caller, Kind::Contract, Action::Import) && can(caller, Kind::Contract, Action::Create);
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

/// A contract file uploaded on the list page: checked, or imported as drafts.
pub async fn import_contracts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    multipart: axum::extract::Multipart,
) -> Response {
    let shown =
        match ImportBox::upload(&state, &caller, lang, ImportKind::Contract, multipart).await {
            Ok(shown) => shown,
            Err(error) => return error_page(error, &caller, lang),
        };
    answer(
        contracts_view(&state, &caller, lang, ListQuery::default(), Some(shown)).await,
        StatusCode::OK,
        &caller,
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
    panel: Option<Panel>,
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

async fn method_choices(state: &AppState) -> Result<Vec<Choice>, ServiceError> {
    Ok(state
        .app
        .payment_methods()
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
        methods: method_choices(state).await?,
        people: state.app.approver_choices("contract").await?,
        steps_to_choose: state.app.steps_to_choose("contract").await?,
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
    done: Option<String>,
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
            view.plan_edit = plan.map(PlanEdit::of);
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
    fn of(plan: &kuijing_service::contracts::PaymentPlan) -> Self {
        PlanEdit {
            id: plan.id,
            instalment: plan.instalment,
            form: PlanForm {
                amount: money::amount_text(plan.amount),
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
pub struct ContractForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    customer_id: String,
    #[serde(default)]
    opportunity_id: String,
    #[serde(default)]
    signed_on: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    amount: String,
    /// The currency chosen; blank leaves it to the service (the contract's,
    /// else its opportunity's, else its first product's, else the company's).
    #[serde(default)]
    currency: String,
    #[serde(default)]
    customer_signer_id: String,
    #[serde(default)]
    company_signer_id: String,
    #[serde(default)]
    payment_method_id: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    line_product: Vec<String>,
    #[serde(default)]
    line_quantity: Vec<String>,
    #[serde(default)]
    line_price: Vec<String>,
    #[serde(default)]
    line_discount: Vec<String>,
    #[serde(default)]
    version: String,
    /// The values the edit was opened with (see `conflict`).
    #[serde(default, rename = "_read")]
    read: String,
    #[serde(flatten)]
    custom: CustomValues,
}

fn date(text: &str) -> Option<chrono::NaiveDate> {
    text.trim().parse().ok()
}

impl conflict::Take for ContractForm {
    fn take(&mut self, key: &str, value: &str) {
        let field = match key {
            "number" => &mut self.number,
            "name" => &mut self.name,
            "customer_id" => &mut self.customer_id,
            "opportunity_id" => &mut self.opportunity_id,
            "signed_on" => &mut self.signed_on,
            "starts_on" => &mut self.starts_on,
            "ends_on" => &mut self.ends_on,
            "amount" => &mut self.amount,
            "currency" => &mut self.currency,
            "customer_signer_id" => &mut self.customer_signer_id,
            "company_signer_id" => &mut self.company_signer_id,
            "payment_method_id" => &mut self.payment_method_id,
            "notes" => &mut self.notes,
            "lines" => {
                let [products, quantities, prices, discounts] = conflict::lines_of(value);
                self.line_product = products;
                self.line_quantity = quantities;
                self.line_price = prices;
                self.line_discount = discounts;
                return;
            }
            _ => return self.custom.take(key, value),
        };
        *field = value.to_string();
    }
}

impl ContractForm {
    fn input(&self) -> ContractInput {
        ContractInput {
            number: optional_text(&self.number),
            name: self.name.clone(),
            customer_id: optional_number(&self.customer_id).unwrap_or(-1),
            opportunity_id: optional_number(&self.opportunity_id),
            signed_on: date(&self.signed_on),
            starts_on: date(&self.starts_on),
            ends_on: date(&self.ends_on),
            amount: optional_text(&self.amount).map(DecimalText::Text),
            currency: optional_text(&self.currency),
            customer_signer_id: optional_number(&self.customer_signer_id),
            company_signer_id: optional_number(&self.company_signer_id),
            payment_method_id: optional_number(&self.payment_method_id),
            notes: optional_text(&self.notes),
            lines: line_inputs(
                &self.line_product,
                &self.line_quantity,
                &self.line_price,
                &self.line_discount,
            ),
            custom: self.custom.input(),
            version: optional_number(&self.version),
            unread: unread_dates(&[
                ("signed_on", &self.signed_on),
                ("starts_on", &self.starts_on),
                ("ends_on", &self.ends_on),
            ]),
        }
    }

    fn of(detail: &ContractDetail) -> Self {
        let c = &detail.row.contract;
        let text = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let mut form = Self {
            number: c.number.clone(),
            name: c.name.clone(),
            customer_id: c.customer_id.to_string(),
            opportunity_id: id(c.opportunity_id),
            signed_on: text(c.signed_on),
            starts_on: text(c.starts_on),
            ends_on: text(c.ends_on),
            amount: if c.amount_by_hand {
                money::amount_text(c.amount)
            } else {
                String::new()
            },
            currency: c.currency.clone(),
            customer_signer_id: id(c.customer_signer_id),
            company_signer_id: id(c.company_signer_id),
            payment_method_id: id(c.payment_method_id),
            notes: c.notes.clone().unwrap_or_default(),
            version: c.version.to_string(),
            custom: CustomValues::of(&c.custom),
            ..Self::default()
        };
        for line in &detail.lines {
            form.line_product.push(line.product_id.to_string());
            form.line_quantity.push(money::quantity_text(line.quantity));
            form.line_price.push(money::amount_text(line.price));
            form.line_discount.push(money::discount_text(line.discount));
        }
        form
    }

    fn custom_value(&self, key: &str) -> String {
        self.custom.value(key)
    }

    /// The fields an edit changes, in the form's order.
    fn values(&self, defs: &[FieldDef]) -> conflict::Values {
        let lines = conflict::lines_value(
            &self.line_product,
            &self.line_quantity,
            &self.line_price,
            &self.line_discount,
        );
        let mut values: conflict::Values = [
            ("number", self.number.clone()),
            ("name", self.name.clone()),
            ("customer_id", self.customer_id.trim().to_string()),
            ("opportunity_id", self.opportunity_id.trim().to_string()),
            ("signed_on", self.signed_on.clone()),
            ("starts_on", self.starts_on.clone()),
            ("ends_on", self.ends_on.clone()),
            ("amount", self.amount.clone()),
            ("currency", self.currency.trim().to_string()),
            (
                "customer_signer_id",
                self.customer_signer_id.trim().to_string(),
            ),
            (
                "company_signer_id",
                self.company_signer_id.trim().to_string(),
            ),
            (
                "payment_method_id",
                self.payment_method_id.trim().to_string(),
            ),
            ("notes", self.notes.clone()),
            ("lines", lines),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        values.extend(conflict::custom_values(defs, |k| self.custom.value(k)));
        values
    }
}

#[derive(Template)]
#[template(path = "contract_form.html")]
struct ContractFormView {
    shell: Shell,
    id: Option<i64>,
    form: ContractForm,
    rows: Vec<LineRow>,
    errors: FormErrors,
    customers: Vec<Choice>,
    contacts: Vec<Choice>,
    people: Vec<Choice>,
    methods: Vec<Choice>,
    products: Vec<Product>,
    /// The currencies offered, the form's among them.
    currencies: Vec<String>,
    /// The custom fields of contracts, in their order.
    fields: Vec<FieldDef>,
    /// What someone else saved meanwhile, when a save met their version.
    conflict: Option<conflict::Conflict>,
}

impl ContractFormView {
    fn is(&self, value: &str, id: &i64) -> bool {
        value == id.to_string()
    }
}

async fn on_sale(state: &AppState, caller: &Caller) -> Vec<Product> {
    state
        .app
        .list_products(
            caller,
            &ProductListQuery {
                on_sale: Some(true),
                ..ProductListQuery::default()
            },
            PageRequest {
                cursor: None,
                limit: Some(PageRequest::MAX_LIMIT),
                anchor: None,
            },
        )
        .await
        .map(|page| page.items)
        .unwrap_or_default()
}

async fn contract_form_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    mut form: ContractForm,
    errors: FormErrors,
) -> Result<ContractFormView, ServiceError> {
    let mut customers = state.app.customer_choices(caller, 200).await?;
    let chosen = optional_number(&form.customer_id);
    if let Some(chosen) = chosen
        && !customers.iter().any(|(c, _)| *c == chosen)
        && let Ok(found) = state.app.get_customer(caller, chosen).await
    {
        customers.insert(0, (chosen, found.view.customer.name));
    }
    let contacts = match chosen {
        Some(customer) => state
            .app
            .contact_choices(caller, customer)
            .await
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let title = if id.is_some() {
        "contracts.edit"
    } else {
        "contracts.new"
    };
    let fields = state.app.custom_fields(Kind::Contract).await?;
    // A new one is in the company currency unless another is chosen (one
    // opened from an opportunity starts in the opportunity's).
    if form.currency.trim().is_empty() {
        form.currency = state.app.currency();
    }
    // An edit opened now keeps what it shows, to tell later what someone
    // else changed meanwhile.
    if id.is_some() && form.read.is_empty() {
        form.read = conflict::mark(&form.values(&fields));
    }
    Ok(ContractFormView {
        shell: Shell::new(state, caller, lang, "/contracts", title),
        id,
        fields,
        rows: line_rows(
            &form.line_product,
            &form.line_quantity,
            &form.line_price,
            &form.line_discount,
        ),
        currencies: currency_choices(&form.currency),
        form,
        errors,
        customers,
        contacts,
        people: state.app.user_choices(caller).await?,
        methods: method_choices(state).await?,
        products: on_sale(state, caller).await,
        conflict: None,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewContractQuery {
    #[serde(default)]
    customer_id: String,
    #[serde(default)]
    opportunity_id: String,
}

pub async fn new_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<NewContractQuery>,
) -> Response {
    if !can(&caller, Kind::Contract, Action::Create) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let mut form = ContractForm {
        customer_id: query.customer_id.clone(),
        opportunity_id: query.opportunity_id.clone(),
        signed_on: state.app.today_text(),
        company_signer_id: caller.user.id.to_string(),
        ..ContractForm::default()
    };
    // From an opportunity: its name, customer, currency and product lines.
    if let Some(opportunity) = optional_number(&query.opportunity_id)
        && let Ok(detail) = state.app.get_opportunity(&caller, opportunity).await
    {
        let o = &detail.row.opportunity;
        form.name = o.name.clone();
        form.customer_id = o.customer_id.to_string();
        form.currency = o.currency.clone();
        if o.amount_by_hand || detail.lines.is_empty() {
            form.amount = money::amount_text(o.amount);
        }
        for line in &detail.lines {
            form.line_product.push(line.product_id.to_string());
            form.line_quantity.push(money::quantity_text(line.quantity));
            form.line_price.push(money::amount_text(line.price));
            form.line_discount.push(money::discount_text(line.discount));
        }
    }
    answer(
        contract_form_view(&state, &caller, lang, None, form, FormErrors::default()).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn create_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<ContractForm>,
) -> Response {
    let result = state.app.create_contract(&caller, form.input()).await;
    after_post(
        result,
        |detail| done(&format!("/contracts/{}", detail.row.contract.id), "created"),
        async |errors| contract_form_view(&state, &caller, lang, None, form, errors).await,
        &caller,
        lang,
    )
    .await
}

/// The page of a document the caller may not edit: why, when its status is
/// the reason (in approval, approved, void), else that they may not.
fn not_editable(
    status: kuijing_domain::sales::DocStatus,
    (kind, id): (&str, i64),
    caller: &Caller,
    lang: Lang,
) -> Response {
    let error = match (status.editable(), kind) {
        (true, _) => ServiceError::Forbidden,
        (false, "contract") => ServiceError::Refused {
            code: "contract_not_editable",
        },
        (false, _) => ServiceError::Refused {
            code: "payment_not_editable",
        },
    };
    refused_edit(error, (kind, id), caller, lang)
}

/// The page of an edit refused because of the record's state: with the
/// way to the record itself and to its list, beside the start.
fn refused_edit(
    error: ServiceError,
    (kind, id): (&str, i64),
    caller: &Caller,
    lang: Lang,
) -> Response {
    let list = if kind == "contract" {
        "/contracts"
    } else {
        "/payments"
    };
    let page = crate::error::PageError::from_service(error, lang, &caller.request_id)
        .with_link(
            &format!("{list}/{id}"),
            lang.t(&format!("flow_fix.open_{kind}")),
        )
        .with_link(list, lang.t(&format!("flow_fix.{kind}_list")));
    axum::response::IntoResponse::into_response(page)
}

/// Whether a save was refused because the record cannot be edited in its
/// state (approved, in approval, void).
fn not_editable_now(result: &Result<impl Sized, ServiceError>) -> bool {
    matches!(
        result,
        Err(ServiceError::Refused {
            code: "contract_not_editable" | "payment_not_editable"
        })
    )
}

pub async fn edit_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let detail = match state.app.get_contract(&caller, id).await {
        Ok(detail) if detail.can_edit => detail,
        Ok(detail) => {
            let status = detail.row.contract.status;
            return not_editable(status, ("contract", id), &caller, lang);
        }
        Err(error) => return error_page(error, &caller, lang),
    };
    let form = ContractForm::of(&detail);
    answer(
        contract_form_view(&state, &caller, lang, Some(id), form, FormErrors::default()).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn update_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<ContractForm>,
) -> Response {
    let result = match state.app.update_contract(&caller, id, form.input()).await {
        Err(error @ ServiceError::Changed { .. }) => {
            return stale_contract(&state, &caller, lang, (id, form), error).await;
        }
        result => result,
    };
    if not_editable_now(&result)
        && let Err(error) = result
    {
        return refused_edit(error, ("contract", id), &caller, lang);
    }
    after_post(
        result,
        |_| done(&format!("/contracts/{id}"), "saved"),
        async |errors| contract_form_view(&state, &caller, lang, Some(id), form, errors).await,
        &caller,
        lang,
    )
    .await
}

/// The form again after a save met a newer version: every entry kept,
/// their version taken (so saving again is a deliberate overwrite), and
/// what they changed shown beside what was typed.
async fn stale_contract(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (id, form): (i64, ContractForm),
    error: ServiceError,
) -> Response {
    let detail = match state.app.get_contract(caller, id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(error, caller, lang),
    };
    let defs = match state.app.custom_fields(Kind::Contract).await {
        Ok(defs) => defs,
        Err(error) => return error_page(error, caller, lang),
    };
    let stored = ContractForm::of(&detail);
    let c = &detail.row.contract;
    let mut names = conflict::Names::new("contract", lang, &defs);
    // The customer, opportunity and signers of both versions, as the
    // user may see them.
    let mut customers = vec![(c.customer_id.to_string(), c.customer_name.clone())];
    if let Some(chosen) = optional_number(&form.customer_id)
        && chosen != c.customer_id
        && let Ok(found) = state.app.get_customer(caller, chosen).await
    {
        customers.push((chosen.to_string(), found.view.customer.name));
    }
    names.option("customer_id", customers);
    for opportunity in [&stored.opportunity_id, &form.opportunity_id] {
        if let Some(chosen) = optional_number(opportunity)
            && let Ok(found) = state.app.get_opportunity(caller, chosen).await
        {
            names.option(
                "opportunity_id",
                [(chosen.to_string(), found.row.opportunity.name)],
            );
        }
    }
    for customer in [&stored.customer_id, &form.customer_id] {
        if let Some(customer) = optional_number(customer) {
            let contacts = state
                .app
                .contact_choices(caller, customer)
                .await
                .unwrap_or_default();
            names.option(
                "customer_signer_id",
                contacts
                    .into_iter()
                    .map(|(id, name)| (id.to_string(), name)),
            );
        }
    }
    if let (Some(signer), Some(name)) = (c.customer_signer_id, &detail.customer_signer_name) {
        names.option("customer_signer_id", [(signer.to_string(), name.clone())]);
    }
    let people = state.app.user_choices(caller).await.unwrap_or_default();
    names.option(
        "company_signer_id",
        people.into_iter().map(|(id, name)| (id.to_string(), name)),
    );
    if let (Some(signer), Some(name)) = (c.company_signer_id, &detail.company_signer_name) {
        names.option("company_signer_id", [(signer.to_string(), name.clone())]);
    }
    let methods = method_choices(state).await.unwrap_or_default();
    names.option(
        "payment_method_id",
        methods.into_iter().map(|(id, name)| (id.to_string(), name)),
    );
    let theirs = stored.values(&defs);
    let yours = form.values(&defs);
    let shown = conflict::with_lines(
        (state, caller),
        &mut names,
        (&form.read, &theirs, &yours),
        detail
            .lines
            .iter()
            .map(|l| (l.product_id, l.product_name.clone())),
        format!("/contracts/{id}/edit"),
    )
    .await;
    let mut form = form;
    let read = std::mem::take(&mut form.read);
    conflict::Take::take_theirs(&mut form, &read, &theirs, &yours);
    let form = ContractForm {
        version: stored.version,
        read: conflict::mark(&theirs),
        ..form
    };
    let page = contract_form_view(state, caller, lang, Some(id), form, FormErrors::default())
        .await
        .map(|mut page| {
            page.conflict = Some(shown);
            page
        });
    answer(page, status_of(&error), caller, lang)
}

#[derive(Template)]
#[template(path = "payments.html")]
pub(super) struct PaymentsView {
    shell: Shell,
    list: ListPage<Payment>,
    totals: Vec<CurrencyTotal>,
    query: ListQuery,
    keep: String,
    views: Vec<SavedView>,
    /// The import box, for those who may import.
    import: Option<ImportBox>,
    can_export: bool,
    table: Table,
    picker: Picker,
    /// The payment fields conditions may be put on.
    fields: Vec<super::records::ConditionField>,
    /// A condition refused (a value of the wrong type): why.
    errors: FormErrors,
}

impl PaymentsView {
    fn statuses(&self) -> [&'static str; 6] {
        STATUSES
    }

    /// The conditions as sentences, each with the list's address without it.
    fn chips(&self) -> Vec<super::records::Chip> {
        super::records::chips(
            &self.query.conditions(),
            &self.fields,
            |op| super::records::op_label(&self.shell, op),
            |rest| format!("/payments?{}", self.query.keep_with(rest)),
        )
    }
}

pub async fn list_payments(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<ListQuery>,
) -> Response {
    let mut retry = query.clone();
    let error = match payments_view(&state, &caller, lang, query, None).await {
        Ok(page) => return answer(Ok(page), StatusCode::OK, &caller, lang),
        Err(error) => error,
    };
    // A condition being added that does not fit its field: the list again
    // without it, saying why.
    let fields = (&mut retry.cond, &mut retry.cv, &mut retry.cvc);
    match super::records::refused_condition(&error, lang, fields) {
        Some(errors) => {
            retry.cvf.clear();
            retry.cvt.clear();
            let page = payments_view(&state, &caller, lang, retry, None)
                .await
                .map(|mut page| {
                    page.errors = errors;
                    page
                });
            answer(page, StatusCode::UNPROCESSABLE_ENTITY, &caller, lang)
        }
        None => error_page(error, &caller, lang),
    }
}

pub(super) async fn payments_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    mut query: ListQuery,
    import: Option<ImportBox>,
) -> Result<PaymentsView, ServiceError> {
    let service = PaymentListQuery {
        search: optional_text(&query.q),
        status: optional_text(&query.status),
        view: optional_text(&query.view),
        contract_id: None,
        customer_id: optional_number(&query.customer_id),
        drill: query.drill(),
        filters: super::records::filters_of(query.conditions()),
    };
    let asked = (&mut query.sort, &mut query.cursor);
    let ((list, totals), note) = list_notes::listed(lang, asked, true, |sort, page| {
        let service = &service;
        async move {
            state
                .app
                .list_payments_sorted(caller, service, sort.as_deref(), page)
                .await
        }
    })
    .await?;
    let mut shell = Shell::new(state, caller, lang, "/payments", "payments.title")
        .with_notice(query.done.as_deref());
    shell.list_note = note;
    let customer = super::drill::customer_note(state, caller, &shell, &query.customer_id).await;
    super::drill::note(&mut shell, &service.drill, customer, "/payments");
    let may_import =
        can(caller, Kind::Payment, Action::Import) && can(caller, Kind::Payment, Action::Create);
    let (table, picker) =
        contract_lists::payment_table(state, caller, &shell, &query, &list.items).await?;
    let fields = contract_lists::payment_conditions(state, caller).await?;
    Ok(PaymentsView {
        can_export: can(caller, Kind::Payment, Action::Export),
        table,
        picker,
        fields,
        errors: FormErrors::default(),
        shell,
        keep: query.keep(),
        views: state.app.saved_views(caller, "payment").await?,
        list,
        totals,
        query,
        import: may_import.then(|| import.unwrap_or_else(|| ImportBox::new(ImportKind::Payment))),
    })
}

/// A payment file uploaded on the list page: checked, or imported as drafts.
pub async fn import_payments(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    multipart: axum::extract::Multipart,
) -> Response {
    let shown = match ImportBox::upload(&state, &caller, lang, ImportKind::Payment, multipart).await
    {
        Ok(shown) => shown,
        Err(error) => return error_page(error, &caller, lang),
    };
    answer(
        payments_view(&state, &caller, lang, ListQuery::default(), Some(shown)).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

#[derive(Template)]
#[template(path = "payment.html")]
struct PaymentView {
    shell: Shell,
    detail: PaymentDetail,
    panel: Option<Panel>,
    errors: FormErrors,
    methods: Vec<Choice>,
    people: Vec<Choice>,
    steps_to_choose: Vec<(usize, String, &'static str)>,
    can_submit: bool,
    can_delete: bool,
    attachments: Vec<Attachment>,
    /// The custom fields of payments, in their order.
    fields: Vec<FieldDef>,
}

impl PaymentView {
    fn method(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.methods.iter().find(|(m, _)| *m == id))
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| "—".into())
    }

    fn back(&self) -> String {
        format!("/payments/{}", self.detail.payment.id)
    }
}

async fn payment_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<PaymentView, ServiceError> {
    let detail = state.app.get_payment(caller, id).await?;
    let mut shell =
        Shell::new(state, caller, lang, "/payments", "payments.title").with_notice(done);
    shell.title = detail.payment.number.clone();
    Ok(PaymentView {
        panel: detail.approval.as_ref().map(Panel::of),
        can_submit: detail.can_edit
            && detail.payment.status.submittable()
            && can(caller, Kind::Payment, Action::Submit),
        can_delete: detail.can_delete,
        methods: method_choices(state).await?,
        people: state.app.approver_choices("payment").await?,
        steps_to_choose: state.app.steps_to_choose("payment").await?,
        fields: state.app.custom_fields(Kind::Payment).await?,
        attachments: state
            .app
            .list_attachments(caller, Kind::Payment, detail.payment.id)
            .await?,
        detail,
        errors,
        shell,
    })
}

pub async fn show_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Params(query): Params<DoneQuery>,
) -> Response {
    answer(
        payment_view(
            &state,
            &caller,
            lang,
            id,
            FormErrors::default(),
            query.done.as_deref(),
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn submit_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<SubmitForm>,
) -> Response {
    let result = state.app.submit_payment(&caller, id, &form.input()).await;
    on_payment(
        &state,
        &caller,
        lang,
        id,
        result,
        (&format!("/payments/{id}"), "submitted"),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct VoidForm {
    #[serde(default)]
    reason: String,
}

pub async fn void_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<VoidForm>,
) -> Response {
    let input = kuijing_service::contracts::VoidInput {
        reason: form.reason,
    };
    let result = state.app.void_payment(&caller, id, &input).await;
    on_payment(
        &state,
        &caller,
        lang,
        id,
        result,
        (&format!("/payments/{id}"), "saved"),
    )
    .await
}

pub async fn delete_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let result = state.app.delete_payment(&caller, id).await;
    on_payment(&state, &caller, lang, id, result, ("/payments", "deleted")).await
}

#[derive(Debug, Default, Deserialize)]
pub struct PaymentForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    contract_id: String,
    #[serde(default)]
    plan_id: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    method_id: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    confirm_exceeding: String,
    #[serde(default)]
    version: String,
    #[serde(flatten)]
    custom: CustomValues,
}

impl PaymentForm {
    fn custom_value(&self, key: &str) -> String {
        self.custom.value(key)
    }

    fn input(&self) -> PaymentInput {
        let mut unread = kuijing_domain::FieldErrors::new();
        let received_on = required_date("received_on", &self.received_on, &mut unread);
        PaymentInput {
            number: optional_text(&self.number),
            contract_id: optional_number(&self.contract_id).unwrap_or(-1),
            plan_id: optional_number(&self.plan_id),
            received_on,
            method_id: optional_number(&self.method_id),
            amount: DecimalText::Text(self.amount.clone()),
            notes: optional_text(&self.notes),
            custom: self.custom.input(),
            confirm_exceeding: !self.confirm_exceeding.is_empty(),
            version: optional_number(&self.version),
            unread,
        }
    }
}

#[derive(Template)]
#[template(path = "payment_form.html")]
struct PaymentFormView {
    shell: Shell,
    id: Option<i64>,
    form: PaymentForm,
    errors: FormErrors,
    contract: Option<ContractDetail>,
    methods: Vec<Choice>,
    /// The amount is above what the contract or the instalment still has
    /// outstanding: the form asks to confirm, with this text.
    exceeding: Option<&'static str>,
    /// The contract's other payments not yet approved, and what is open
    /// after them (see [`pending_others`]).
    pending: Vec<kuijing_service::contracts::PendingPayment>,
    open_after_pending: i64,
    /// The custom fields of payments, in their order.
    fields: Vec<FieldDef>,
}

impl PaymentFormView {
    fn is(&self, value: &str, id: &i64) -> bool {
        value == id.to_string()
    }

    /// What the contract has outstanding (0 where it expects no payments).
    fn outstanding(&self) -> &i64 {
        self.contract
            .as_ref()
            .and_then(|c| c.row.outstanding.as_ref())
            .unwrap_or(&0)
    }

    /// Why the contract takes no payments yet (it is not approved): the
    /// form is not offered, and shows no amounts outstanding.
    fn no_payments_yet(&self) -> Option<String> {
        let status = self.contract.as_ref()?.row.contract.status;
        (status != kuijing_domain::sales::DocStatus::Approved).then(|| {
            self.shell
                .t(&format!("approvals_fix2.no_payments.{}", status.as_str()))
        })
    }

    fn plans(&self) -> Vec<Plan> {
        self.contract
            .as_ref()
            .map(|c| c.plans.clone())
            .unwrap_or_default()
    }

    /// The contract's currency, in which its instalments are named.
    fn currency(&self) -> String {
        self.contract
            .as_ref()
            .map(|c| c.row.contract.currency.clone())
            .unwrap_or_default()
    }
}

/// The contract's other payments not yet approved (not the one edited),
/// and what it still has outstanding once they come in.
fn pending_others(
    contract: Option<&ContractDetail>,
    id: Option<i64>,
) -> (Vec<kuijing_service::contracts::PendingPayment>, i64) {
    let Some(contract) = contract else {
        return (Vec::new(), 0);
    };
    let others: Vec<_> = contract
        .pending_payments
        .iter()
        .filter(|p| Some(p.id) != id)
        .cloned()
        .collect();
    let pending: i64 = others.iter().map(|p| p.amount).sum();
    let open = contract
        .row
        .outstanding
        .unwrap_or_default()
        .saturating_sub(pending)
        .max(0);
    (others, open)
}

/// The confirmation a refused payment asks for: the words of the box to
/// tick when its amount is more than the contract (or the instalment)
/// still has outstanding, found by the error's code.
fn confirmation_asked<T>(result: &Result<T, ServiceError>) -> Option<&'static str> {
    let Err(ServiceError::Invalid(errors)) = result else {
        return None;
    };
    errors
        .0
        .iter()
        .filter(|e| e.field == "amount")
        .find_map(|e| match e.code {
            "exceeds_outstanding" => Some("payments.confirm_exceeding"),
            "exceeds_instalment" => Some("sales_fixes.confirm_past_instalment"),
            _ => None,
        })
}

async fn payment_form_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (id, exceeding): (Option<i64>, Option<&'static str>),
    form: PaymentForm,
    errors: FormErrors,
) -> Result<PaymentFormView, ServiceError> {
    let contract = match optional_number(&form.contract_id) {
        Some(contract) => state.app.get_contract(caller, contract).await.ok(),
        None => None,
    };
    let title = if id.is_some() {
        "payments.edit"
    } else {
        "payments.new"
    };
    let (pending, open_after_pending) = pending_others(contract.as_ref(), id);
    Ok(PaymentFormView {
        shell: Shell::new(state, caller, lang, "/payments", title),
        id,
        form,
        errors,
        contract,
        methods: method_choices(state).await?,
        exceeding,
        pending,
        open_after_pending,
        fields: state.app.custom_fields(Kind::Payment).await?,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewPaymentQuery {
    #[serde(default)]
    contract_id: String,
    #[serde(default)]
    plan_id: String,
}

pub async fn new_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<NewPaymentQuery>,
) -> Response {
    if !can(&caller, Kind::Payment, Action::Create) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let mut form = PaymentForm {
        contract_id: query.contract_id.clone(),
        plan_id: query.plan_id.clone(),
        received_on: state.app.today_text(),
        ..PaymentForm::default()
    };
    // The amount still outstanding on the instalment, or on the contract.
    if let Some(contract) = optional_number(&query.contract_id)
        && let Ok(detail) = state.app.get_contract(&caller, contract).await
    {
        let plan = optional_number(&query.plan_id)
            .and_then(|plan| detail.plans.iter().find(|p| p.id == plan));
        let due = match plan {
            Some(plan) => (plan.amount - plan.received).max(0),
            None => detail.row.outstanding.unwrap_or_default(),
        };
        if due > 0 {
            form.amount = money::amount_text(due);
        }
        if let Some(plan) = plan {
            form.method_id = plan.method_id.map(|m| m.to_string()).unwrap_or_default();
        }
    }
    answer(
        payment_form_view(
            &state,
            &caller,
            lang,
            (None, None),
            form,
            FormErrors::default(),
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn create_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<PaymentForm>,
) -> Response {
    let result = state.app.create_payment(&caller, form.input()).await;
    let result = result.map_err(|error| name_fields_as(error, "payment", lang));
    let exceeding = confirmation_asked(&result);
    after_post(
        result,
        |detail| done(&format!("/payments/{}", detail.payment.id), "created"),
        async |errors| {
            payment_form_view(&state, &caller, lang, (None, exceeding), form, errors).await
        },
        &caller,
        lang,
    )
    .await
}

pub async fn edit_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let detail = match state.app.get_payment(&caller, id).await {
        Ok(detail) if detail.can_edit => detail,
        Ok(detail) => return not_editable(detail.payment.status, ("payment", id), &caller, lang),
        Err(error) => return error_page(error, &caller, lang),
    };
    let p = &detail.payment;
    let form = PaymentForm {
        number: p.number.clone(),
        contract_id: p.contract_id.to_string(),
        plan_id: p.plan_id.map(|v| v.to_string()).unwrap_or_default(),
        received_on: p.received_on.to_string(),
        method_id: p.method_id.map(|v| v.to_string()).unwrap_or_default(),
        amount: money::amount_text(p.amount),
        notes: p.notes.clone().unwrap_or_default(),
        confirm_exceeding: String::new(),
        version: p.version.to_string(),
        custom: CustomValues::of(&p.custom),
    };
    answer(
        payment_form_view(
            &state,
            &caller,
            lang,
            (Some(id), None),
            form,
            FormErrors::default(),
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn update_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<PaymentForm>,
) -> Response {
    let result = state.app.update_payment(&caller, id, form.input()).await;
    if not_editable_now(&result)
        && let Err(error) = result
    {
        return refused_edit(error, ("payment", id), &caller, lang);
    }
    let result = result.map_err(|error| name_fields_as(error, "payment", lang));
    let exceeding = confirmation_asked(&result);
    after_post(
        result,
        |_| done(&format!("/payments/{id}"), "saved"),
        async |errors| {
            payment_form_view(&state, &caller, lang, (Some(id), exceeding), form, errors).await
        },
        &caller,
        lang,
    )
    .await
}

pub use super::contract_lists::{
    delete_contracts, export_contracts, export_payments, transfer_contracts,
};

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

/// After an action on the record's page: back to the page it names with a
/// confirmation, or the record's page again with what refused it.
async fn on_payment<T>(
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
        async |errors| payment_view(state, caller, lang, id, errors, None).await,
        caller,
        lang,
    )
    .await
}
