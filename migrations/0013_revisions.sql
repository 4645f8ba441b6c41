-- Every text a page has had, including the current one, with who wrote it and when (the old
-- `page_version` kept the replaced texts with who replaced them, which does not tell versions
-- apart). And the same for the organisation facts, kept as JSON (one object of the facts form).
create table page_revision (
    id               bigint      generated always as identity primary key,
    page_key         text        not null,
    locale           text        not null,
    title            text        not null,
    meta_description text        not null,
    body_markdown    text        not null,
    -- Unknown for texts saved before this table existed.
    written_at       timestamptz,
    account_id       bigint      references staff_account (id) on delete set null,
    author           text        not null default '',
    foreign key (page_key, locale) references page (page_key, locale) on delete cascade
);

create index page_revision_page on page_revision (page_key, locale, id desc);

-- The old versions become revisions: a replaced text was written when the text before it was
-- replaced, by whoever replaced that one.
insert into page_revision (page_key, locale, title, meta_description, body_markdown, written_at,
                           account_id, author)
select v.page_key, v.locale, v.title, v.meta_description, v.body_markdown,
       lag(v.replaced_at) over page_history,
       lag(v.replaced_by) over page_history,
       coalesce(lag(a.email) over page_history, '')
from page_version v left join staff_account a on a.id = v.replaced_by
window page_history as (partition by v.page_key, v.locale order by v.replaced_at, v.id)
order by v.page_key, v.locale, v.replaced_at, v.id;

-- The current texts are the newest revisions; written by whoever replaced the last old version.
insert into page_revision (page_key, locale, title, meta_description, body_markdown, written_at,
                           account_id, author)
select p.page_key, p.locale, p.title, p.meta_description, p.body_markdown,
       case when last_version.replaced_at is null then null else p.updated_at end,
       last_version.replaced_by, coalesce(a.email, '')
from page p
left join lateral (select replaced_at, replaced_by from page_version v
                   where v.page_key = p.page_key and v.locale = p.locale
                   order by replaced_at desc, id desc limit 1) last_version on true
left join staff_account a on a.id = last_version.replaced_by;

drop table page_version;

create table organisation_revision (
    id         bigint      generated always as identity primary key,
    facts      jsonb       not null,
    written_at timestamptz,
    account_id bigint      references staff_account (id) on delete set null,
    author     text        not null default ''
);
