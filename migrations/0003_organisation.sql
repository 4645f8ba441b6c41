-- The association's facts that age: address, phone, email, contact person, chairs and the
-- details of the legal notice. Exactly one row; every page, the footer and the office emails
-- read it. A null column means "not known yet": the pages leave it out instead of guessing.
create table organisation (
    singleton           boolean     primary key default true check (singleton),
    legal_name          text        not null check (length(legal_name) between 1 and 200),
    short_name          text        not null check (length(short_name) between 1 and 40),
    care_of             text,
    street              text        not null,
    postal_code         text        not null,
    city                text        not null,
    phone               text,
    email               text,
    contact_person      text,
    -- One entry per chair, shown as a list on the history page.
    chairs              text[]      not null default '{}',
    -- The board members who represent the association by law, for the legal notice.
    represented_by      text,
    register_court      text,
    register_number     text,
    content_responsible text,
    updated_at          timestamptz not null default now()
);

create trigger organisation_set_updated_at
    before update on organisation
    for each row execute function set_updated_at();
