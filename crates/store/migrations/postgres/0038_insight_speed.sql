-- Customers counted per day of the company's calendar and owner, so the
-- dashboard and the customer analysis add up days, not a million rows (see
-- "Summary tables" in docs/architecture.md). `created` counts the customers
-- created that day, `dealt` those whose deal day it was, each under the
-- customer's owner now (none for a customer in a pool). A trigger keeps the
-- counts in the transaction that writes the customer, on every write path.
--
-- A day is the company's: `insight_zone` holds the offsets of the company's
-- time zone (seconds east of UTC, each from the instant it starts), written
-- at start by the application (the same offsets the application counts its
-- days with), which also counts every customer again when the zone is new
-- or changed.

create table insight_zone (
    starts_at timestamptz not null primary key,
    seconds integer not null,
    zone text not null
);

create table customer_days (
    day date,
    owner_id bigint,
    created bigint not null default 0,
    dealt bigint not null default 0
);
create unique index customer_days_key on customer_days (day, coalesce(owner_id, 0));
create index customer_days_owner on customer_days (owner_id, day);

-- The company's day of an instant: the date after adding the offset in force.
create function insight_day(at timestamptz) returns date language sql stable as $$
    select ((at + make_interval(secs => (select seconds from insight_zone
              where starts_at <= at order by starts_at desc limit 1)))
            at time zone 'UTC')::date
$$;

-- Adds `sign` (1 or -1) to the days a customer counts on, under its owner.
create function customer_days_add(created_on timestamptz, dealt_on timestamptz, owner bigint, sign bigint)
returns void language plpgsql as $$
begin
    insert into customer_days (day, owner_id, created) values (insight_day(created_on), owner, sign)
        on conflict (day, coalesce(owner_id, 0))
        do update set created = customer_days.created + excluded.created;
    if dealt_on is not null then
        insert into customer_days (day, owner_id, dealt) values (insight_day(dealt_on), owner, sign)
            on conflict (day, coalesce(owner_id, 0))
            do update set dealt = customer_days.dealt + excluded.dealt;
    end if;
    if sign < 0 then
        delete from customer_days
         where day in (insight_day(created_on), insight_day(dealt_on))
           and coalesce(owner_id, 0) = coalesce(owner, 0)
           and created = 0 and dealt = 0;
    end if;
end
$$;

create function customer_days_count() returns trigger language plpgsql as $$
begin
    if tg_op in ('DELETE', 'UPDATE') then
        perform customer_days_add(old.created_at, old.dealt_at, old.owner_id, -1);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform customer_days_add(new.created_at, new.dealt_at, new.owner_id, 1);
    end if;
    return null;
end
$$;

create trigger customer_days_insert_delete after insert or delete on customers
    for each row execute function customer_days_count();
create trigger customer_days_update after update of owner_id, created_at, dealt_at on customers
    for each row
    when (old.owner_id is distinct from new.owner_id or old.created_at is distinct from new.created_at
          or old.dealt_at is distinct from new.dealt_at)
    execute function customer_days_count();

-- Forgotten customers: those whose last follow-up, or creation when never
-- followed up, is older than a day, counted over this expression alone
-- (`store::insight::forgotten`), for the owners asked or everyone's.
create index customers_quiet on customers (owner_id, (coalesce(last_follow_up_at, created_at)))
    where owner_id is not null;
