-- A unique custom value's key leaves out every space from now on ("RS 42"
-- and "rs42", "XY 999" and "ｘｙ９９９" are one value): every unique field is
-- marked for the application to read its values into custom_unique_values
-- again, once, at start, with the new keys.
insert into custom_unique_pending (kind, field)
    select kind, key from field_defs
     where is_unique = 1
       and not exists (select 1 from custom_unique_pending p
                        where p.kind = field_defs.kind and p.field = field_defs.key);
