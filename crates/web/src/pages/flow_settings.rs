//! The approval flows' settings page: the list of flows and the form of
//! one, its steps and their conditions.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::approval::{ApproverRule, StepDef};
use kuijing_domain::fields::FieldType;
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::approvals::Flow;
use kuijing_service::choices::Choice;
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::Shell;
use super::flow_form::{
    COMMON_FACTS, CondRow, FlowField, FlowForm, StepRow, Vocabulary, flow_fields,
};
use super::forms::{FormErrors, after_post, answer, done, error_page, optional_number};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Params;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "settings_flows.html")]
struct FlowsView {
    shell: Shell,
    flows: Vec<Flow>,
    editing: Option<i64>,
    form: FlowForm,
    rows: Vec<StepRow>,
    people: Vec<Choice>,
    roles: Vec<Choice>,
    departments: Vec<Choice>,
    fields: Vec<FlowField>,
    /// The request kinds by code, with their names.
    request_kinds: Vec<(String, String)>,
    /// The company currency, whose decimals money in conditions shows.
    currency: String,
    errors: FormErrors,
    /// The messages of each step, by the step's place, shown on its row.
    step_errors: Vec<(usize, String)>,
    /// The company currency, which a new condition's amount is stated in
    /// unless another is chosen.
    company_currency: String,
}

impl FlowsView {
    /// The messages about the step of a row.
    fn errors_of(&self, index: &usize) -> Vec<&str> {
        self.step_errors
            .iter()
            .filter(|(step, _)| step == index)
            .map(|(_, message)| message.as_str())
            .collect()
    }

    fn chosen(&self, row: &StepRow, person: &i64) -> bool {
        row.users.contains(&person.to_string())
    }

    fn rule_label(&self, rule: &ApproverRule) -> String {
        let key = match rule {
            ApproverRule::Users(_) => "users",
            ApproverRule::Superior { .. } => "superior",
            ApproverRule::SuperiorsUpTo { .. } => "superiors_up_to",
            ApproverRule::Role(_) => "role",
            ApproverRule::DepartmentHead => "department_head",
            ApproverRule::ChosenBySubmitter => "chosen",
        };
        let mut text = self.shell.tk("flow_rule", key);
        match rule {
            ApproverRule::Users(users) => {
                let names: Vec<String> = users
                    .iter()
                    .filter_map(|u| self.people.iter().find(|(id, _)| id == u))
                    .map(|(_, name)| name.clone())
                    .collect();
                text = format!("{text}: {}", names.join(", "));
            }
            ApproverRule::Superior { levels } | ApproverRule::SuperiorsUpTo { levels } => {
                text = format!("{text} ({levels})");
            }
            ApproverRule::Role(role) => {
                if let Some((_, name)) = self.roles.iter().find(|(id, _)| id == role) {
                    text = format!("{text}: {name}");
                }
            }
            _ => {}
        }
        text
    }

    /// What the form and the list need to say a condition of `kind`.
    fn vocabulary<'a>(&'a self, kind: &'a str) -> Vocabulary<'a> {
        Vocabulary {
            people: &self.people,
            departments: &self.departments,
            fields: &self.fields,
            kind,
            lang: self.shell.lang,
            currency: &self.currency,
        }
    }

    /// A step's conditions as sentences in the user's language.
    fn condition_label(&self, flow: &Flow, step: &StepDef) -> String {
        let vocabulary = self.vocabulary(&flow.kind);
        step.condition
            .iter()
            .map(|c| vocabulary.sentence(c))
            .collect::<Vec<_>>()
            .join(self.shell.t("sales4.and").as_str())
    }

    /// A condition the form keeps whole, as a sentence.
    fn raw_label(&self, raw: &str) -> String {
        let kind = self.form.kind();
        serde_json::from_str(raw)
            .map(|c| self.vocabulary(&kind).sentence(&c))
            .unwrap_or_default()
    }

    /// The name of a condition's field.
    fn fact_label(&self, key: &str) -> String {
        self.vocabulary(&self.form.kind()).label(key)
    }

    /// The fields a condition may name beside the common facts: the
    /// flow's own kind's when it is being edited (its kind is fixed), every
    /// kind's for a new flow. A field keyed like a common fact is left out:
    /// the fact always wins over it.
    fn field_options(&self) -> Vec<&FlowField> {
        let kind = self.form.kind();
        self.fields
            .iter()
            .filter(|f| !COMMON_FACTS.contains(&f.key.as_str()))
            .filter(|f| self.editing.is_none() || f.kind == kind)
            .collect()
    }

    /// Whether a condition names `field`: by its key, and only when the
    /// field is of the flow's own kind.
    fn names_field(&self, cond: &CondRow, field: &FlowField) -> bool {
        cond.field == field.key && field.kind == self.form.kind()
    }

    fn facts(&self) -> [&'static str; 4] {
        COMMON_FACTS
    }

    fn currencies(&self) -> &'static [&'static str] {
        kuijing_domain::money::CURRENCIES
    }

    /// The currency a condition row's amount is stated in: its own, else
    /// the company's for a new row or one on money; none for a condition
    /// on anything else.
    fn currency_of(&self, cond: &CondRow) -> String {
        let field = cond.field.trim();
        if !cond.currency.trim().is_empty() {
            cond.currency.trim().to_ascii_uppercase()
        } else if field.is_empty() || self.vocabulary(&self.form.kind()).is_money(field) {
            self.company_currency.clone()
        } else {
            String::new()
        }
    }

    /// The operators a condition row offers: those that fit its field.
    fn ops_of(&self, cond: &CondRow) -> Vec<&'static str> {
        self.vocabulary(&self.form.kind())
            .ops_for(cond.field.trim())
    }

    /// The list of suggestions of a condition's value: people, departments,
    /// or a choice field's options (`flow-options-<key>`).
    fn value_list(&self, cond: &CondRow) -> Option<String> {
        let kind = self.form.kind();
        match cond.field.as_str() {
            "department_id" => return Some("flow-departments".into()),
            "owner_id" => return Some("flow-people".into()),
            "currency" => return Some("flow-currencies".into()),
            _ => {}
        }
        let field = self
            .fields
            .iter()
            .find(|f| f.key == cond.field && f.kind == kind)?;
        match field.field_type {
            FieldType::User => Some("flow-people".into()),
            FieldType::Department => Some("flow-departments".into()),
            FieldType::Choice | FieldType::MultiChoice => {
                Some(format!("flow-options-{}", field.key))
            }
            _ => None,
        }
    }

    /// The choice fields of the flow's kind, whose options the value
    /// inputs suggest.
    fn choice_fields(&self) -> Vec<&FlowField> {
        let kind = self.form.kind();
        self.fields
            .iter()
            .filter(|f| f.kind == kind && !f.options.is_empty())
            .collect()
    }

    /// A kind as people call it: the locale's word for contracts and
    /// payments, a request kind by the name its administrator gave.
    fn kind_name(&self, kind: &str) -> String {
        self.request_kinds
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| {
                let key = format!("kinds.{kind}");
                let text = self.shell.t(&key);
                if text == key { kind.to_string() } else { text }
            })
    }

    fn kinds(&self) -> [&'static str; 2] {
        ["contract", "payment"]
    }

    fn rules(&self) -> [&'static str; 6] {
        [
            "superior",
            "superiors_up_to",
            "users",
            "role",
            "department_head",
            "chosen",
        ]
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FlowsQuery {
    #[serde(default)]
    edit: String,
    /// The flows a save switched off, by id, named in the notice.
    #[serde(default)]
    off: String,
    done: Option<String>,
}

/// The names a flow's form and list show: people, departments, the kinds'
/// own fields and the request kinds.
struct FlowNames {
    people: Vec<Choice>,
    departments: Vec<Choice>,
    fields: Vec<FlowField>,
    request_kinds: Vec<(String, String)>,
    currency: String,
}

impl FlowNames {
    async fn load(state: &AppState, caller: &Caller) -> Result<Self, ServiceError> {
        Ok(Self {
            currency: state.app.currency(),
            people: state.app.user_choices(caller).await?,
            departments: state.app.department_choices().await?,
            fields: flow_fields(state, caller).await?,
            request_kinds: state
                .app
                .request_kinds(caller)
                .await?
                .into_iter()
                .map(|k| (k.kind, k.name))
                .collect(),
        })
    }

    fn vocabulary<'a>(&'a self, kind: &'a str, lang: Lang) -> Vocabulary<'a> {
        Vocabulary {
            people: &self.people,
            departments: &self.departments,
            fields: &self.fields,
            kind,
            lang,
            currency: &self.currency,
        }
    }
}

async fn flows_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (editing, form): (Option<i64>, Option<FlowForm>),
    (errors, step_errors): (FormErrors, Vec<(usize, String)>),
    done: Option<&str>,
) -> Result<FlowsView, ServiceError> {
    if !caller.can(Permission::new(Kind::Approval, Action::Manage)) {
        return Err(ServiceError::Forbidden);
    }
    let flows = state.app.approval_flows(caller).await?;
    let names = FlowNames::load(state, caller).await?;
    let form = match (form, editing) {
        (Some(form), _) => form,
        (None, Some(id)) => flows
            .iter()
            .find(|f| f.id == id)
            .map(|flow| FlowForm::of(flow, &names.vocabulary(&flow.kind, lang)))
            .ok_or(ServiceError::NotFound)?,
        (None, None) => FlowForm::new_flow(),
    };
    Ok(FlowsView {
        shell: Shell::new(
            state,
            caller,
            lang,
            "/settings/approval-flows",
            "flows.title",
        )
        .with_notice(done),
        rows: form.rows(),
        form,
        flows,
        editing,
        people: names.people,
        roles: state.app.role_names(caller).await?,
        departments: names.departments,
        fields: names.fields,
        request_kinds: names.request_kinds,
        currency: names.currency,
        errors,
        step_errors,
        company_currency: state.app.currency(),
    })
}

pub async fn show_flows(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<FlowsQuery>,
) -> Response {
    let editing = optional_number(&query.edit);
    let off: Vec<i64> = query
        .off
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    let view = flows_view(
        &state,
        &caller,
        lang,
        (editing, None),
        (FormErrors::default(), Vec::new()),
        query.done.as_deref(),
    )
    .await
    .map(|mut view| {
        let names: Vec<String> = view
            .flows
            .iter()
            .filter(|f| off.contains(&f.id))
            .map(|f| f.name.clone())
            .collect();
        if let (Some(notice), false) = (view.shell.notice.as_mut(), names.is_empty()) {
            let more = lang
                .t("sales4.switched_off")
                .replace("%{names}", &names.join(lang.t("sales4.and").as_str()));
            *notice = format!("{notice} {more}");
        }
        view
    });
    answer(view, StatusCode::OK, &caller, lang)
}

pub async fn save_flow(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<FlowsQuery>,
    Form(form): Form<FlowForm>,
) -> Response {
    let editing = optional_number(&query.edit);
    let names = match FlowNames::load(&state, &caller).await {
        Ok(names) => names,
        Err(error) => return error_page(error, &caller, lang),
    };
    if !form.more.is_empty() {
        // "Add a step": the same form again with another empty row.
        return answer(
            flows_view(
                &state,
                &caller,
                lang,
                (editing, Some(form)),
                (FormErrors::default(), Vec::new()),
                None,
            )
            .await,
            StatusCode::OK,
            &caller,
            lang,
        );
    }
    let kind = form.kind();
    let step_names: Vec<String> = form
        .rows()
        .into_iter()
        .map(|row| row.name)
        .filter(|name| !name.trim().is_empty())
        .collect();
    let result = match form.input(&names.vocabulary(&kind, lang)) {
        Ok(input) => match editing {
            Some(id) => state.app.update_approval_flow(&caller, id, input).await,
            None => state.app.create_approval_flow(&caller, input).await,
        },
        Err(error) => Err(error),
    }
    .map_err(|error| crate::error::name_flow_fields(error, &step_names, lang));
    if let Err(ServiceError::Forbidden) = &result {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let (step_errors, beside) = match &result {
        Err(ServiceError::Invalid(errors)) => {
            (step_errors(errors, lang), beside_fields(errors, lang))
        }
        _ => (Vec::new(), Vec::new()),
    };
    after_post(
        result,
        |saved| {
            let off: Vec<String> = saved
                .switched_off
                .iter()
                .map(|f| f.id.to_string())
                .collect();
            if off.is_empty() {
                done("/settings/approval-flows", "saved")
            } else {
                done(
                    "/settings/approval-flows",
                    &format!("saved&off={}", off.join(",")),
                )
            }
        },
        async |mut errors| {
            // Steps carry their own messages; the rest of the definition
            // goes beside the field it is about.
            errors.fields.remove("definition");
            errors.fields.extend(beside);
            let errors = (errors, step_errors);
            flows_view(&state, &caller, lang, (editing, Some(form)), errors, None).await
        },
        &caller,
        lang,
    )
    .await
}

/// The messages of the definition that are not a step's, keyed by the
/// form field they are shown beside: the person for steps without an
/// approver (`when_no_approver`) and the definition as a whole.
fn beside_fields(errors: &kuijing_domain::FieldErrors, lang: Lang) -> Vec<(String, String)> {
    let mut beside: Vec<(String, String)> = Vec::new();
    for e in &errors.0 {
        let key = match e.field.as_str() {
            "fallback" => "when_no_approver",
            field if field.starts_with("definition.when_no_approver") => "when_no_approver",
            "definition" | "definition.resubmit" => "definition",
            _ => continue,
        };
        if beside.iter().all(|(k, _)| k != key) {
            beside.push((key.to_string(), crate::error::field_message(e, lang)));
        }
    }
    beside
}

/// The messages of `definition.steps.<n>` (and of its fields), by step.
fn step_errors(errors: &kuijing_domain::FieldErrors, lang: Lang) -> Vec<(usize, String)> {
    errors
        .0
        .iter()
        .filter_map(|e| {
            let rest = e.field.strip_prefix("definition.steps.")?;
            let step = rest.split('.').next()?.parse::<usize>().ok()?;
            Some((step, crate::error::field_message(e, lang)))
        })
        .collect()
}
