-- Membership inquiries sent through the form on the membership page.
-- No IP address or other client data is stored: only what the visitor typed, the language of
-- the form, and when it arrived.
create table inquiry (
    id             bigint      generated always as identity primary key,
    -- Shown to the visitor and in the office email, e.g. DEFUS-2026-0042.
    reference      text        not null unique,
    organisation   text        not null check (length(organisation) between 2 and 200),
    contact_name   text        not null check (length(contact_name) between 2 and 120),
    role           text                 check (length(role) <= 120),
    email          text        not null check (length(email) <= 254),
    phone          text                 check (length(phone) <= 40),
    efus_member    text        not null check (efus_member in ('yes', 'no', 'pending', 'unknown')),
    message        text                 check (length(message) <= 5000),
    locale         text        not null check (locale in ('de', 'en')),
    -- The random part of the form token the inquiry came with: the same form sent twice
    -- (double click, reload) finds the inquiry it already created instead of making another.
    form_nonce     text        not null unique,
    status         text        not null default 'new'
                               check (status in ('new', 'in_progress', 'done', 'spam')),
    -- Why the site took it for spam (honeypot filled, sent too fast); null for the rest.
    spam_reason    text,
    -- The Message-ID of the email to the office: the same for every attempt and every resend,
    -- so the office's mail program can recognise a message it has seen before.
    message_id     text        not null unique,
    received_at    timestamptz not null default now(),
    updated_at     timestamptz not null default now()
);

create index inquiry_received_at on inquiry (received_at);
create index inquiry_email on inquiry (lower(email));

create trigger inquiry_set_updated_at
    before update on inquiry
    for each row execute function set_updated_at();

-- The last reference number handed out per year; numbers start again at 1 each January.
create table inquiry_reference_counter (
    year        integer primary key,
    last_number integer not null
);
