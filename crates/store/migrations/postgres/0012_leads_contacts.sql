-- Leads and contacts on the record engine: custom fields, the keys that
-- find a duplicate lead, a contact's last follow-up, and the mapping of
-- lead custom fields to customer custom fields used by conversion.

alter table leads add column custom text not null default '{}';
alter table leads add column name_key text;
alter table leads add column phone_key text;
alter table leads add column mobile_key text;
create index leads_name_key on leads (name_key);
create index leads_phone_key on leads (phone_key);
create index leads_mobile_key on leads (mobile_key);
create index leads_email on leads (email);
create index leads_created_id on leads (created_at, id);

alter table contacts add column custom text not null default '{}';
alter table contacts add column last_follow_up_at timestamptz;
alter table contacts add column last_follow_up_text text;
create index contacts_created_id on contacts (created_at, id);

create table lead_field_maps (
    lead_key text primary key,
    customer_key text not null
);
