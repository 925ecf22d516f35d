-- Leads: prospects not yet customers.

create table leads (
    id integer primary key autoincrement,
    name text not null,
    contact_name text,
    mobile text,
    phone text,
    email text,
    address text,
    level_id integer references options (id),
    industry_id integer references options (id),
    source_id integer references options (id),
    notes text,
    next_contact_at text,
    last_follow_up_at text,
    last_follow_up_text text,
    owner_id integer references users (id),
    converted integer not null default 0,
    customer_id integer references customers (id) on delete set null,
    converted_at text,
    search_text text not null,
    created_by integer references users (id),
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create index leads_owner on leads (owner_id, id);
