-- Insight: sales targets, and the indexes the dashboard's figures read by.

create table targets (
    id integer primary key autoincrement,
    year integer not null,
    -- 0 for the whole year, else 1 to 12.
    month integer not null default 0,
    -- A target is the company's (both empty), a department's or a user's.
    department_id integer references departments (id),
    user_id integer references users (id),
    -- `contract_amount` or `payment_amount`.
    measure text not null,
    amount integer not null,
    currency text not null,
    updated_at text not null
);
create unique index targets_key on targets (year, month, measure, coalesce(department_id, 0), coalesce(user_id, 0));

create index contacts_created on contacts (created_at, owner_id);
create index follow_ups_author on follow_ups (author_id, happened_at);
create index contracts_signed on contracts (status, signed_on);
create index customers_owner_created on customers (owner_id, created_at);
create index customers_last_follow_up on customers (owner_id, last_follow_up_at);

-- A payment confirmed although it takes its contract past its amount; and
-- the facts an approval was decided on, so a changed record starts over.
alter table payments add column exceeding_confirmed integer not null default 0;
alter table approvals add column facts text not null default '{}';
