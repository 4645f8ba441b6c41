-- What Lower Saxony's accessibility law asks the accessibility statement to say and that ages:
-- when the statement was made and last reviewed, and the arbitration body (Schlichtungsstelle)
-- people can turn to. Facts like the office's address, so staff keep them current.
alter table organisation
    add column accessibility_made_on     date,
    add column accessibility_reviewed_on date,
    add column arbitration_body          text,
    -- One line each, as on an envelope.
    add column arbitration_address       text[] not null default '{}',
    add column arbitration_phone         text,
    add column arbitration_email         text,
    add constraint accessibility_reviewed_after_made
        check (accessibility_reviewed_on >= accessibility_made_on);

-- An installation that has its facts already gets the statement's first date and the body
-- responsible for DEFUS's seat in Hannover; staff correct them in the staff area.
update organisation set
    accessibility_made_on = date '2026-12-01',
    accessibility_reviewed_on = date '2026-12-01',
    arbitration_body = 'Schlichtungsstelle bei der Landesbeauftragten für Menschen mit Behinderungen Niedersachsen',
    arbitration_address = array['Hannah-Arendt-Platz 2', '30159 Hannover'],
    arbitration_email = 'schlichtungsstelle@ms.niedersachsen.de';
