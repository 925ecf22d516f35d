-- Search finds text anywhere in a record's search text. An FTS5 table with
-- the trigram tokenizer per searched kind, its content read from the kind's
-- table, kept in step by triggers on every write path.

create virtual table customers_search using fts5(
    search_text, content='customers', content_rowid='id', tokenize='trigram'
);
insert into customers_search (customers_search) values ('rebuild');
create trigger customers_search_insert after insert on customers begin
    insert into customers_search (rowid, search_text) values (new.id, new.search_text);
end;
create trigger customers_search_delete after delete on customers begin
    insert into customers_search (customers_search, rowid, search_text)
        values ('delete', old.id, old.search_text);
end;
create trigger customers_search_update after update of search_text on customers begin
    insert into customers_search (customers_search, rowid, search_text)
        values ('delete', old.id, old.search_text);
    insert into customers_search (rowid, search_text) values (new.id, new.search_text);
end;

create virtual table contacts_search using fts5(
    search_text, content='contacts', content_rowid='id', tokenize='trigram'
);
insert into contacts_search (contacts_search) values ('rebuild');
create trigger contacts_search_insert after insert on contacts begin
    insert into contacts_search (rowid, search_text) values (new.id, new.search_text);
end;
create trigger contacts_search_delete after delete on contacts begin
    insert into contacts_search (contacts_search, rowid, search_text)
        values ('delete', old.id, old.search_text);
end;
create trigger contacts_search_update after update of search_text on contacts begin
    insert into contacts_search (contacts_search, rowid, search_text)
        values ('delete', old.id, old.search_text);
    insert into contacts_search (rowid, search_text) values (new.id, new.search_text);
end;

create virtual table leads_search using fts5(
    search_text, content='leads', content_rowid='id', tokenize='trigram'
);
insert into leads_search (leads_search) values ('rebuild');
create trigger leads_search_insert after insert on leads begin
    insert into leads_search (rowid, search_text) values (new.id, new.search_text);
end;
create trigger leads_search_delete after delete on leads begin
    insert into leads_search (leads_search, rowid, search_text)
        values ('delete', old.id, old.search_text);
end;
create trigger leads_search_update after update of search_text on leads begin
    insert into leads_search (leads_search, rowid, search_text)
        values ('delete', old.id, old.search_text);
    insert into leads_search (rowid, search_text) values (new.id, new.search_text);
end;
