-- Search of one or two characters through the trigram index (see "Speed"
-- in docs/architecture.md). Each searched kind's FTS5 index now reads its
-- text from a view that ends it with two characters no one types
-- (char(1)), so every character and pair of characters of the search text,
-- the last ones too, begins one of its trigrams; a vocabulary table per
-- index lists those trigrams, and a search of one or two characters asks
-- the index for the trigrams that begin with them. The triggers write the
-- same text the view reads.

drop trigger customers_search_insert;
drop trigger customers_search_delete;
drop trigger customers_search_update;
drop table customers_search;
create view customers_search_source as
    select id, search_text || char(1, 1) as search_text from customers;
create virtual table customers_search using fts5(
    search_text, content='customers_search_source', content_rowid='id', tokenize='trigram'
);
create virtual table customers_search_vocab using fts5vocab(customers_search, 'row');
insert into customers_search (customers_search) values ('rebuild');
create trigger customers_search_insert after insert on customers begin
    insert into customers_search (rowid, search_text) values (new.id, new.search_text || char(1, 1));
end;
create trigger customers_search_delete after delete on customers begin
    insert into customers_search (customers_search, rowid, search_text)
        values ('delete', old.id, old.search_text || char(1, 1));
end;
create trigger customers_search_update after update of search_text on customers begin
    insert into customers_search (customers_search, rowid, search_text)
        values ('delete', old.id, old.search_text || char(1, 1));
    insert into customers_search (rowid, search_text) values (new.id, new.search_text || char(1, 1));
end;

drop trigger contacts_search_insert;
drop trigger contacts_search_delete;
drop trigger contacts_search_update;
drop table contacts_search;
create view contacts_search_source as
    select id, search_text || char(1, 1) as search_text from contacts;
create virtual table contacts_search using fts5(
    search_text, content='contacts_search_source', content_rowid='id', tokenize='trigram'
);
create virtual table contacts_search_vocab using fts5vocab(contacts_search, 'row');
insert into contacts_search (contacts_search) values ('rebuild');
create trigger contacts_search_insert after insert on contacts begin
    insert into contacts_search (rowid, search_text) values (new.id, new.search_text || char(1, 1));
end;
create trigger contacts_search_delete after delete on contacts begin
    insert into contacts_search (contacts_search, rowid, search_text)
        values ('delete', old.id, old.search_text || char(1, 1));
end;
create trigger contacts_search_update after update of search_text on contacts begin
    insert into contacts_search (contacts_search, rowid, search_text)
        values ('delete', old.id, old.search_text || char(1, 1));
    insert into contacts_search (rowid, search_text) values (new.id, new.search_text || char(1, 1));
end;

drop trigger leads_search_insert;
drop trigger leads_search_delete;
drop trigger leads_search_update;
drop table leads_search;
create view leads_search_source as
    select id, search_text || char(1, 1) as search_text from leads;
create virtual table leads_search using fts5(
    search_text, content='leads_search_source', content_rowid='id', tokenize='trigram'
);
create virtual table leads_search_vocab using fts5vocab(leads_search, 'row');
insert into leads_search (leads_search) values ('rebuild');
create trigger leads_search_insert after insert on leads begin
    insert into leads_search (rowid, search_text) values (new.id, new.search_text || char(1, 1));
end;
create trigger leads_search_delete after delete on leads begin
    insert into leads_search (leads_search, rowid, search_text)
        values ('delete', old.id, old.search_text || char(1, 1));
end;
create trigger leads_search_update after update of search_text on leads begin
    insert into leads_search (leads_search, rowid, search_text)
        values ('delete', old.id, old.search_text || char(1, 1));
    insert into leads_search (rowid, search_text) values (new.id, new.search_text || char(1, 1));
end;
