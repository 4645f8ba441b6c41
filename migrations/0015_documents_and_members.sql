-- Documents the office publishes (statutes, annual reports, flyers …) and the member cities
-- and organisations.

-- The file itself lives here, so that every instance serves it and a database backup holds it.
-- `slug` is its address without the extension (`/dokumente/satzung-2010.pdf`); it stays when
-- the file is replaced. The bytes are stored uncompressed out of line (PDFs and office files
-- are compressed already), so that a range of a large file is read without reading it all.
create table document (
    id            bigint      generated always as identity primary key,
    slug          text        not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
    title         text        not null check (length(title) between 1 and 200),
    description   text        not null check (length(description) <= 600),
    language      text        not null check (language in ('de', 'en', 'both')),
    published_on  date        not null,
    category      text        not null check (category in
                                  ('satzung', 'jahresbericht', 'flyer', 'erklaerung', 'protokoll', 'sonstiges')),
    format        text        not null check (format in ('pdf', 'odt', 'docx', 'xlsx')),
    -- As it was called on the uploader's computer, for the name a download is saved under.
    file_name     text        not null check (length(file_name) between 1 and 255),
    size          bigint      not null check (size > 0),
    sha256        text        not null check (sha256 ~ '^[0-9a-f]{64}$'),
    bytes         bytea       not null,
    updated_at    timestamptz not null default now(),
    updated_by    text        not null default ''
);
alter table document alter column bytes set storage external;

create trigger document_updated_at before update on document
    for each row execute function set_updated_at();

create table member (
    id            bigint      generated always as identity primary key,
    name          text        not null check (length(name) between 1 and 200),
    kind          text        not null check (kind in ('city', 'organisation')),
    federal_state text        not null check (federal_state in
                                  ('bw', 'by', 'be', 'bb', 'hb', 'hh', 'he', 'mv',
                                   'ni', 'nw', 'rp', 'sl', 'sn', 'st', 'sh', 'th')),
    member_since  integer     check (member_since between 1990 and 2200),
    website       text        not null default '',
    founding      boolean     not null default false,
    -- Where its marker goes on the map: found by name in the gazetteer or set by hand; none
    -- for an organisation without a place of its own on the map.
    place         text        not null default '',
    latitude      double precision check (latitude between 47 and 55.2),
    longitude     double precision check (longitude between 5.8 and 15.1),
    check ((latitude is null) = (longitude is null)),
    updated_at    timestamptz not null default now(),
    updated_by    text        not null default ''
);

create trigger member_updated_at before update on member
    for each row execute function set_updated_at();

-- The public pages show these tables: every change reaches every instance (see 0010).
create trigger document_notify_content_changed
    after insert or update or delete or truncate on document
    for each statement execute function notify_content_changed();

create trigger member_notify_content_changed
    after insert or update or delete or truncate on member
    for each statement execute function notify_content_changed();

-- A new installation starts with the founding members of 10 May 2010; staff keep the list
-- current from here. (Data in a migration runs once: members deleted later stay deleted.)
insert into member (name, kind, federal_state, member_since, website, founding, place, latitude, longitude, updated_by) values
    ('Augsburg',   'city', 'by', 2010, 'https://www.augsburg.de',   true, 'Augsburg',   48.3715, 10.8985, 'Einrichtung'),
    ('Heidelberg', 'city', 'bw', 2010, 'https://www.heidelberg.de', true, 'Heidelberg', 49.4077,  8.6908, 'Einrichtung'),
    ('Leer',       'city', 'ni', 2010, 'https://www.leer.de',       true, 'Leer',       53.2316,  7.4610, 'Einrichtung'),
    ('Mannheim',   'city', 'bw', 2010, 'https://www.mannheim.de',   true, 'Mannheim',   49.4891,  8.4669, 'Einrichtung'),
    ('München',    'city', 'by', 2010, 'https://stadt.muenchen.de', true, 'München',    48.1374, 11.5755, 'Einrichtung'),
    ('Oldenburg',  'city', 'ni', 2010, 'https://www.oldenburg.de',  true, 'Oldenburg',  53.1404,  8.2148, 'Einrichtung'),
    ('Stuttgart',  'city', 'bw', 2010, 'https://www.stuttgart.de',  true, 'Stuttgart',  48.7823,  9.1770, 'Einrichtung'),
    ('Deutscher Präventionstag', 'organisation', 'ni', 2010, 'https://www.praeventionstag.de', true, '', null, null, 'Einrichtung'),
    ('Landespräventionsrat Niedersachsen', 'organisation', 'ni', 2010, 'https://www.lpr.niedersachsen.de', true, '', null, null, 'Einrichtung');
