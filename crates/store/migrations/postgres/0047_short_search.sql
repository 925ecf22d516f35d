-- A search of one or two characters has no trigram of its own, so neither
-- `pg_trgm` nor any `like` index narrows it (see "Speed" in
-- docs/architecture.md). Each searched kind gets an index of the characters
-- and pairs of characters its search text holds: `short_grams` lists them
-- (distinct), and a GIN index over that list finds the rows holding the
-- one or two characters searched (`short_grams(search_text) @> array[…]`),
-- which are exactly the rows whose text contains them. The search keeps its
-- `like`, so it answers what reading every row answers. The index follows
-- every write, as any expression index does.

create function short_grams(t text) returns text[]
language sql immutable strict parallel safe as $$
    select coalesce(array_agg(distinct gram), '{}'::text[])
    from (
        select substr(t, i, 1) as gram from generate_series(1, char_length(t)) as i
        union all
        select substr(t, i, 2) from generate_series(1, char_length(t) - 1) as i
    ) as grams
$$;

create index customers_search_grams on customers using gin (short_grams(search_text));
create index contacts_search_grams on contacts using gin (short_grams(search_text));
create index leads_search_grams on leads using gin (short_grams(search_text));
