-- What the office publishes besides the pages: news items ("Aktuelles") and events ("Termine").
-- Each item exists in one language and may name its counterpart in the other. Visitors see an
-- item once it is `published` (news: from its `published_on` day on, in Berlin); drafts and
-- scheduled items are the office's alone.

-- Pictures uploaded with news items, scaled down once on upload and kept here, so that every
-- instance of the site can serve them. `key` is a digest of the stored bytes: an address that
-- never changes its content, which browsers may keep for a year.
create table image (
    id           bigint      generated always as identity primary key,
    key          text        not null unique check (key ~ '^[0-9a-f]{32}$'),
    content_type text        not null check (content_type in ('image/jpeg', 'image/png')),
    width        integer     not null check (width > 0),
    height       integer     not null check (height > 0),
    bytes        bytea       not null,
    created_at   timestamptz not null default now()
);

create table news_item (
    id              bigint      generated always as identity primary key,
    locale          text        not null check (locale in ('de', 'en')),
    slug            text        not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
    title           text        not null check (length(title) between 1 and 200),
    teaser          text        not null check (length(teaser) between 1 and 400),
    body_markdown   text        not null check (length(body_markdown) <= 100000),
    published_on    date        not null,
    state           text        not null check (state in ('draft', 'published')),
    -- Once an item has been published, its slug is its address: a new slug leaves a redirect.
    first_published_at timestamptz,
    counterpart_id  bigint      references news_item (id) on delete set null,
    image_id        bigint      references image (id) on delete set null,
    image_alt       text        not null default '' check (length(image_alt) <= 300),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    updated_by      text        not null default '',
    unique (locale, slug),
    check (image_id is null or length(image_alt) > 0)
);

create index news_item_published on news_item (locale, published_on desc, id desc);

create trigger news_item_updated_at before update on news_item
    for each row execute function set_updated_at();

-- Whole days (`all_day`, without times) or from a start to an end time; dates and times are
-- the wall clock in Berlin, as the office writes them (converted when shown or exported).
create table event (
    id                   bigint      generated always as identity primary key,
    locale               text        not null check (locale in ('de', 'en')),
    slug                 text        not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
    title                text        not null check (length(title) between 1 and 200),
    starts_on            date        not null,
    start_time           time,
    ends_on              date        not null,
    end_time             time,
    all_day              boolean     not null,
    venue                text        not null default '' check (length(venue) <= 200),
    address              text        not null default '' check (length(address) <= 200),
    city                 text        not null default '' check (length(city) <= 100),
    online_url           text        not null default '' check (length(online_url) <= 500),
    registration_url     text        not null default '' check (length(registration_url) <= 500),
    description_markdown text        not null check (length(description_markdown) <= 100000),
    state                text        not null check (state in ('draft', 'published')),
    first_published_at   timestamptz,
    counterpart_id       bigint      references event (id) on delete set null,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    updated_by           text        not null default '',
    unique (locale, slug),
    check (ends_on >= starts_on),
    check ((all_day and start_time is null and end_time is null)
           or (not all_day and start_time is not null and end_time is not null))
);

create index event_starts on event (locale, starts_on, start_time);

create trigger event_updated_at before update on event
    for each row execute function set_updated_at();

-- Addresses an item had before its slug changed; they answer 301 to the current one. A new
-- item that takes such a slug takes the address over (the row is deleted).
create table slug_redirect (
    kind     text   not null check (kind in ('news', 'event')),
    locale   text   not null check (locale in ('de', 'en')),
    old_slug text   not null,
    item_id  bigint not null,
    primary key (kind, locale, old_slug)
);

-- Every saved state of an item, as JSON of its fields, with who saved it and when.
create table news_revision (
    id         bigint      generated always as identity primary key,
    news_id    bigint      not null references news_item (id) on delete cascade,
    content    jsonb       not null,
    written_at timestamptz not null default now(),
    account_id bigint      references staff_account (id) on delete set null,
    author     text        not null default ''
);

create index news_revision_item on news_revision (news_id, id desc);

create table event_revision (
    id         bigint      generated always as identity primary key,
    event_id   bigint      not null references event (id) on delete cascade,
    content    jsonb       not null,
    written_at timestamptz not null default now(),
    account_id bigint      references staff_account (id) on delete set null,
    author     text        not null default ''
);

create index event_revision_item on event_revision (event_id, id desc);

-- The public pages show these tables: every change reaches every instance (see 0010).
create trigger news_item_notify_content_changed
    after insert or update or delete or truncate on news_item
    for each statement execute function notify_content_changed();

create trigger event_notify_content_changed
    after insert or update or delete or truncate on event
    for each statement execute function notify_content_changed();

create trigger slug_redirect_notify_content_changed
    after insert or update or delete or truncate on slug_redirect
    for each statement execute function notify_content_changed();
