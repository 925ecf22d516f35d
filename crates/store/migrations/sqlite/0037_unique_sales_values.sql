-- Unique custom fields of opportunities, contracts and products are checked
-- like those of the other kinds from now on: the unique fields they have
-- already are marked for the application to read the values their records
-- hold into custom_unique_values once, at start (values held twice before
-- stay; a new save of either is refused).
insert into custom_unique_pending (kind, field)
    select kind, key from field_defs
     where is_unique = 1 and kind in ('opportunity', 'contract', 'product');
