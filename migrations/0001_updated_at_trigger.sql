-- Keeps an `updated_at` column current on every update, whoever makes it (the site, the staff
-- area, or someone with psql), so "last updated" dates on the pages never lie.
create or replace function set_updated_at() returns trigger as $$
begin
    new.updated_at := now();
    return new;
end;
$$ language plpgsql;
