//! The organisation facts: the association's details that change over the years (address,
//! phone, contact person, chairs, legal notice details). Stored as data, shown everywhere.

use serde::Deserialize;
use sqlx::PgExecutor;

use crate::input::{EmailAddress, FieldError, PhoneNumber, SingleLine, mailto_uri};

#[derive(Debug, Clone, PartialEq, Eq)]
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
}

impl OrganisationFacts {
    /// The phone number as a `tel:` URI in international form, as phones dial it.
    /// German numbers written with a leading 0 get the country code +49.
    pub fn phone_uri(&self) -> Option<String> {
        self.phone.as_deref().map(tel_uri)
    }

    /// The email address as a `mailto:` link.
    pub fn email_uri(&self) -> Option<String> {
        self.email.as_deref().map(|email| mailto_uri(email, None))
    }

    /// The legal notice details (§ 5 DDG) that are not set yet, by their English names.
    pub fn missing_legal_notice_details(&self) -> Vec<&'static str> {
        [
            ("phone", &self.phone),
            ("email", &self.email),
            ("represented_by", &self.represented_by),
            ("register_court", &self.register_court),
            ("register_number", &self.register_number),
            ("content_responsible", &self.content_responsible),
        ]
        .into_iter()
        .filter(|(_, value)| value.as_deref().is_none_or(|text| text.trim().is_empty()))
        .map(|(name, _)| name)
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
}

impl Fact {
    pub const ALL: [Fact; 14] = [
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
        }
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
}

impl FactsForm {
    /// The form filled with the stored facts.
    pub fn of(facts: &OrganisationFacts) -> Self {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
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
        let phone = PhoneNumber::parse_optional(self.value(Fact::Phone))
            .map_err(|error| problems.push((Fact::Phone, error)))
            .ok()
            .flatten()
            .map(|phone| phone.as_str().to_owned());
        let email = self.value(Fact::Email);
        let email = if email.trim().is_empty() {
            if email_required {
                problems.push((Fact::Email, FieldError::Required));
            }
            None
        } else {
            EmailAddress::parse(email)
                .map_err(|error| problems.push((Fact::Email, error)))
                .ok()
                .map(|email| email.as_str().to_owned())
        };
        let mut chairs = Vec::new();
        for chair in self
            .value(Fact::Chairs)
            .lines()
            .filter(|chair| !chair.trim().is_empty())
        {
            match SingleLine::parse(chair, 1, Fact::Chairs.max_length()) {
                Ok(chair) => chairs.push(chair.as_str().to_owned()),
                Err(error) => problems.push((Fact::Chairs, error)),
            }
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
                  content_responsible
           from organisation"#
    )
    .fetch_optional(db)
    .await
}

/// Replaces the stored facts.
pub async fn update(db: impl PgExecutor<'_>, facts: &OrganisationFacts) -> Result<(), sqlx::Error> {
    store(db, facts, true).await.map(|_| ())
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
                                     register_court, register_number, content_responsible)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           on conflict (singleton) do update
               set legal_name = excluded.legal_name, short_name = excluded.short_name,
                   care_of = excluded.care_of, street = excluded.street,
                   postal_code = excluded.postal_code, city = excluded.city,
                   phone = excluded.phone, email = excluded.email,
                   contact_person = excluded.contact_person, chairs = excluded.chairs,
                   represented_by = excluded.represented_by,
                   register_court = excluded.register_court,
                   register_number = excluded.register_number,
                   content_responsible = excluded.content_responsible
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
