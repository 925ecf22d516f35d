-- The columns each user picks for a list, what a follow-up names besides
-- its record (contacts, opportunities), and schedule events.

create table list_columns (
    user_id integer not null references users (id),
    -- The list: `customer`, `opportunity`, `contract` or `payment`.
    kind text not null,
    -- The chosen columns, in order, as a JSON array of field names.
    columns text not null,
    updated_at text not null,
    primary key (user_id, kind)
);

create table follow_up_links (
    follow_up_id integer not null references follow_ups (id) on delete cascade,
    -- `contact` or `opportunity`.
    kind text not null,
    record_id integer not null,
    primary key (follow_up_id, kind, record_id)
);
create index follow_up_links_record on follow_up_links (kind, record_id);

create table events (
    id integer primary key autoincrement,
    owner_id integer not null references users (id),
    title text not null,
    starts_at text not null,
    ends_at text,
    all_day integer not null default 0,
    -- The record it is about, if any: `customer`, `lead`, `contact`, `opportunity`, ...
    related_kind text,
    related_id integer,
    -- Made from a follow-up's next contact time (and moved by the next one).
    from_follow_up_id integer references follow_ups (id) on delete set null,
    next_contact integer not null default 0,
    notes text,
    done integer not null default 0,
    done_at text,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create index events_owner_starts on events (owner_id, starts_at);
create index events_related on events (related_kind, related_id, owner_id);
