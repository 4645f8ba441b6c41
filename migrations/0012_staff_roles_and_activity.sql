-- Roles of staff accounts: `admin` (Verwaltung) may add, lock, unlock colleagues and reset their
-- passwords in the browser; `editor` (Redaktion) does everything else. A name, so that the
-- activity log and the versions say who, in words the office uses.
alter table staff_account
    add column role text not null default 'editor' check (role in ('admin', 'editor')),
    add column name text not null default '' check (length(name) <= 120);

-- Accounts made before roles existed were made by whoever runs the server: they manage the rest.
update staff_account set role = 'admin';

-- Every change made in the staff area: who, when, what. `actor` keeps the name (or address) of
-- the account at that time, so the entry still says who after the account is deleted.
-- `subject` names what was changed in a form the code reads back (`inquiry:42`, `page:goals:de`,
-- `facts`, `account:7`), `subject_label` says it in words. No entry holds personal data of a
-- person who sent an inquiry: erasing that person's data leaves the log as it is.
create table activity (
    id            bigint      generated always as identity primary key,
    at            timestamptz not null default now(),
    account_id    bigint      references staff_account (id) on delete set null,
    actor         text        not null,
    kind          text        not null,
    subject       text        not null,
    subject_label text        not null,
    detail        text        not null default ''
);

create index activity_at on activity (at desc, id desc);
create index activity_subject on activity (subject, at desc);
create index activity_account on activity (account_id, at desc);

-- Notes the office keeps on an inquiry; deleted with it.
create table inquiry_note (
    id         bigint      generated always as identity primary key,
    inquiry_id bigint      not null references inquiry (id) on delete cascade,
    written_at timestamptz not null default now(),
    account_id bigint      references staff_account (id) on delete set null,
    author     text        not null,
    text       text        not null check (length(text) between 1 and 4000)
);

create index inquiry_note_inquiry on inquiry_note (inquiry_id, written_at);

-- Who in the office takes care of an inquiry.
alter table inquiry
    add column assigned_to bigint references staff_account (id) on delete set null;
