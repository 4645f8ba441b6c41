-- The country an event takes place in (ISO 3166-1 alpha-2), for the page, the calendar and
-- search engines; events so far were all in Germany.
alter table event add column country text not null default 'DE'
    check (country ~ '^[A-Z]{2}$');
