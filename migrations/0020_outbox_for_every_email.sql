-- The outbox carries every email the site sends, not only the office email about an inquiry:
-- a colleague told of an inquiry assigned to them, the daily reminder of inquiries nobody took
-- up. Those are composed when they are queued and kept as they will be sent (`message`).
alter table mail_outbox
    add column kind text not null default 'office_inquiry'
        check (kind in ('office_inquiry', 'assignment', 'reminder')),
    add column message jsonb,
    -- At most one entry per key: the reminder of one day, queued by whichever instance is first.
    add column once_key text,
    -- Why the last attempt failed, in the words the office is given (`mail::transport`).
    add column last_failure text
        check (last_failure in ('refused', 'deferred', 'unreachable', 'no_answer',
                                'not_addressable', 'other'));

alter table mail_outbox alter column inquiry_id drop not null;
alter table mail_outbox add constraint mail_outbox_what_is_sent check (
    (kind = 'office_inquiry' and inquiry_id is not null and message is null)
    or (kind <> 'office_inquiry' and message is not null)
);
create unique index mail_outbox_once on mail_outbox (once_key) where once_key is not null;

-- Inquiries still new after some working days, looked for once a day.
create index inquiry_new_received on inquiry (received_at) where status = 'new';
