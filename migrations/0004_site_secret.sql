-- Keys the site generates for itself at first start (e.g. the key that signs form tokens).
-- Kept in the database so that every instance of the site, and every restart, uses the same key.
create table site_secret (
    name       text        primary key,
    value      bytea       not null check (length(value) >= 32),
    created_at timestamptz not null default now()
);
