-- Reports: saved reports of the builder and whom they are shared with, and
-- the indexes the reports read by. Every report filters on an owner list
-- and a range, so the indexes lead with the owner and end with the day or
-- instant: a viewer with a few dozen people reads only their rows, even
-- among a million customers.

create table saved_reports (
    id integer primary key autoincrement,
    name text not null,
    -- `customers`, `leads`, `contacts`, `opportunities`, `contracts`,
    -- `payments` or `follow_ups`.
    kind text not null,
    -- Groupings, measures, filters and chart, as JSON.
    definition text not null,
    created_by integer not null references users (id),
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create index saved_reports_created_by on saved_reports (created_by, id);

create table report_shares (
    report_id integer not null references saved_reports (id) on delete cascade,
    -- `user`, `department` or `role`.
    target_kind text not null,
    target_id integer not null,
    primary key (report_id, target_kind, target_id)
);
create index report_shares_target on report_shares (target_kind, target_id, report_id);

create index customers_owner_dealt on customers (owner_id, dealt_at);
create index customers_former_owner_released on customers (former_owner_id, released_at);
create index customers_industry on customers (industry_id, owner_id);
create index leads_owner_created on leads (owner_id, created_at);
create index leads_owner_converted on leads (owner_id, converted_at);
create index contracts_owner_signed on contracts (owner_id, status, signed_on);
create index payments_owner_received on payments (owner_id, status, received_on);
create index opportunities_owner_closed on opportunities (owner_id, outcome, closed_at);
create index opportunities_owner_created on opportunities (owner_id, created_at);
create index approvals_submitter_created on approvals (submitter_id, created_at);
