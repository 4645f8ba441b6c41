-- Earlier texts of the pages: every save in the staff area keeps the text it replaces, so that
-- any earlier version can be looked at and restored.
create table page_version (
    id               bigint      generated always as identity primary key,
    page_key         text        not null,
    locale           text        not null,
    title            text        not null,
    meta_description text        not null,
    body_markdown    text        not null,
    -- When this text was current until, and who replaced it.
    replaced_at      timestamptz not null default now(),
    replaced_by      bigint      references staff_account (id) on delete set null,
    foreign key (page_key, locale) references page (page_key, locale) on delete cascade
);

create index page_version_page on page_version (page_key, locale, replaced_at desc);
