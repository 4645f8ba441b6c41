-- The site search: one row per thing a visitor can find (a page, a news item, an event, a
-- document, a member) in one language, with its words as PostgreSQL full-text search reads them.
-- The rows are derived from the content: every instance writes them again after a change of
-- content (src/search/index.rs), so they are never edited and need no history.
create table search_entry (
    id         bigint generated always as identity primary key,
    locale     text     not null check (locale in ('de', 'en')),
    kind       text     not null check (kind in ('page', 'news', 'event', 'document', 'member')),
    -- What the entry is about. A document or a member is shown in both languages and has an
    -- entry in each under one key; the search lists it once, in the visitor's language.
    item_key   text     not null,
    path       text     not null,
    title      text     not null,
    -- The text as the page shows it, for the excerpt under a result.
    body       text     not null,
    -- Title (weight A), text (B) and the parts of long German compounds (D), made with the
    -- configuration of the entry's language ('german' or 'english').
    searchable tsvector not null
);

-- Without GIN's pending list: entries are written only when the content changes, all at once,
-- and a pending list that big would be scanned through on every search until a vacuum.
create index search_entry_searchable on search_entry using gin (searchable)
    with (fastupdate = off);
