-- Unique custom values, found by an index. Each value of a unique custom
-- field of a customer, lead or contact is kept as its folded key (trimmed,
-- full-width and half-width alike, any case: the application folds it), so
-- a new value is checked with one lookup instead of a read of every record.
create table custom_unique_values (
    kind text not null,
    field text not null,
    record_id bigint not null,
    value_key text not null,
    primary key (kind, field, record_id)
);
create index custom_unique_values_key on custom_unique_values (kind, field, value_key);

-- The unique fields defined before their values were kept: read in once,
-- at start, by the application; each mark goes with its field's values.
create table custom_unique_pending (
    kind text not null,
    field text not null,
    primary key (kind, field)
);
insert into custom_unique_pending (kind, field)
    select kind, key from field_defs
     where is_unique and kind in ('customer', 'lead', 'contact');

-- Migration 0026 brought the match keys to how phones dialled from abroad
-- (+886, 00886) and legal forms are read now, but not the search text, so a
-- record saved before is found only by its phone as stored. The search
-- text (and the match keys with it) of every customer, lead and contact is
-- made again once, at start, by the application that makes it on every
-- save; the mark is cleared row by row.
alter table customers add column search_pending boolean not null default false;
alter table leads add column search_pending boolean not null default false;
alter table contacts add column search_pending boolean not null default false;
update customers set search_pending = true;
update leads set search_pending = true;
update contacts set search_pending = true;
create index customers_search_pending on customers (id) where search_pending;
create index leads_search_pending on leads (id) where search_pending;
create index contacts_search_pending on contacts (id) where search_pending;
