-- Office staff who may sign in to /admin. Accounts are created on the command line
-- (`defus user add`); there is no default account.
create table staff_account (
    id              bigint      generated always as identity primary key,
    email           text        not null check (length(email) between 3 and 254),
    -- Argon2id, as a PHC string ($argon2id$v=19$...).
    password_hash   text        not null,
    enabled         boolean     not null default true,
    -- Failed sign-ins since the last success; enough of them lock the account for a while.
    failed_sign_ins integer     not null default 0,
    locked_until    timestamptz,
    last_sign_in_at timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);

create unique index staff_account_email on staff_account (lower(email));

create trigger staff_account_set_updated_at
    before update on staff_account
    for each row execute function set_updated_at();

-- Signed-in sessions. The cookie carries a random token; only its SHA-256 is stored, so a copy
-- of the database does not let anyone sign in.
create table staff_session (
    token_hash   bytea       primary key,
    account_id   bigint      not null references staff_account (id) on delete cascade,
    -- Sent with every form of the staff area and checked on every change.
    csrf_token   text        not null,
    created_at   timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    -- Absolute end of the session, however active it is.
    expires_at   timestamptz not null
);

create index staff_session_account on staff_session (account_id);
