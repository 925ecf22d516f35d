//! The opportunity form: new and edit, with a save made on an older
//! version shown beside the stored one.

use super::*;
use crate::pages::product_lines::{LineRow, ProductLines, on_sale, with_lines};
use crate::pages::stale_form::Stale;

#[derive(Debug, Default, Deserialize)]
pub struct OpportunityForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    customer_id: String,
    #[serde(default)]
    pipeline_id: String,
    #[serde(default)]
    stage_id: String,
    #[serde(default)]
    amount: String,
    /// The currency chosen; blank leaves it to the service (the record's,
    /// else its first product's, else the company's).
    #[serde(default)]
    currency: String,
    #[serde(default)]
    expected_close_on: String,
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

impl Stale for OpportunityForm {
    fn version_and_read(&mut self) -> (&mut String, &mut String) {
        (&mut self.version, &mut self.read)
    }
}

impl conflict::Take for OpportunityForm {
    fn take(&mut self, key: &str, value: &str) {
        let field = match key {
            "name" => &mut self.name,
            "customer_id" => &mut self.customer_id,
            "pipeline_id" => &mut self.pipeline_id,
            "stage_id" => &mut self.stage_id,
            "amount" => &mut self.amount,
            "currency" => &mut self.currency,
            "expected_close_on" => &mut self.expected_close_on,
            "notes" => &mut self.notes,
            "lines" => return self.take_lines(value),
            _ => return self.custom.take(key, value),
        };
        *field = value.to_string();
    }
}

impl OpportunityForm {
    fn input(&self) -> OpportunityInput {
        OpportunityInput {
            name: self.name.clone(),
            customer_id: optional_number(&self.customer_id).unwrap_or(-1),
            pipeline_id: optional_number(&self.pipeline_id),
            stage_id: optional_number(&self.stage_id),
            amount: optional_text(&self.amount).map(DecimalText::Text),
            currency: optional_text(&self.currency),
            expected_close_on: kuijing_domain::dates::iso_day(&self.expected_close_on),
            unread: {
                let mut unread = unread_dates(&[("expected_close_on", &self.expected_close_on)]);
                self.unread_lines(&mut unread);
                unread
            },
            next_contact_at: None,
            notes: optional_text(&self.notes),
            lines: self.line_inputs(),
            contact_ids: Vec::new(),
            custom: self.custom.input(),
            version: optional_number(&self.version),
        }
    }

    fn of(detail: &OpportunityDetail) -> Self {
        let o = &detail.row.opportunity;
        let mut form = Self {
            name: o.name.clone(),
            customer_id: o.customer_id.to_string(),
            pipeline_id: o.pipeline_id.to_string(),
            stage_id: o.stage_id.to_string(),
            amount: if o.amount_by_hand {
                money::amount_text_in(o.amount, &o.currency)
            } else {
                String::new()
            },
            currency: o.currency.clone(),
            expected_close_on: o
                .expected_close_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            notes: o.notes.clone().unwrap_or_default(),
            version: o.version.to_string(),
            custom: CustomValues::of(&o.custom),
            ..Self::default()
        };
        form.push_lines(&detail.lines, &o.currency);
        form
    }

    fn custom_value(&self, key: &str) -> String {
        self.custom.value(key)
    }

    /// The fields an edit changes, in the form's order.
    fn values(&self, defs: &[FieldDef]) -> conflict::Values {
        let lines = self.lines_value();
        let mut values: conflict::Values = [
            ("name", self.name.clone()),
            ("customer_id", self.customer_id.trim().to_string()),
            ("pipeline_id", self.pipeline_id.trim().to_string()),
            ("stage_id", self.stage_id.trim().to_string()),
            ("amount", self.amount.clone()),
            ("currency", self.currency.trim().to_string()),
            ("expected_close_on", self.expected_close_on.clone()),
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

crate::product_lines!(OpportunityForm);

#[derive(Template)]
#[template(path = "opportunity_form.html")]
struct FormView {
    shell: Shell,
    id: Option<i64>,
    form: OpportunityForm,
    rows: Vec<LineRow>,
    errors: FormErrors,
    customers: Vec<Choice>,
    pipelines: Vec<Pipeline>,
    products: Vec<Product>,
    /// The currencies offered, the form's among them.
    currencies: Vec<String>,
    /// The custom fields of opportunities, in their order.
    fields: Vec<FieldDef>,
    /// What someone else saved meanwhile, when a save met their version.
    conflict: Option<conflict::Conflict>,
}

impl FormView {
    fn is(&self, value: &str, id: &i64) -> bool {
        value == id.to_string()
    }
}

async fn form_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    mut form: OpportunityForm,
    errors: FormErrors,
) -> Result<FormView, ServiceError> {
    let mut customers = state.app.customer_choices(caller, 200).await?;
    // The customer the form names stays offered even beyond the first 200.
    if let Some(chosen) = optional_number(&form.customer_id)
        && !customers.iter().any(|(c, _)| *c == chosen)
        && let Ok(found) = state.app.get_customer(caller, chosen).await
    {
        customers.insert(0, (chosen, found.view.customer.name));
    }
    let products = on_sale(state, caller).await;
    let title = if id.is_some() {
        "opportunities.edit"
    } else {
        "opportunities.new"
    };
    let fields = state.app.custom_fields(Kind::Opportunity).await?;
    // A new one is in the company currency unless another is chosen.
    if form.currency.trim().is_empty() {
        form.currency = state.app.currency();
    }
    // An edit opened now keeps what it shows, to tell later what someone
    // else changed meanwhile.
    if id.is_some() && form.read.is_empty() {
        form.read = conflict::mark(&form.values(&fields));
    }
    Ok(FormView {
        shell: Shell::new(state, caller, lang, "/opportunities", title),
        id,
        fields,
        rows: form.line_rows(),
        currencies: currency_choices(&form.currency),
        form,
        errors,
        customers,
        pipelines: state.app.pipelines(caller).await?,
        products,
        conflict: None,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    customer_id: String,
}

pub async fn new_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<NewQuery>,
) -> Response {
    if !can(&caller, Action::Create) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let form = OpportunityForm {
        customer_id: query.customer_id,
        custom: crate::pages::forms::CustomValues::defaults(
            &state
                .app
                .custom_fields(Kind::Opportunity)
                .await
                .unwrap_or_default(),
        ),
        ..OpportunityForm::default()
    };
    answer(
        form_view(&state, &caller, lang, None, form, FormErrors::default()).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn create_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<OpportunityForm>,
) -> Response {
    let result = state.app.create_opportunity(&caller, form.input()).await;
    after_post(
        result,
        |detail| {
            done(
                &format!("/opportunities/{}", detail.row.opportunity.id),
                "created",
            )
        },
        async |errors| form_view(&state, &caller, lang, None, form, errors).await,
        &caller,
        lang,
    )
    .await
}

pub async fn edit_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let detail = match state.app.get_opportunity(&caller, id).await {
        Ok(detail) if detail.can_edit => detail,
        Ok(_) => {
            let refused = crate::pages::forms::not_writable(can(&caller, Action::Edit));
            return error_page(refused, &caller, lang);
        }
        Err(error) => return error_page(error, &caller, lang),
    };
    let form = OpportunityForm::of(&detail);
    answer(
        form_view(&state, &caller, lang, Some(id), form, FormErrors::default()).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn update_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<OpportunityForm>,
) -> Response {
    let result = match state
        .app
        .update_opportunity(&caller, id, form.input())
        .await
    {
        Err(error @ ServiceError::Changed { .. }) => {
            return stale_opportunity(&state, &caller, lang, (id, form), error).await;
        }
        result => result,
    };
    after_post(
        result,
        |_| done(&format!("/opportunities/{id}"), "saved"),
        async |errors| form_view(&state, &caller, lang, Some(id), form, errors).await,
        &caller,
        lang,
    )
    .await
}

/// The form again after a save met a newer version: every entry kept,
/// their version taken (so saving again is a deliberate overwrite), and
/// what they changed shown beside what was typed.
async fn stale_opportunity(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (id, form): (i64, OpportunityForm),
    error: ServiceError,
) -> Response {
    let detail = match state.app.get_opportunity(caller, id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(error, caller, lang),
    };
    let defs = match state.app.custom_fields(Kind::Opportunity).await {
        Ok(defs) => defs,
        Err(error) => return error_page(error, caller, lang),
    };
    let stored = OpportunityForm::of(&detail);
    let o = &detail.row.opportunity;
    let mut names = conflict::Names::new("opportunity", lang, &defs);
    let stored_customer = (o.customer_id, o.customer_name.as_str());
    conflict::name_customer(
        (state, caller),
        &mut names,
        stored_customer,
        &form.customer_id,
    )
    .await;
    let mut pipelines = vec![detail.pipeline.clone()];
    pipelines.extend(state.app.pipelines(caller).await.unwrap_or_default());
    for pipeline in &pipelines {
        names.option(
            "pipeline_id",
            [(pipeline.id.to_string(), pipeline.name.clone())],
        );
        names.option(
            "stage_id",
            pipeline
                .stages
                .iter()
                .map(|s| (s.id.to_string(), s.name.clone())),
        );
    }
    let theirs = stored.values(&defs);
    let yours = form.values(&defs);
    let shown = with_lines(
        (state, caller),
        &mut names,
        (&form.read, &theirs, &yours),
        &detail.lines,
        format!("/opportunities/{id}/edit"),
    )
    .await;
    let mut form = form;
    form.take_newer(&stored.version, &theirs, &yours);
    let page = form_view(state, caller, lang, Some(id), form, FormErrors::default())
        .await
        .map(|mut page| {
            page.conflict = Some(shown);
            page
        });
    answer(page, status_of(&error), caller, lang)
}
