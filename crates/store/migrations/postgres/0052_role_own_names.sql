-- A built-in role is named (and described) in each viewer's language while
-- it keeps a name the product gave it. An administrator who renames it to
-- the product's name for it in another language means that name: these
-- flags keep what they typed as typed, as an option does by losing its key.
alter table roles add column own_name boolean not null default false;
alter table roles add column own_description boolean not null default false;
