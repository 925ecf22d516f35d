-- Sales: products, pipelines and opportunities, contracts, payment plans and
-- payments, approval flows, numbering rules, and the background job table.
-- Money is kept in minor units (cents) as integers with its currency, so sums
-- are exact; quantities in thousandths and discounts in basis points.

create table product_categories (
    id integer primary key autoincrement,
    name text not null,
    parent_id integer references product_categories (id),
    sort_order integer not null default 0,
    created_at text not null,
    updated_at text not null
);

create table products (
    id integer primary key autoincrement,
    category_id integer references product_categories (id),
    code text,
    name text not null,
    name_key text not null,
    unit text,
    price integer not null default 0,
    currency text not null,
    on_sale integer not null default 1,
    description text,
    custom text not null default '{}',
    search_text text not null,
    created_by integer references users (id),
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create unique index products_code on products (code);
create index products_name_key on products (name_key);
create index products_category on products (category_id, id);

create table pipelines (
    id integer primary key autoincrement,
    name text not null,
    is_default integer not null default 0,
    active integer not null default 1,
    departments text not null default '[]',
    sort_order integer not null default 0,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);

create table stages (
    id integer primary key autoincrement,
    pipeline_id integer not null references pipelines (id) on delete cascade,
    name text not null,
    win_rate integer not null default 0,
    sort_order integer not null default 0
);
create index stages_pipeline on stages (pipeline_id, sort_order);

create table opportunities (
    id integer primary key autoincrement,
    name text not null,
    customer_id integer not null references customers (id),
    pipeline_id integer not null references pipelines (id),
    stage_id integer not null references stages (id),
    outcome text not null default 'open',
    outcome_reason text,
    closed_at text,
    amount integer not null default 0,
    amount_by_hand integer not null default 0,
    currency text not null,
    expected_close_on date,
    next_contact_at text,
    last_follow_up_at text,
    last_follow_up_text text,
    notes text,
    custom text not null default '{}',
    owner_id integer references users (id),
    search_text text not null,
    created_by integer references users (id),
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create index opportunities_owner on opportunities (owner_id, id);
create index opportunities_customer on opportunities (customer_id, id);
create index opportunities_stage on opportunities (pipeline_id, outcome, stage_id);
create index opportunities_closed on opportunities (outcome, closed_at);
create index opportunities_created on opportunities (created_at, id);

create table opportunity_contacts (
    opportunity_id integer not null references opportunities (id) on delete cascade,
    contact_id integer not null references contacts (id) on delete cascade,
    primary key (opportunity_id, contact_id)
);

create table stage_changes (
    id integer primary key autoincrement,
    opportunity_id integer not null references opportunities (id) on delete cascade,
    from_stage_id integer references stages (id),
    to_stage_id integer not null references stages (id),
    from_outcome text,
    to_outcome text not null,
    reason text,
    via text not null,
    changed_by integer references users (id),
    changed_at text not null
);
create index stage_changes_opportunity on stage_changes (opportunity_id, id);

-- Product lines of opportunities and contracts.
create table line_items (
    id integer primary key autoincrement,
    kind text not null,
    record_id integer not null,
    product_id integer not null references products (id),
    list_price integer not null,
    price integer not null,
    quantity integer not null,
    discount integer not null default 0,
    subtotal integer not null,
    sort_order integer not null default 0
);
create index line_items_record on line_items (kind, record_id, sort_order);
create index line_items_product on line_items (product_id);

create table number_rules (
    kind text primary key,
    prefix text not null default '',
    date_part text not null default 'yyyymmdd',
    reset text not null default 'daily',
    width integer not null default 4
);

create table number_sequences (
    kind text not null,
    period text not null,
    last integer not null,
    primary key (kind, period)
);

create table approval_flows (
    id integer primary key autoincrement,
    kind text not null,
    name text not null,
    active integer not null default 1,
    definition text not null,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create index approval_flows_kind on approval_flows (kind, active);

create table approvals (
    id integer primary key autoincrement,
    flow_id integer references approval_flows (id),
    kind text not null,
    record_id integer not null,
    title text not null,
    submitter_id integer not null references users (id),
    status text not null,
    state text not null,
    created_at text not null,
    updated_at text not null,
    finished_at text
);
create index approvals_record on approvals (kind, record_id, id);
create index approvals_submitter on approvals (submitter_id, status, id);
create index approvals_finished on approvals (kind, status, finished_at);

create table approval_waits (
    approval_id integer not null references approvals (id) on delete cascade,
    user_id integer not null references users (id),
    primary key (approval_id, user_id)
);
create index approval_waits_user on approval_waits (user_id, approval_id);

create table approval_actions (
    id integer primary key autoincrement,
    approval_id integer not null references approvals (id) on delete cascade,
    step integer,
    action text not null,
    actor_id integer references users (id),
    target_id integer references users (id),
    comment text,
    created_at text not null
);
create index approval_actions_approval on approval_actions (approval_id, id);

create table contracts (
    id integer primary key autoincrement,
    number text not null,
    name text not null,
    customer_id integer not null references customers (id),
    opportunity_id integer references opportunities (id),
    signed_on date,
    starts_on date,
    ends_on date,
    amount integer not null default 0,
    amount_by_hand integer not null default 0,
    currency text not null,
    received integer not null default 0,
    customer_signer_id integer references contacts (id),
    company_signer_id integer references users (id),
    payment_method_id integer references options (id),
    status text not null default 'draft',
    approved_at text,
    notes text,
    custom text not null default '{}',
    owner_id integer references users (id),
    search_text text not null,
    created_by integer references users (id),
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create unique index contracts_number on contracts (number);
create index contracts_owner on contracts (owner_id, id);
create index contracts_customer on contracts (customer_id, id);
create index contracts_status on contracts (status, approved_at);
create index contracts_ends on contracts (status, ends_on);

create table payment_plans (
    id integer primary key autoincrement,
    contract_id integer not null references contracts (id) on delete cascade,
    instalment integer not null,
    amount integer not null,
    planned_on date not null,
    method_id integer references options (id),
    remind_days integer not null default 0,
    received integer not null default 0,
    status text not null default 'pending',
    notes text,
    created_at text not null,
    updated_at text not null,
    constraint payment_plans_instalment unique (contract_id, instalment)
);
create index payment_plans_due on payment_plans (status, planned_on);

create table payments (
    id integer primary key autoincrement,
    number text not null,
    contract_id integer not null references contracts (id),
    plan_id integer references payment_plans (id) on delete set null,
    received_on date not null,
    method_id integer references options (id),
    amount integer not null,
    currency text not null,
    status text not null default 'draft',
    approved_at text,
    notes text,
    owner_id integer references users (id),
    search_text text not null,
    created_by integer references users (id),
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create unique index payments_number on payments (number);
create index payments_contract on payments (contract_id, id);
create index payments_owner on payments (owner_id, id);
create index payments_status on payments (status, received_on);

-- Background work, claimed with a lease so several instances can run it.
create table jobs (
    id integer primary key autoincrement,
    kind text not null,
    unique_key text,
    payload text not null default '{}',
    run_at text not null,
    attempts integer not null default 0,
    leased_until text,
    leased_by text,
    done_at text,
    last_error text,
    created_at text not null
);
create unique index jobs_unique on jobs (kind, unique_key);
create index jobs_due on jobs (done_at, run_at);
