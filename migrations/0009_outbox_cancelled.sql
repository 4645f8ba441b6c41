-- An office email that is no longer wanted (its inquiry was marked as spam before it went out)
-- is kept with its history but never sent.
alter table mail_outbox drop constraint mail_outbox_state_check;
alter table mail_outbox add constraint mail_outbox_state_check
    check (state in ('pending', 'sent', 'failed', 'cancelled'));
