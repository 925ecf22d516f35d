-- Saved views of one's own, notifications, and the forms of custom approval
-- kinds (quotation, refund, expense, ...) with the requests made on them.

create table saved_views (
    id integer primary key autoincrement,
    user_id integer not null references users (id),
    -- The list it belongs to: `opportunity`, `contract`, `payment`, `customer`, ...
    kind text not null,
    name text not null,
    -- The list's query string without its cursor.
    query text not null,
    created_at text not null
);
create unique index saved_views_name on saved_views (user_id, kind, name);

create table notifications (
    id integer primary key autoincrement,
    user_id integer not null references users (id),
    -- `approval_waiting`, `approval_approved`, `approval_rejected`,
    -- `instalment_due`, `instalment_overdue`, `contract_expiring`.
    kind text not null,
    record_kind text not null,
    record_id integer not null,
    -- What the message names (a number, a date), as JSON.
    params text not null default '{}',
    -- Tells reminders of one record apart (the date they are for), so a
    -- daily job notifies once.
    dedupe_key text not null default '',
    created_at text not null,
    read_at text
);
create unique index notifications_once on notifications (user_id, kind, record_kind, record_id, dedupe_key);
create index notifications_user on notifications (user_id, read_at, id);

create table request_kinds (
    id integer primary key autoincrement,
    kind text not null,
    name text not null,
    -- The form's fields, in order, as JSON.
    fields text not null default '[]',
    active integer not null default 1,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create unique index request_kinds_kind on request_kinds (kind);

create table requests (
    id integer primary key autoincrement,
    kind text not null,
    title text not null,
    -- The values of the kind's fields, by key, as JSON.
    fields text not null default '{}',
    amount integer,
    currency text,
    status text not null default 'draft',
    owner_id integer not null references users (id),
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create index requests_owner on requests (owner_id, id);
create index requests_kind on requests (kind, status, id);
