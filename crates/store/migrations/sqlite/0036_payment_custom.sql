-- Payments keep custom field values, as contracts do: a JSON object of the
-- values of the payment fields administrators define, by field key.
alter table payments add column custom text not null default '{}';
