//! A customer's record page: its fields, follow-ups, team, contacts and
//! lock.

use super::*;
use crate::pages::teams::{RemoveForm, TeamForm};

#[derive(Template)]
#[template(path = "customer.html")]
pub(super) struct CustomerPage {
    shell: Shell,
    detail: CustomerDetail,
    choices: Choices,
    people: Vec<UserView>,
    composer: Composer,
    team_form: TeamForm,
    errors: FormErrors,
    can_follow_up: bool,
    can_transfer: bool,
    /// Which related records a transfer may take along.
    carry: Carry,
    can_team: bool,
    can_delete: bool,
    /// The first of the customer's contacts, and how many it has.
    contacts: ListPage<kuijing_service::contacts::ContactView>,
    attachments: Vec<kuijing_service::attachments::Attachment>,
    can_add_contact: bool,
    /// The pools the user may release the customer into, the default first.
    release_pools: Vec<kuijing_service::pools::PoolView>,
    /// Whether the viewer's roles lock and unlock customers.
    can_lock: bool,
    /// What the composer offers to name, and the timeline of follow-ups and
    /// the approvals of the customer's contracts and payments.
    follow_up_choices: kuijing_service::follow_ups::FollowUpChoices,
    timeline: Vec<TimelineEntry>,
    /// Its opportunities, contracts, instalments and payments the user may see.
    sales: kuijing_service::customer_sales::CustomerSales,
    can_new_opportunity: bool,
    can_new_contract: bool,
    /// The pool a customer waits in, when the viewer may claim it from there.
    claim_from: Option<i64>,
    /// Waiting in the pool, not the viewer's to write on: follow-ups,
    /// contacts, colleagues and deals come after the claim, and its empty
    /// cards say so rather than ask for them.
    waiting: bool,
}

impl CustomerPage {
    /// What the team card says when nobody shares the customer: a customer
    /// waiting in the pool has no owner to share it yet.
    fn team_none(&self) -> &'static str {
        if self.waiting {
            "life_fix15.team_none_waiting"
        } else {
            "customers.team_none"
        }
    }

    /// "Showing 20 of 31" under a table cut short; nothing when all show.
    fn shown_of(&self, shown: usize, total: &i64) -> Option<String> {
        (i64::try_from(shown).unwrap_or(i64::MAX) < *total).then(|| {
            self.shell
                .t("life6.shown_of")
                .replace("%{shown}", &shown.to_string())
                .replace("%{total}", &total.to_string())
        })
    }

    /// "See all 31" under a table cut short, linking `list` narrowed to
    /// this customer; nothing when all show.
    fn see_all(&self, shown: usize, total: &i64, list: &str) -> Option<(String, String)> {
        (i64::try_from(shown).unwrap_or(i64::MAX) < *total).then(|| {
            (
                self.shell
                    .t("sales7.see_all")
                    .replace("%{n}", &total.to_string()),
                format!("/{list}?customer_id={}", self.detail.view.customer.id),
            )
        })
    }

    /// Whether the instalments shown are only those of the contracts shown,
    /// or fewer than those: then they link the customer's contract list.
    fn plans_cut(&self) -> bool {
        let contracts_cut = self
            .sales
            .contracts
            .as_ref()
            .is_some_and(|c| i64::try_from(c.items.len()).unwrap_or(i64::MAX) < c.total);
        let plans_cut = self
            .sales
            .plans
            .as_ref()
            .is_some_and(|p| p.len() > kuijing_service::customer_sales::SHOWN as usize);
        contracts_cut || plans_cut
    }

    /// The instalments the page shows: at most as many as the other tabs.
    fn plans_shown(&self) -> &[kuijing_service::customer_sales::PlanRow] {
        let plans = self.sales.plans.as_deref().unwrap_or_default();
        &plans[..plans
            .len()
            .min(kuijing_service::customer_sales::SHOWN as usize)]
    }

    /// Which zone the next contact time is typed in.
    fn zone_hint(&self) -> String {
        self.shell.zone_hint()
    }
}

pub(super) async fn record_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    composer: Composer,
    errors: FormErrors,
    done: Option<(&str, Option<u64>)>,
) -> Result<CustomerPage, ServiceError> {
    let mut detail = state.app.get_customer(caller, id).await?;
    let choices = Choices::load(state, caller).await?;
    let mut shell = Shell::new(state, caller, lang, "/customers", "customers.title");
    shell.title = detail.view.customer.name.clone();
    shell.notice = done.and_then(|(what, n)| notice(lang, Some(what), n));
    let can_transfer = detail.can_edit && caller.can(customer(Action::Transfer));
    let can_team = detail.can_edit && caller.can(customer(Action::Team));
    let people = if can_transfer || can_team {
        people(state, caller, Kind::Customer).await
    } else {
        Vec::new()
    };
    readable_log(&mut detail, (state, caller), &shell).await;
    let contacts = if caller.can(Permission::new(Kind::Contact, Action::View)) {
        let customer = detail.view.customer.id;
        state.app.customer_contacts(caller, customer).await.ok()
    } else {
        None
    }
    .unwrap_or(kuijing_service::ListPage {
        items: Vec::new(),
        total: 0,
        next_cursor: None,
    });
    let attachments = state
        .app
        .list_attachments(caller, Kind::Customer, id)
        .await
        .unwrap_or_default();
    let release_pools = if detail.can_manage && caller.can(customer(Action::Release)) {
        state.app.list_pools(caller).await?
    } else {
        Vec::new()
    };
    let follow_up_choices = state.app.follow_up_choices(caller, Some(id)).await?;
    let approvals = state
        .app
        .timeline_approvals(caller, (Kind::Customer, id))
        .await?;
    let mut timeline = TimelineEntry::merge(&detail.follow_ups, approvals, &choices.method_names());
    let events = state
        .app
        .events_of_record(caller, (Kind::Customer, id))
        .await?;
    TimelineEntry::add_events(&mut timeline, events);
    let sales = state.app.customer_sales(caller, id).await?;
    let can_new = |kind| caller.can(Permission::new(kind, Action::Create));
    let waiting_in_pool = detail.view.customer.owner_id.is_none() && !detail.can_edit;
    Ok(CustomerPage {
        sales,
        // A customer waiting in the pool takes no deals until claimed.
        can_new_opportunity: can_new(Kind::Opportunity) && !waiting_in_pool,
        can_new_contract: can_new(Kind::Contract) && !waiting_in_pool,
        claim_from: detail
            .view
            .customer
            .pool_id
            .filter(|_| waiting_in_pool && caller.can(Permission::new(Kind::Pool, Action::Claim))),
        waiting: waiting_in_pool,
        release_pools,
        can_lock: caller.can(customer(Action::Lock)),
        follow_up_choices,
        timeline,
        contacts,
        attachments,
        // A pool member reads a customer waiting in the pool and claims
        // it; follow-ups and contacts come after the claim.
        can_add_contact: caller.can(Permission::new(Kind::Contact, Action::Create))
            && !waiting_in_pool,
        choices,
        people,
        composer,
        team_form: TeamForm::default(),
        errors,
        // A team member who may only read writes no follow-ups.
        can_follow_up: caller.can(Permission::new(Kind::FollowUp, Action::Create))
            && !waiting_in_pool
            && (detail.can_manage
                || !detail
                    .team
                    .iter()
                    .any(|m| m.user_id == caller.user.id && !m.can_write)),
        can_transfer,
        carry: Carry::of(caller),
        can_team,
        can_delete: detail.can_edit && caller.can(customer(Action::Delete)),
        shell,
        detail,
    })
}

/// Shows option labels, member names and times in the change log where it
/// keeps ids and instants.
async fn readable_log(
    detail: &mut CustomerDetail,
    (state, caller): (&AppState, &Caller),
    shell: &Shell,
) {
    crate::i18n::word_log_fields(&mut detail.change_log, shell.lang);
    let labels: BTreeMap<String, String> = state
        .app
        .customer_options(caller)
        .await
        .unwrap_or_default()
        .into_values()
        .flatten()
        .map(|o| (o.id.to_string(), o.label))
        .collect();
    let members: BTreeMap<String, String> = detail
        .team
        .iter()
        .map(|m| (m.user_id.to_string(), m.name.clone()))
        .collect();
    for entry in &mut detail.change_log {
        for field in &mut entry.fields {
            let names = match field.field.as_str() {
                "level_id" | "industry_id" | "source_id" => &labels,
                "team" => &members,
                "next_contact_at" => {
                    for value in [&mut field.old, &mut field.new].into_iter().flatten() {
                        if let Ok(at) = DateTime::parse_from_rfc3339(value) {
                            *value = shell.datetime(&at.with_timezone(&Utc));
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            for value in [&mut field.old, &mut field.new].into_iter().flatten() {
                if let Some(name) = names.get(value.as_str()) {
                    *value = name.clone();
                }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RecordQuery {
    done: Option<String>,
    n: Option<u64>,
}

pub async fn show_customer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Params(query): Params<RecordQuery>,
) -> Response {
    let done = query.done.as_deref().map(|d| (d, query.n));
    let page = record_page(
        &state,
        &caller,
        lang,
        id,
        Composer::default(),
        FormErrors::default(),
        done,
    )
    .await;
    match page {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => error_page(error, &caller, lang),
    }
}

pub async fn add_follow_up(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    multipart: Multipart,
) -> Response {
    let (composer, files) = Composer::read(multipart).await;
    let result = match composer.input(state.app.time_zone()) {
        Ok(input) => state
            .app
            .add_customer_follow_up(&caller, id, input, files)
            .await
            .map(|_| ()),
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    match result {
        Ok(()) => done(&format!("/customers/{id}"), "follow_up"),
        Err(error) => record_refused(&state, &caller, lang, id, error, composer, None).await,
    }
}

pub async fn put_team_member(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<TeamForm>,
) -> Response {
    let result = match form.input() {
        Ok(input) => {
            let record = (Kind::Customer, id);
            state.app.put_team_member(&caller, record, input).await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => done(&format!("/customers/{id}"), "team_saved"),
        Err(error) => {
            record_refused(
                &state,
                &caller,
                lang,
                id,
                error,
                Composer::default(),
                Some(form),
            )
            .await
        }
    }
}

pub async fn remove_team_member(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<RemoveForm>,
) -> Response {
    let record = (Kind::Customer, id);
    match state
        .app
        .remove_team_member(&caller, record, form.user())
        .await
    {
        Ok(()) => done(&format!("/customers/{id}"), "team_removed"),
        Err(error) => {
            record_refused(&state, &caller, lang, id, error, Composer::default(), None).await
        }
    }
}

/// The record page again, with the errors of the form that was sent and
/// what was typed in it.
async fn record_refused(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    error: ServiceError,
    composer: Composer,
    team_form: Option<TeamForm>,
) -> Response {
    let Some(errors) = FormErrors::from_service(&error, lang) else {
        return error_page(error, caller, lang);
    };
    match record_page(state, caller, lang, id, composer, errors, None).await {
        Ok(mut page) => {
            if let Some(team_form) = team_form {
                page.team_form = team_form;
            }
            render(&page, status_of(&error))
        }
        Err(error) => error_page(error, caller, lang),
    }
}

#[derive(Deserialize)]
pub struct LockForm {
    locked: String,
}

/// Locks or unlocks a customer from its record page.
pub async fn set_lock(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    axum::Form(form): axum::Form<LockForm>,
) -> Response {
    match state
        .app
        .lock_customer(&caller, id, form.locked == "true")
        .await
    {
        Ok(_) => done(&format!("/customers/{id}"), "saved"),
        Err(error) => error_page(error, &caller, lang),
    }
}

#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    post: String,
    #[serde(default)]
    is_primary: Option<String>,
}

/// Adds a contact from the customer's page.
pub async fn add_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    axum::Form(form): axum::Form<ContactForm>,
) -> Response {
    let input = kuijing_service::contacts::ContactInput {
        customer_id: id,
        name: form.name,
        mobile: optional_text(&form.mobile),
        email: optional_text(&form.email),
        post: optional_text(&form.post),
        is_primary: form.is_primary.is_some(),
        ..Default::default()
    };
    match state.app.create_contact(&caller, input).await {
        Ok(_) => done(&format!("/customers/{id}"), "contact_added"),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => {
                match record_page(&state, &caller, lang, id, Composer::default(), errors, None)
                    .await
                {
                    Ok(page) => render(&page, status_of(&error)),
                    Err(error) => error_page(error, &caller, lang),
                }
            }
            None => error_page(error, &caller, lang),
        },
    }
}
