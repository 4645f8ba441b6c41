-- Every change to what the public pages show is announced on the channel `content_changed`,
-- whoever makes it (the staff area, psql, another instance of the site). Every running instance
-- listens and renders its pages again (src/web/page_cache.rs). The notification is delivered when
-- the transaction commits; one per statement is enough, as each instance reads everything anew.
create or replace function notify_content_changed() returns trigger as $$
begin
    perform pg_notify('content_changed', tg_table_name);
    return null;
end;
$$ language plpgsql;

create trigger page_notify_content_changed
    after insert or update or delete or truncate on page
    for each statement execute function notify_content_changed();

create trigger organisation_notify_content_changed
    after insert or update or delete or truncate on organisation
    for each statement execute function notify_content_changed();
