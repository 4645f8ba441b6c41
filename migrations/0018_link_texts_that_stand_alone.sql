-- Link texts that make sense on their own (WCAG 2.4.4, and what search engines read): the
-- default texts linked "efus.eu" and "lfd.niedersachsen.de". Only that link text is replaced, and only where it is still
-- as the defaults wrote it; everything else staff wrote stays as it is.
update page set body_markdown = replace(body_markdown, '[efus.eu](https://efus.eu)', '[Website des Europäischen Forums für Urbane Sicherheit](https://efus.eu)')
    where page_key = 'efus' and locale = 'de' and body_markdown like '%[efus.eu](https://efus.eu)%';
update page set body_markdown = replace(body_markdown, '[efus.eu](https://efus.eu)', '[Website von EFUS](https://efus.eu)')
    where page_key = 'membership' and locale = 'de' and body_markdown like '%[efus.eu](https://efus.eu)%';
update page set body_markdown = replace(body_markdown, '[efus.eu](https://efus.eu)', '[website of the European Forum for Urban Security](https://efus.eu)')
    where page_key = 'efus' and locale = 'en' and body_markdown like '%[efus.eu](https://efus.eu)%';
update page set body_markdown = replace(body_markdown, '[efus.eu](https://efus.eu)', '[the EFUS website](https://efus.eu)')
    where page_key = 'membership' and locale = 'en' and body_markdown like '%[efus.eu](https://efus.eu)%';
update page set body_markdown = replace(body_markdown, '[lfd.niedersachsen.de](https://www.lfd.niedersachsen.de)', '[Website der Landesbeauftragten für den Datenschutz](https://www.lfd.niedersachsen.de)')
    where page_key = 'privacy' and locale = 'de' and body_markdown like '%[lfd.niedersachsen.de](https://www.lfd.niedersachsen.de)%';
update page set body_markdown = replace(body_markdown, '[lfd.niedersachsen.de](https://www.lfd.niedersachsen.de)', '[website of the State Commissioner for Data Protection](https://www.lfd.niedersachsen.de)')
    where page_key = 'privacy' and locale = 'en' and body_markdown like '%[lfd.niedersachsen.de](https://www.lfd.niedersachsen.de)%';
