//! The organisation facts: the association's details that change over the years (address,
//! phone, contact person, chairs, legal notice details). Stored as data, shown everywhere.

use sqlx::PgExecutor;

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

/// Stores `facts` if no facts are stored yet; stored facts are never overwritten.
pub async fn insert_if_missing(
    db: impl PgExecutor<'_>,
    facts: &OrganisationFacts,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        r#"insert into organisation (legal_name, short_name, care_of, street, postal_code, city,
                                     phone, email, contact_person, chairs, represented_by,
                                     register_court, register_number, content_responsible)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           on conflict (singleton) do nothing"#,
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
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::tel_uri;

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
