-- The texts of the public pages: one row per page and language. Which pages exist, and under
-- which paths, is fixed in the code (src/content/page.rs); `page_key` names one of them.
create table page (
    page_key         text        not null check (page_key ~ '^[a-z][a-z-]*$'),
    locale           text        not null check (locale in ('de', 'en')),
    title            text        not null check (length(title) between 1 and 200),
    meta_description text        not null check (length(meta_description) <= 300),
    -- Markdown, rendered to sanitised HTML when the page is shown.
    body_markdown    text        not null,
    updated_at       timestamptz not null default now(),
    primary key (page_key, locale)
);

create trigger page_set_updated_at
    before update on page
    for each row execute function set_updated_at();
