//! The organisation facts: the association's details that change over the years (address,
//! phone, contact person, chairs, legal notice details). Stored as data, shown everywhere.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgExecutor;
use sqlx::PgPool;
use sqlx::types::Json;

use crate::content::diff::{self, Run};
use crate::i18n::berlin_date_time;
use crate::input::{EmailAddress, FieldError, PhoneNumber, SingleLine, mailto_uri, parse_date};
use crate::staff::activity::{self, ActivityKind, Actor, Change, Subject};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationFacts {
    pub legal_name: String,
    pub short_name: String,
    pub care_of: Option<String>,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub contact_person: Option<String>,
    pub chairs: Vec<String>,
    pub represented_by: Option<String>,
    pub register_court: Option<String>,
    pub register_number: Option<String>,
    pub content_responsible: Option<String>,
    // The accessibility statement's (facts saved before they existed read as unset).
    #[serde(default)]
    pub accessibility_made_on: Option<NaiveDate>,
    #[serde(default)]
    pub accessibility_reviewed_on: Option<NaiveDate>,
    /// The arbitration body (Schlichtungsstelle) for complaints about barriers.
    #[serde(default)]
    pub arbitration_body: Option<String>,
    #[serde(default)]
    pub arbitration_address: Vec<String>,
    #[serde(default)]
    pub arbitration_phone: Option<String>,
    #[serde(default)]
    pub arbitration_email: Option<String>,
}

impl OrganisationFacts {
    /// The phone number as a `tel:` URI in international form, as phones dial it.
    /// German numbers written with a leading 0 get the country code +49.
    pub fn phone_uri(&self) -> Option<String> {
        self.phone.as_deref().map(tel_uri)
    }

    /// The email address as a `mailto:` link.
    pub fn email_uri(&self) -> Option<String> {
        self.email
            .as_deref()
            .map(|email| mailto_uri(email, None, None))
    }

    pub fn arbitration_phone_uri(&self) -> Option<String> {
        self.arbitration_phone.as_deref().map(tel_uri)
    }

    pub fn arbitration_email_uri(&self) -> Option<String> {
        self.arbitration_email
            .as_deref()
            .map(|email| mailto_uri(email, None, None))
    }

    /// The legal notice details (§ 5 DDG) that are not set yet.
    pub fn missing_legal_notice_details(&self) -> Vec<Fact> {
        let form = FactsForm::of(self);
        Fact::ALL
            .into_iter()
            .filter(|fact| fact.belongs_in_legal_notice() && form.value(*fact).trim().is_empty())
            .collect()
    }
}

/// Every fact, by the name of its field in the staff area's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    LegalName,
    ShortName,
    CareOf,
    Street,
    PostalCode,
    City,
    Phone,
    Email,
    ContactPerson,
    Chairs,
    RepresentedBy,
    RegisterCourt,
    RegisterNumber,
    ContentResponsible,
    AccessibilityMadeOn,
    AccessibilityReviewedOn,
    ArbitrationBody,
    ArbitrationAddress,
    ArbitrationPhone,
    ArbitrationEmail,
}

impl Fact {
    pub const ALL: [Fact; 20] = [
        Fact::LegalName,
        Fact::ShortName,
        Fact::CareOf,
        Fact::Street,
        Fact::PostalCode,
        Fact::City,
        Fact::Phone,
        Fact::Email,
        Fact::ContactPerson,
        Fact::Chairs,
        Fact::RepresentedBy,
        Fact::RegisterCourt,
        Fact::RegisterNumber,
        Fact::ContentResponsible,
        Fact::AccessibilityMadeOn,
        Fact::AccessibilityReviewedOn,
        Fact::ArbitrationBody,
        Fact::ArbitrationAddress,
        Fact::ArbitrationPhone,
        Fact::ArbitrationEmail,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Fact::LegalName => "legal_name",
            Fact::ShortName => "short_name",
            Fact::CareOf => "care_of",
            Fact::Street => "street",
            Fact::PostalCode => "postal_code",
            Fact::City => "city",
            Fact::Phone => "phone",
            Fact::Email => "email",
            Fact::ContactPerson => "contact_person",
            Fact::Chairs => "chairs",
            Fact::RepresentedBy => "represented_by",
            Fact::RegisterCourt => "register_court",
            Fact::RegisterNumber => "register_number",
            Fact::ContentResponsible => "content_responsible",
            Fact::AccessibilityMadeOn => "accessibility_made_on",
            Fact::AccessibilityReviewedOn => "accessibility_reviewed_on",
            Fact::ArbitrationBody => "arbitration_body",
            Fact::ArbitrationAddress => "arbitration_address",
            Fact::ArbitrationPhone => "arbitration_phone",
            Fact::ArbitrationEmail => "arbitration_email",
        }
    }

    /// As the staff area names it.
    pub fn label(self) -> &'static str {
        match self {
            Fact::LegalName => "Name des Vereins",
            Fact::ShortName => "Kurzname",
            Fact::CareOf => "Zusatz zur Anschrift",
            Fact::Street => "Straße und Hausnummer",
            Fact::PostalCode => "Postleitzahl",
            Fact::City => "Ort",
            Fact::Phone => "Telefon der Geschäftsstelle",
            Fact::Email => "E-Mail der Geschäftsstelle",
            Fact::ContactPerson => "Ansprechperson für die Mitgliedschaft",
            Fact::Chairs => "Vorsitz",
            Fact::RepresentedBy => "Vertretungsberechtigter Vorstand",
            Fact::RegisterCourt => "Registergericht",
            Fact::RegisterNumber => "Registernummer",
            Fact::ContentResponsible => "Verantwortlich für den Inhalt (§ 18 Abs. 2 MStV)",
            Fact::AccessibilityMadeOn => "Erklärung zur Barrierefreiheit erstellt am",
            Fact::AccessibilityReviewedOn => "Erklärung zur Barrierefreiheit zuletzt geprüft am",
            Fact::ArbitrationBody => "Schlichtungsstelle",
            Fact::ArbitrationAddress => "Anschrift der Schlichtungsstelle",
            Fact::ArbitrationPhone => "Telefon der Schlichtungsstelle",
            Fact::ArbitrationEmail => "E-Mail der Schlichtungsstelle",
        }
    }

    /// Needed for a complete legal notice (§ 5 DDG), though the site works without it.
    pub fn belongs_in_legal_notice(self) -> bool {
        matches!(
            self,
            Fact::Phone
                | Fact::Email
                | Fact::RepresentedBy
                | Fact::RegisterCourt
                | Fact::RegisterNumber
                | Fact::ContentResponsible
        )
    }

    pub fn is_required(self) -> bool {
        matches!(
            self,
            Fact::LegalName | Fact::ShortName | Fact::Street | Fact::PostalCode | Fact::City
        )
    }

    fn max_length(self) -> usize {
        match self {
            Fact::ShortName | Fact::PostalCode => 40,
            Fact::RegisterNumber | Fact::Phone => 100,
            Fact::RepresentedBy | Fact::ContentResponsible => 500,
            Fact::ArbitrationPhone => 100,
            _ => 200,
        }
    }
}

/// The facts as typed into the staff area's form (one field per [`Fact`], named by
/// `Fact::name`); the chairs one per line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct FactsForm {
    pub legal_name: String,
    pub short_name: String,
    pub care_of: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub phone: String,
    pub email: String,
    pub contact_person: String,
    pub chairs: String,
    pub represented_by: String,
    pub register_court: String,
    pub register_number: String,
    pub content_responsible: String,
    pub accessibility_made_on: String,
    pub accessibility_reviewed_on: String,
    pub arbitration_body: String,
    pub arbitration_address: String,
    pub arbitration_phone: String,
    pub arbitration_email: String,
}

impl FactsForm {
    /// The form filled with the stored facts.
    pub fn of(facts: &OrganisationFacts) -> Self {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let day = |value: Option<NaiveDate>| value.map(|day| day.to_string()).unwrap_or_default();
        Self {
            legal_name: facts.legal_name.clone(),
            short_name: facts.short_name.clone(),
            care_of: text(&facts.care_of),
            street: facts.street.clone(),
            postal_code: facts.postal_code.clone(),
            city: facts.city.clone(),
            phone: text(&facts.phone),
            email: text(&facts.email),
            contact_person: text(&facts.contact_person),
            chairs: facts.chairs.join("\n"),
            represented_by: text(&facts.represented_by),
            register_court: text(&facts.register_court),
            register_number: text(&facts.register_number),
            content_responsible: text(&facts.content_responsible),
            accessibility_made_on: day(facts.accessibility_made_on),
            accessibility_reviewed_on: day(facts.accessibility_reviewed_on),
            arbitration_body: text(&facts.arbitration_body),
            arbitration_address: facts.arbitration_address.join("\n"),
            arbitration_phone: text(&facts.arbitration_phone),
            arbitration_email: text(&facts.arbitration_email),
        }
    }

    pub fn value(&self, fact: Fact) -> &str {
        match fact {
            Fact::LegalName => &self.legal_name,
            Fact::ShortName => &self.short_name,
            Fact::CareOf => &self.care_of,
            Fact::Street => &self.street,
            Fact::PostalCode => &self.postal_code,
            Fact::City => &self.city,
            Fact::Phone => &self.phone,
            Fact::Email => &self.email,
            Fact::ContactPerson => &self.contact_person,
            Fact::Chairs => &self.chairs,
            Fact::RepresentedBy => &self.represented_by,
            Fact::RegisterCourt => &self.register_court,
            Fact::RegisterNumber => &self.register_number,
            Fact::ContentResponsible => &self.content_responsible,
            Fact::AccessibilityMadeOn => &self.accessibility_made_on,
            Fact::AccessibilityReviewedOn => &self.accessibility_reviewed_on,
            Fact::ArbitrationBody => &self.arbitration_body,
            Fact::ArbitrationAddress => &self.arbitration_address,
            Fact::ArbitrationPhone => &self.arbitration_phone,
            Fact::ArbitrationEmail => &self.arbitration_email,
        }
    }

    /// `email_required`: the office emails have no other address to go to (no OFFICE_EMAIL).
    pub fn validate(
        &self,
        email_required: bool,
    ) -> Result<OrganisationFacts, Vec<(Fact, FieldError)>> {
        let mut problems = Vec::new();
        let mut line = |fact: Fact| -> Option<String> {
            let value = self.value(fact);
            let parsed = if fact.is_required() {
                SingleLine::parse(value, 1, fact.max_length()).map(Some)
            } else {
                SingleLine::parse_optional(value, fact.max_length())
            };
            match parsed {
                Ok(text) => text.map(|text| text.as_str().to_owned()),
                Err(error) => {
                    problems.push((fact, error));
                    None
                }
            }
        };
        let legal_name = line(Fact::LegalName);
        let short_name = line(Fact::ShortName);
        let care_of = line(Fact::CareOf);
        let street = line(Fact::Street);
        let postal_code = line(Fact::PostalCode);
        let city = line(Fact::City);
        let contact_person = line(Fact::ContactPerson);
        let represented_by = line(Fact::RepresentedBy);
        let register_court = line(Fact::RegisterCourt);
        let register_number = line(Fact::RegisterNumber);
        let content_responsible = line(Fact::ContentResponsible);
        let arbitration_body = line(Fact::ArbitrationBody);
        let mut phone_number = |fact: Fact| {
            PhoneNumber::parse_optional(self.value(fact))
                .map_err(|error| problems.push((fact, error)))
                .ok()
                .flatten()
                .map(|phone| phone.as_str().to_owned())
        };
        let phone = phone_number(Fact::Phone);
        let arbitration_phone = phone_number(Fact::ArbitrationPhone);
        let mut email_address = |fact: Fact, required: bool| {
            let email = self.value(fact);
            if email.trim().is_empty() {
                if required {
                    problems.push((fact, FieldError::Required));
                }
                None
            } else {
                EmailAddress::parse(email)
                    .map_err(|error| problems.push((fact, error)))
                    .ok()
                    .map(|email| email.as_str().to_owned())
            }
        };
        let email = email_address(Fact::Email, email_required);
        let arbitration_email = email_address(Fact::ArbitrationEmail, false);
        let mut lines = |fact: Fact| {
            let mut lines = Vec::new();
            for entry in self
                .value(fact)
                .lines()
                .filter(|entry| !entry.trim().is_empty())
            {
                match SingleLine::parse(entry, 1, fact.max_length()) {
                    Ok(entry) => lines.push(entry.as_str().to_owned()),
                    Err(error) => problems.push((fact, error)),
                }
            }
            lines
        };
        let chairs = lines(Fact::Chairs);
        let arbitration_address = lines(Fact::ArbitrationAddress);
        let mut day = |fact: Fact| {
            let value = self.value(fact);
            if value.trim().is_empty() {
                return None;
            }
            parse_date(value)
                .map_err(|error| problems.push((fact, error)))
                .ok()
        };
        let accessibility_made_on = day(Fact::AccessibilityMadeOn);
        let accessibility_reviewed_on = day(Fact::AccessibilityReviewedOn);
        if let (Some(made), Some(reviewed)) = (accessibility_made_on, accessibility_reviewed_on)
            && reviewed < made
        {
            problems.push((
                Fact::AccessibilityReviewedOn,
                FieldError::ReviewedBeforeMade,
            ));
        }
        match (legal_name, short_name, street, postal_code, city) {
            (Some(legal_name), Some(short_name), Some(street), Some(postal_code), Some(city))
                if problems.is_empty() =>
            {
                Ok(OrganisationFacts {
                    legal_name,
                    short_name,
                    care_of,
                    street,
                    postal_code,
                    city,
                    phone,
                    email,
                    contact_person,
                    chairs,
                    represented_by,
                    register_court,
                    register_number,
                    content_responsible,
                    accessibility_made_on,
                    accessibility_reviewed_on,
                    arbitration_body,
                    arbitration_address,
                    arbitration_phone,
                    arbitration_email,
                })
            }
            _ => Err(problems),
        }
    }
}

fn tel_uri(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if phone.trim_start().starts_with('+') {
        format!("tel:+{digits}")
    } else if let Some(national) = digits.strip_prefix("00") {
        format!("tel:+{national}")
    } else if let Some(national) = digits.strip_prefix('0') {
        format!("tel:+49{national}")
    } else {
        format!("tel:{digits}")
    }
}

/// The stored facts, or `None` before the first start has inserted them.
pub async fn load(db: impl PgExecutor<'_>) -> Result<Option<OrganisationFacts>, sqlx::Error> {
    sqlx::query_as!(
        OrganisationFacts,
        r#"select legal_name, short_name, care_of, street, postal_code, city, phone, email,
                  contact_person, chairs, represented_by, register_court, register_number,
                  content_responsible, accessibility_made_on, accessibility_reviewed_on,
                  arbitration_body, arbitration_address, arbitration_phone, arbitration_email
           from organisation"#
    )
    .fetch_optional(db)
    .await
}

/// Replaces the stored facts, keeping them as a new revision by `actor`. Returns whether
/// anything changed (saving the same facts again makes no revision).
pub async fn save(
    pool: &PgPool,
    facts: &OrganisationFacts,
    actor: &Actor,
) -> Result<bool, sqlx::Error> {
    store_revision(pool, facts, actor, ActivityKind::FactsSaved, "").await
}

async fn store_revision(
    pool: &PgPool,
    facts: &OrganisationFacts,
    actor: &Actor,
    kind: ActivityKind,
    detail: &str,
) -> Result<bool, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let current = sqlx::query_scalar!("select true from organisation for update")
        .fetch_optional(&mut *transaction)
        .await?;
    let before = load(&mut *transaction).await?;
    if current.is_some() && before.as_ref() == Some(facts) {
        return Ok(false);
    }
    store(&mut *transaction, facts, true).await?;
    sqlx::query!(
        r#"insert into organisation_revision (facts, written_at, account_id, author)
           values ($1, now(), $2, $3)"#,
        Json(facts) as _,
        actor.account_id,
        actor.name,
    )
    .execute(&mut *transaction)
    .await?;
    let changed: Vec<&str> = before
        .map(|before| changed_facts(&before, facts))
        .unwrap_or_default()
        .into_iter()
        .map(Fact::label)
        .collect();
    let detail = if detail.is_empty() {
        changed.join(", ")
    } else {
        detail.to_owned()
    };
    activity::record(
        &mut *transaction,
        actor,
        Change {
            kind,
            subject: Subject::Facts,
            subject_label: "Vereinsdaten",
            detail: &detail,
        },
    )
    .await?;
    transaction.commit().await?;
    Ok(true)
}

/// The facts whose values differ.
pub fn changed_facts(before: &OrganisationFacts, after: &OrganisationFacts) -> Vec<Fact> {
    let (before, after) = (FactsForm::of(before), FactsForm::of(after));
    Fact::ALL
        .into_iter()
        .filter(|fact| before.value(*fact) != after.value(*fact))
        .collect()
}

/// What a revision changed in one fact, word by word.
pub struct FactChange {
    pub fact: Fact,
    pub runs: Vec<Run>,
}

/// What `after` changed against `before`, fact by fact; every fact when there is no `before`.
pub fn fact_changes(
    before: Option<&OrganisationFacts>,
    after: &OrganisationFacts,
) -> Vec<FactChange> {
    let after_form = FactsForm::of(after);
    let before_form = before.map(FactsForm::of).unwrap_or_default();
    Fact::ALL
        .into_iter()
        .filter_map(|fact| {
            let runs = diff::words(before_form.value(fact), after_form.value(fact));
            diff::changed(&runs).then_some(FactChange { fact, runs })
        })
        .collect()
}

/// The facts as they were at some point, with who saved them and when.
#[derive(Debug, Clone)]
pub struct FactsRevision {
    pub id: i64,
    pub facts: OrganisationFacts,
    /// `None` for the facts from before revisions were kept.
    pub written_at: Option<DateTime<Utc>>,
    pub author: String,
}

impl FactsRevision {
    pub fn written_in_hannover(&self) -> String {
        self.written_at
            .map_or_else(|| "ursprüngliche Fassung".to_owned(), berlin_date_time)
    }

    /// "Fassung vom 1.7.2026, 10:30 Uhr", or for the text from before revisions were kept,
    /// "ursprüngliche Fassung".
    pub fn describe(&self) -> String {
        match self.written_at {
            Some(at) => format!("Fassung vom {}", berlin_date_time(at)),
            None => "ursprüngliche Fassung".to_owned(),
        }
    }

    pub fn author_or_unknown(&self) -> &str {
        if self.author.is_empty() {
            "–"
        } else {
            &self.author
        }
    }
}

/// Every revision of the facts, newest (the current facts) first.
pub async fn revisions(pool: &PgPool) -> Result<Vec<FactsRevision>, sqlx::Error> {
    select_revisions(pool, None, i64::MAX).await
}

/// Revision `id`, and the one before it.
pub async fn revision(
    pool: &PgPool,
    id: i64,
) -> Result<Option<(FactsRevision, Option<FactsRevision>)>, sqlx::Error> {
    let mut both = select_revisions(pool, Some(id), 2).await?;
    if both.first().is_none_or(|revision| revision.id != id) {
        return Ok(None);
    }
    let previous = (both.len() == 2).then(|| both.remove(1));
    Ok(Some((both.remove(0), previous)))
}

async fn select_revisions(
    pool: &PgPool,
    up_to: Option<i64>,
    limit: i64,
) -> Result<Vec<FactsRevision>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select id, facts as "facts: Json<OrganisationFacts>", written_at, author
           from organisation_revision
           where ($1::bigint is null or id <= $1)
           order by id desc
           limit $2"#,
        up_to,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| FactsRevision {
            id: row.id,
            facts: row.facts.0,
            written_at: row.written_at,
            author: row.author,
        })
        .collect())
}

/// Makes revision `id` the current facts again, as a new revision. Returns `None` if there is
/// no such revision.
pub async fn restore(pool: &PgPool, id: i64, actor: &Actor) -> Result<Option<bool>, sqlx::Error> {
    let Some((old, _)) = revision(pool, id).await? else {
        return Ok(None);
    };
    let detail = old.describe();
    store_revision(
        pool,
        &old.facts,
        actor,
        ActivityKind::FactsRestored,
        &detail,
    )
    .await
    .map(Some)
}

/// Keeps the current facts as the first revision if there is none yet.
pub async fn keep_first_revision(db: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    let inserted = sqlx::query!(
        r#"insert into organisation_revision (facts)
           select to_jsonb(o) - 'singleton' - 'updated_at' from organisation o
           where not exists (select from organisation_revision)"#
    )
    .execute(db)
    .await?;
    Ok(inserted.rows_affected())
}

/// Stores `facts` if no facts are stored yet; stored facts are never overwritten.
pub async fn insert_if_missing(
    db: impl PgExecutor<'_>,
    facts: &OrganisationFacts,
) -> Result<bool, sqlx::Error> {
    store(db, facts, false).await
}

/// Writes the one row of facts, replacing a stored row only if `overwrite`. Returns whether
/// anything was written.
async fn store(
    db: impl PgExecutor<'_>,
    facts: &OrganisationFacts,
    overwrite: bool,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        r#"insert into organisation (legal_name, short_name, care_of, street, postal_code, city,
                                     phone, email, contact_person, chairs, represented_by,
                                     register_court, register_number, content_responsible,
                                     accessibility_made_on, accessibility_reviewed_on,
                                     arbitration_body, arbitration_address, arbitration_phone,
                                     arbitration_email)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $16, $17, $18,
                   $19, $20, $21)
           on conflict (singleton) do update
               set legal_name = excluded.legal_name, short_name = excluded.short_name,
                   care_of = excluded.care_of, street = excluded.street,
                   postal_code = excluded.postal_code, city = excluded.city,
                   phone = excluded.phone, email = excluded.email,
                   contact_person = excluded.contact_person, chairs = excluded.chairs,
                   represented_by = excluded.represented_by,
                   register_court = excluded.register_court,
                   register_number = excluded.register_number,
                   content_responsible = excluded.content_responsible,
                   accessibility_made_on = excluded.accessibility_made_on,
                   accessibility_reviewed_on = excluded.accessibility_reviewed_on,
                   arbitration_body = excluded.arbitration_body,
                   arbitration_address = excluded.arbitration_address,
                   arbitration_phone = excluded.arbitration_phone,
                   arbitration_email = excluded.arbitration_email
               where $15"#,
        facts.legal_name,
        facts.short_name,
        facts.care_of,
        facts.street,
        facts.postal_code,
        facts.city,
        facts.phone,
        facts.email,
        facts.contact_person,
        &facts.chairs,
        facts.represented_by,
        facts.register_court,
        facts.register_number,
        facts.content_responsible,
        overwrite,
        facts.accessibility_made_on,
        facts.accessibility_reviewed_on,
        facts.arbitration_body,
        &facts.arbitration_address,
        facts.arbitration_phone,
        facts.arbitration_email,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> OrganisationFacts {
        OrganisationFacts {
            legal_name: "Verein e.V.".into(),
            short_name: "V".into(),
            care_of: None,
            street: "Straße 1".into(),
            postal_code: "30169".into(),
            city: "Hannover".into(),
            phone: Some("0511 1".into()),
            email: Some("info@verein.de".into()),
            contact_person: None,
            chairs: vec!["Stadt A".into(), "Stadt B".into()],
            represented_by: None,
            register_court: None,
            register_number: None,
            content_responsible: None,
            accessibility_made_on: NaiveDate::from_ymd_opt(2026, 12, 1),
            accessibility_reviewed_on: NaiveDate::from_ymd_opt(2027, 3, 2),
            arbitration_body: Some("Schlichtungsstelle".into()),
            arbitration_address: vec!["Platz 2".into(), "30159 Hannover".into()],
            arbitration_phone: Some("0511 2".into()),
            arbitration_email: Some("schlichtung@land.de".into()),
        }
    }

    #[test]
    fn facts_survive_the_form_unchanged() {
        assert_eq!(FactsForm::of(&facts()).validate(true), Ok(facts()));
    }

    #[test]
    fn every_fact_is_sent_under_its_name() {
        let query: Vec<String> = Fact::ALL
            .iter()
            .map(|fact| format!("{}={}", fact.name(), fact.name()))
            .collect();
        let form: FactsForm = serde_urlencoded::from_str(&query.join("&")).unwrap();
        for fact in Fact::ALL {
            assert_eq!(form.value(fact), fact.name());
        }
    }

    #[test]
    fn a_review_cannot_come_before_the_statement_was_made() {
        let mut input = FactsForm::of(&facts());
        input.accessibility_reviewed_on = "2026-11-30".into();
        assert_eq!(
            input.validate(true).unwrap_err(),
            vec![(
                Fact::AccessibilityReviewedOn,
                FieldError::ReviewedBeforeMade
            )]
        );
        input.accessibility_reviewed_on = "30.11.2026".into();
        assert_eq!(
            input.validate(true).unwrap_err(),
            vec![(Fact::AccessibilityReviewedOn, FieldError::InvalidDate)]
        );
    }

    #[test]
    fn facts_saved_before_the_accessibility_facts_existed_still_read() {
        let mut old = serde_json::to_value(facts()).unwrap();
        let fields = old.as_object_mut().unwrap();
        fields.retain(|name, _| {
            !name.starts_with("accessibility") && !name.starts_with("arbitration")
        });
        let read: OrganisationFacts = serde_json::from_value(old).unwrap();
        assert_eq!(read.arbitration_address, Vec::<String>::new());
        assert_eq!(read.accessibility_made_on, None);
    }

    #[test]
    fn the_email_is_required_when_the_office_emails_go_to_it() {
        let mut input = FactsForm::of(&facts());
        input.email.clear();
        assert_eq!(
            input.validate(true).unwrap_err(),
            vec![(Fact::Email, FieldError::Required)]
        );
        assert_eq!(input.validate(false).map(|facts| facts.email), Ok(None));
    }

    #[test]
    fn the_form_reports_each_bad_fact() {
        let input = FactsForm {
            city: String::new(),
            email: "kaputt".into(),
            chairs: "Stadt A\n\n  \nStadt\u{0}B".into(),
            ..FactsForm::of(&facts())
        };
        assert_eq!(
            input.validate(false).unwrap_err(),
            vec![
                (Fact::City, FieldError::Required),
                (Fact::Email, FieldError::InvalidEmail),
                (Fact::Chairs, FieldError::ControlCharacter),
            ]
        );
    }

    #[test]
    fn german_numbers_get_the_country_code() {
        assert_eq!(tel_uri("0511 120-5262"), "tel:+495111205262");
    }

    #[test]
    fn international_numbers_keep_theirs() {
        assert_eq!(tel_uri("+33 1 40 64 49 00"), "tel:+33140644900");
        assert_eq!(tel_uri("0033 1 40 64 49 00"), "tel:+33140644900");
    }
}
