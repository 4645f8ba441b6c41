-- Two-factor sign-in (TOTP, RFC 6238) for staff, set up on the command line
-- (`defus user totp enable`). Without a secret, an account signs in with its password alone.
alter table staff_account
    -- The shared secret (20 random bytes) the authenticator app was given; null = not set up.
    add column totp_secret    bytea check (totp_secret is null or length(totp_secret) >= 16),
    -- The time step (Unix time / 30 s) of the last code accepted: a code of that step or an
    -- earlier one is refused, so a code seen over someone's shoulder cannot be used again.
    add column totp_last_step bigint;

-- One-time recovery codes, for a lost phone. Only their SHA-256 is kept: they are long random
-- codes, so a fast hash is enough.
create table staff_recovery_code (
    account_id bigint      not null references staff_account (id) on delete cascade,
    code_hash  bytea       not null,
    used_at    timestamptz,
    primary key (account_id, code_hash)
);

-- A sign-in whose password was right and which waits for its code. The form carries a random
-- token; only its SHA-256 is stored.
create table staff_sign_in_challenge (
    token_hash bytea       primary key,
    account_id bigint      not null references staff_account (id) on delete cascade,
    expires_at timestamptz not null
);

create index staff_sign_in_challenge_account on staff_sign_in_challenge (account_id);

-- Successful sign-ins, shown to their owner under "Mein Konto": when, and a coarse description
-- of the device ("Firefox unter Windows"). Neither the IP address nor the full user agent is kept.
create table staff_sign_in (
    id         bigint      generated always as identity primary key,
    account_id bigint      not null references staff_account (id) on delete cascade,
    at         timestamptz not null default now(),
    device     text        not null check (length(device) <= 80)
);

create index staff_sign_in_account on staff_sign_in (account_id, at desc);

-- Which sign-in started a session, so that the list can say which ones are still signed in.
alter table staff_session
    add column sign_in_id bigint references staff_sign_in (id) on delete cascade;
