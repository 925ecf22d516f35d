-- Customers counted per day of the company's calendar and owner, so the
-- dashboard and the customer analysis add up days, not a million rows (see
-- "Summary tables" in docs/architecture.md). `created` counts the customers
-- created that day, `dealt` those whose deal day it was, each under the
-- customer's owner now (none for a customer in a pool). Triggers keep the
-- counts in the transaction that writes the customer, on every write path.
--
-- A day is the company's: `insight_zone` holds the offsets of the company's
-- time zone (seconds east of UTC, each from the instant it starts), written
-- at start by the application, which also counts every customer again when
-- the zone is new or changed.

create table insight_zone (
    starts_at text not null primary key,
    seconds integer not null,
    zone text not null
);

create table customer_days (
    day text,
    owner_id integer,
    created integer not null default 0,
    dealt integer not null default 0
);
create unique index customer_days_key on customer_days (day, coalesce(owner_id, 0));
create index customer_days_owner on customer_days (owner_id, day);

-- The day of an instant is written out in each statement (SQLite has no
-- functions of its own): the date after adding the offset in force then.
create trigger customer_days_insert after insert on customers begin
    insert into customer_days (day, owner_id, created)
        values (date(new.created_at, (select seconds from insight_zone where starts_at <= new.created_at order by starts_at desc limit 1) || ' seconds'), new.owner_id, 1)
        on conflict (day, coalesce(owner_id, 0)) do update set created = created + 1;
    insert into customer_days (day, owner_id, dealt)
        select date(new.dealt_at, (select seconds from insight_zone where starts_at <= new.dealt_at order by starts_at desc limit 1) || ' seconds'), new.owner_id, 1
         where new.dealt_at is not null
        on conflict (day, coalesce(owner_id, 0)) do update set dealt = dealt + 1;
end;

create trigger customer_days_delete after delete on customers begin
    update customer_days set created = created - 1
     where day = date(old.created_at, (select seconds from insight_zone where starts_at <= old.created_at order by starts_at desc limit 1) || ' seconds')
       and coalesce(owner_id, 0) = coalesce(old.owner_id, 0);
    update customer_days set dealt = dealt - 1
     where day = date(old.dealt_at, (select seconds from insight_zone where starts_at <= old.dealt_at order by starts_at desc limit 1) || ' seconds')
       and coalesce(owner_id, 0) = coalesce(old.owner_id, 0);
    delete from customer_days
     where day in (date(old.created_at, (select seconds from insight_zone where starts_at <= old.created_at order by starts_at desc limit 1) || ' seconds'), date(old.dealt_at, (select seconds from insight_zone where starts_at <= old.dealt_at order by starts_at desc limit 1) || ' seconds'))
       and coalesce(owner_id, 0) = coalesce(old.owner_id, 0)
       and created = 0 and dealt = 0;
end;

create trigger customer_days_update after update of owner_id, created_at, dealt_at on customers
  when old.owner_id is not new.owner_id or old.created_at is not new.created_at
    or old.dealt_at is not new.dealt_at
begin
    update customer_days set created = created - 1
     where day = date(old.created_at, (select seconds from insight_zone where starts_at <= old.created_at order by starts_at desc limit 1) || ' seconds')
       and coalesce(owner_id, 0) = coalesce(old.owner_id, 0);
    update customer_days set dealt = dealt - 1
     where day = date(old.dealt_at, (select seconds from insight_zone where starts_at <= old.dealt_at order by starts_at desc limit 1) || ' seconds')
       and coalesce(owner_id, 0) = coalesce(old.owner_id, 0);
    delete from customer_days
     where day in (date(old.created_at, (select seconds from insight_zone where starts_at <= old.created_at order by starts_at desc limit 1) || ' seconds'), date(old.dealt_at, (select seconds from insight_zone where starts_at <= old.dealt_at order by starts_at desc limit 1) || ' seconds'))
       and coalesce(owner_id, 0) = coalesce(old.owner_id, 0)
       and created = 0 and dealt = 0;
    insert into customer_days (day, owner_id, created)
        values (date(new.created_at, (select seconds from insight_zone where starts_at <= new.created_at order by starts_at desc limit 1) || ' seconds'), new.owner_id, 1)
        on conflict (day, coalesce(owner_id, 0)) do update set created = created + 1;
    insert into customer_days (day, owner_id, dealt)
        select date(new.dealt_at, (select seconds from insight_zone where starts_at <= new.dealt_at order by starts_at desc limit 1) || ' seconds'), new.owner_id, 1
         where new.dealt_at is not null
        on conflict (day, coalesce(owner_id, 0)) do update set dealt = dealt + 1;
end;

-- Forgotten customers: those whose last follow-up, or creation when never
-- followed up, is older than a day, counted over this expression alone
-- (`store::insight::forgotten`), for the owners asked or everyone's.
create index customers_quiet on customers (owner_id, (coalesce(last_follow_up_at, created_at)))
    where owner_id is not null;
