-- Customers, their options, custom fields, follow-ups, teams and public pools.

create table options (
    id integer primary key autoincrement,
    kind text not null,
    field text not null,
    label text not null,
    sort_order integer not null default 0,
    active integer not null default 1
);
create index options_field on options (kind, field, sort_order);

create table field_defs (
    id integer primary key autoincrement,
    kind text not null,
    key text not null,
    label text not null,
    field_type text not null,
    required integer not null default 0,
    is_unique integer not null default 0,
    default_value text,
    options text not null default '[]',
    sort_order integer not null default 0,
    constraint field_defs_key unique (kind, key)
);

create table pools (
    id integer primary key autoincrement,
    name text not null,
    rules text not null default '{}',
    created_at text not null,
    updated_at text not null
);

create table customers (
    id integer primary key autoincrement,
    name text not null,
    name_key text not null,
    level_id integer references options (id),
    industry_id integer references options (id),
    source_id integer references options (id),
    phone text,
    phone_key text,
    mobile text,
    mobile_key text,
    email text,
    website text,
    address text,
    tax_id text,
    notes text,
    custom text not null default '{}',
    owner_id integer references users (id),
    pool_id integer references pools (id),
    pool_entered_at text,
    former_owner_id integer references users (id),
    locked integer not null default 0,
    dealt integer not null default 0,
    dealt_at text,
    last_follow_up_at text,
    last_follow_up_text text,
    next_contact_at text,
    search_text text not null,
    created_by integer references users (id),
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create index customers_owner on customers (owner_id, id);
create index customers_pool on customers (pool_id, id);
create index customers_name_key on customers (name_key);
create index customers_phone_key on customers (phone_key);
create index customers_tax_id on customers (tax_id);
create index customers_created on customers (created_at, id);

create table team_members (
    kind text not null,
    record_id integer not null,
    user_id integer not null references users (id),
    can_write integer not null default 0,
    expires_on text,
    primary key (kind, record_id, user_id)
);
create index team_members_user on team_members (user_id, kind);

create table follow_ups (
    id integer primary key autoincrement,
    kind text not null,
    record_id integer not null,
    method_id integer references options (id),
    content text not null,
    happened_at text not null,
    next_contact_at text,
    author_id integer not null references users (id),
    created_at text not null
);
create index follow_ups_record on follow_ups (kind, record_id, happened_at);
