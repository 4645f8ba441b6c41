//! The content a new installation starts with, written from the association's own description.
//! It is inserted at start-up where rows are missing; rows that exist are never touched, so edits
//! made by staff survive every restart and every update of this file.

use chrono::NaiveDate;
use sqlx::PgPool;

use crate::content::facts::{self, OrganisationFacts};
use crate::content::history;
use crate::content::page::{self, PageKey};
use crate::i18n::Locale;

struct DefaultPage {
    key: PageKey,
    locale: Locale,
    title: &'static str,
    meta_description: &'static str,
    body_markdown: &'static str,
}

macro_rules! default_page {
    ($key:ident, $locale:ident, $file:literal, $title:literal, $description:literal) => {
        DefaultPage {
            key: PageKey::$key,
            locale: Locale::$locale,
            title: $title,
            meta_description: $description,
            body_markdown: include_str!($file),
        }
    };
}

const PAGES: [DefaultPage; 20] = [
    default_page!(
        Start,
        De,
        "defaults/de/start.md",
        "Sicherheit in der Stadt gemeinsam gestalten",
        "DEFUS verbindet deutsche Städte und Gemeinden, die sich für Kriminalprävention und urbane Sicherheit einsetzen – als deutsches Forum von EFUS."
    ),
    default_page!(
        Start,
        En,
        "defaults/en/start.md",
        "Making cities safer, together",
        "DEFUS connects German cities and municipalities working on crime prevention and urban security – as the German forum of EFUS."
    ),
    default_page!(
        Goals,
        De,
        "defaults/de/goals.md",
        "Unsere Ziele",
        "Kommunale Kriminalprävention, Verkehrssicherheit und das Sicherheitsgefühl der Menschen: wofür DEFUS sich einsetzt und warum Kommunen sich vernetzen sollten."
    ),
    default_page!(
        Goals,
        En,
        "defaults/en/goals.md",
        "Our goals",
        "Municipal crime prevention, road safety and people's sense of safety: what DEFUS works for and why municipalities should network."
    ),
    default_page!(
        History,
        De,
        "defaults/de/history.md",
        "Geschichte",
        "DEFUS wurde am 10. Mai 2010 in Berlin gegründet. Gründungsmitglieder, Sitz in Hannover und der derzeitige Vorsitz."
    ),
    default_page!(
        History,
        En,
        "defaults/en/history.md",
        "History",
        "DEFUS was founded in Berlin on 10 May 2010. Its founding members, its seat in Hannover and its current chairs."
    ),
    default_page!(
        Efus,
        De,
        "defaults/de/efus.md",
        "DEFUS und EFUS",
        "DEFUS ist das deutsche Forum im Europäischen Forum für Urbane Sicherheit (EFUS) und öffnet deutschen Kommunen den Weg zu europäischem Wissen und Fördergeldern."
    ),
    default_page!(
        Efus,
        En,
        "defaults/en/efus.md",
        "DEFUS and EFUS",
        "DEFUS is the German forum of the European Forum for Urban Security (EFUS), opening the way to European knowledge and funding for German municipalities."
    ),
    default_page!(
        Membership,
        De,
        "defaults/de/membership.md",
        "Mitgliedschaft",
        "Wie Städte und Gemeinden Mitglied bei DEFUS werden und wer in der Geschäftsstelle Fragen dazu beantwortet."
    ),
    default_page!(
        Membership,
        En,
        "defaults/en/membership.md",
        "Membership",
        "How cities and municipalities become members of DEFUS, and whom to ask at the office."
    ),
    default_page!(
        Contact,
        De,
        "defaults/de/contact.md",
        "Kontakt",
        "Anschrift, Telefon und E-Mail der DEFUS-Geschäftsstelle in Hannover."
    ),
    default_page!(
        Contact,
        En,
        "defaults/en/contact.md",
        "Contact",
        "Postal address, phone and email of the DEFUS office in Hannover."
    ),
    default_page!(
        LegalNotice,
        De,
        "defaults/de/legal-notice.md",
        "Impressum",
        "Anbieterkennzeichnung des Deutsch-Europäischen Forums für Urbane Sicherheit e.V. nach § 5 DDG."
    ),
    default_page!(
        LegalNotice,
        En,
        "defaults/en/legal-notice.md",
        "Legal notice",
        "Provider information for the Deutsch-Europäisches Forum für Urbane Sicherheit e.V. under § 5 DDG."
    ),
    default_page!(
        Privacy,
        De,
        "defaults/de/privacy.md",
        "Datenschutzerklärung",
        "Welche Daten diese Website verarbeitet: keine Cookies, kein Tracking, keine Dienste Dritter – und was mit Mitgliedschaftsanfragen geschieht."
    ),
    default_page!(
        Privacy,
        En,
        "defaults/en/privacy.md",
        "Privacy policy",
        "Which data this website processes: no cookies, no tracking, no third parties – and what happens to membership inquiries."
    ),
    default_page!(
        Accessibility,
        De,
        "defaults/de/accessibility.md",
        "Erklärung zur Barrierefreiheit",
        "Wie barrierefrei diese Website ist und wie Sie uns Barrieren melden können."
    ),
    default_page!(
        Accessibility,
        En,
        "defaults/en/accessibility.md",
        "Accessibility statement",
        "How accessible this website is and how you can report barriers to us."
    ),
    default_page!(
        EasyRead,
        De,
        "defaults/de/easy-read.md",
        "DEFUS in Leichter Sprache",
        "Was ist DEFUS? Was macht DEFUS? Wer kann mitmachen? Hier steht es in Leichter Sprache."
    ),
    default_page!(
        EasyRead,
        En,
        "defaults/en/easy-read.md",
        "DEFUS in plain English",
        "What is DEFUS? What does it do? Who can join? Read it here in plain English."
    ),
];

/// The facts as the association described itself when the site was built. Details of the legal
/// notice that the description does not give stay unset, to be filled in by staff.
fn default_facts() -> OrganisationFacts {
    OrganisationFacts {
        legal_name: "Deutsch-Europäisches Forum für Urbane Sicherheit e.V.".into(),
        short_name: "DEFUS".into(),
        care_of: Some("c/o Deutscher Präventionstag".into()),
        street: "Am Waterlooplatz 5 A".into(),
        postal_code: "30169".into(),
        city: "Hannover".into(),
        phone: Some("0511 120-5262".into()),
        email: Some("defus@defus.org".into()),
        contact_person: Some("Dr. Heinzelmann".into()),
        chairs: vec![
            "Landeshauptstadt Stuttgart".into(),
            "Landeshauptstadt München".into(),
        ],
        represented_by: None,
        register_court: None,
        register_number: None,
        content_responsible: None,
        // The statement as first written for this site, after a self-assessment.
        accessibility_made_on: NaiveDate::from_ymd_opt(2026, 12, 1),
        accessibility_reviewed_on: NaiveDate::from_ymd_opt(2026, 12, 1),
        // The body responsible for the association's seat in Lower Saxony (§ 9 d NBGG).
        arbitration_body: Some(
            "Schlichtungsstelle bei der Landesbeauftragten für Menschen mit Behinderungen Niedersachsen"
                .into(),
        ),
        arbitration_address: vec!["Hannah-Arendt-Platz 2".into(), "30159 Hannover".into()],
        arbitration_phone: None,
        arbitration_email: Some("schlichtungsstelle@ms.niedersachsen.de".into()),
    }
}

/// Inserts every default page text and the default facts that are not stored yet.
pub async fn insert_missing(pool: &PgPool) -> Result<(), sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let mut inserted = 0;
    for page in &PAGES {
        let stored = page::insert_if_missing(
            &mut *transaction,
            page.key,
            page.locale,
            page.title,
            page.meta_description,
            page.body_markdown,
        )
        .await?;
        inserted += usize::from(stored);
    }
    if facts::insert_if_missing(&mut *transaction, &default_facts()).await? {
        tracing::info!("stored the default organisation facts");
    }
    // The texts as they are now are the first revisions, to compare the first edits with.
    history::keep_first_revisions(&mut *transaction).await?;
    facts::keep_first_revision(&mut *transaction).await?;
    transaction.commit().await?;
    if inserted > 0 {
        tracing::info!(pages = inserted, "stored default page texts");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_has_default_texts_in_every_language() {
        for key in PageKey::ALL {
            for locale in Locale::ALL {
                let count = PAGES
                    .iter()
                    .filter(|page| page.key == key && page.locale == locale)
                    .count();
                assert_eq!(count, 1, "{key:?} in {locale:?}");
            }
        }
    }

    #[test]
    fn default_texts_fit_the_table_constraints() {
        for page in &PAGES {
            assert!(
                (1..=200).contains(&page.title.chars().count()),
                "{}",
                page.title
            );
            assert!(
                page.meta_description.chars().count() <= 160,
                "{}",
                page.meta_description
            );
        }
    }
}
