-- When the public content last changed, whoever changed it: every instance dates its pages
-- (`Last-Modified`) from this one moment, so that all instances answer alike for the same page.
-- Row triggers, so that a statement that changes nothing (the default content inserted again
-- at a start) changes nothing here either.
create table content_version (
    singleton  boolean     primary key default true check (singleton),
    changed_at timestamptz not null default now()
);
insert into content_version default values;

create function record_content_change() returns trigger as $$
begin
    update content_version set changed_at = now();
    return null;
end;
$$ language plpgsql;

create trigger page_content_changed after insert or update or delete on page
    for each row execute function record_content_change();
create trigger organisation_content_changed after insert or update or delete on organisation
    for each row execute function record_content_change();
create trigger news_item_content_changed after insert or update or delete on news_item
    for each row execute function record_content_change();
create trigger event_content_changed after insert or update or delete on event
    for each row execute function record_content_change();
create trigger slug_redirect_content_changed after insert or update or delete on slug_redirect
    for each row execute function record_content_change();
create trigger document_content_changed after insert or update or delete on document
    for each row execute function record_content_change();
create trigger member_content_changed after insert or update or delete on member
    for each row execute function record_content_change();
