-- Phones dialled from abroad (+886, 00886) match as dialled at home (0...),
-- and the legal form (股) no longer hides a duplicate company: the stored
-- match keys are brought to what kuijing_domain::company computes now.
update customers set phone_key = '886' || substr(phone_key, 6) where phone_key like '00886%';
update customers set mobile_key = '886' || substr(mobile_key, 6) where mobile_key like '00886%';
update leads set phone_key = '886' || substr(phone_key, 6) where phone_key like '00886%';
update leads set mobile_key = '886' || substr(mobile_key, 6) where mobile_key like '00886%';
update contacts set phone_key = '886' || substr(phone_key, 6) where phone_key like '00886%';

update customers set phone_key = substr(phone_key, 4) where phone_key like '8860%' and length(phone_key) >= 11;
update customers set mobile_key = substr(mobile_key, 4) where mobile_key like '8860%' and length(mobile_key) >= 11;
update leads set phone_key = substr(phone_key, 4) where phone_key like '8860%' and length(phone_key) >= 11;
update leads set mobile_key = substr(mobile_key, 4) where mobile_key like '8860%' and length(mobile_key) >= 11;
update contacts set phone_key = substr(phone_key, 4) where phone_key like '8860%' and length(phone_key) >= 11;

update customers set phone_key = '0' || substr(phone_key, 4) where phone_key like '886%' and length(phone_key) >= 11;
update customers set mobile_key = '0' || substr(mobile_key, 4) where mobile_key like '886%' and length(mobile_key) >= 11;
update leads set phone_key = '0' || substr(phone_key, 4) where phone_key like '886%' and length(phone_key) >= 11;
update leads set mobile_key = '0' || substr(mobile_key, 4) where mobile_key like '886%' and length(mobile_key) >= 11;
update contacts set phone_key = '0' || substr(phone_key, 4) where phone_key like '886%' and length(phone_key) >= 11;

update customers set name_key = substr(name_key, 1, length(name_key) - 3) where name_key like '%(股)' and length(name_key) > 3;
update leads set name_key = substr(name_key, 1, length(name_key) - 3) where name_key like '%(股)' and length(name_key) > 3;
