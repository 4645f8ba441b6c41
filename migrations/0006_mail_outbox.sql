-- Emails to the office waiting to be sent, written in the same transaction as the inquiry, so
-- that an inquiry the site has accepted always has its email on the way.
create table mail_outbox (
    id              bigint      generated always as identity primary key,
    inquiry_id      bigint      not null references inquiry (id) on delete cascade,
    state           text        not null default 'pending'
                                check (state in ('pending', 'sent', 'failed')),
    attempts        integer     not null default 0 check (attempts >= 0),
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    sent_at         timestamptz,
    created_at      timestamptz not null default now()
);

-- The delivery worker looks only at pending rows that are due.
create index mail_outbox_due on mail_outbox (next_attempt_at) where state = 'pending';
create index mail_outbox_inquiry on mail_outbox (inquiry_id);

-- Every delivery attempt, successful or not, for the staff area's delivery history.
create table mail_attempt (
    id           bigint      generated always as identity primary key,
    outbox_id    bigint      not null references mail_outbox (id) on delete cascade,
    attempted_at timestamptz not null default now(),
    error        text
);

create index mail_attempt_outbox on mail_attempt (outbox_id);
