-- Settings the company's data decides, kept with the data: the demo
-- company's money is in US dollars, so loading it makes USD the company
-- currency whatever the `currency` setting of the configuration says.
create table company_settings (
    key text primary key,
    value text not null
);
