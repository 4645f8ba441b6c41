//! The country an event takes place in: Germany unless staff choose another. Written out in the
//! visitor's language on the page and in the calendar, and as its ISO 3166-1 code for search
//! engines (`addressCountry`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::i18n::Locale;

/// A country the site knows: its code, and its name in German and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country {
    code: &'static str,
    german: &'static str,
    english: &'static str,
}

/// Germany first, then the countries of Europe where the forum's partners meet, by German name.
pub const COUNTRIES: [Country; 37] = [
    country("DE", "Deutschland", "Germany"),
    country("BE", "Belgien", "Belgium"),
    country("BG", "Bulgarien", "Bulgaria"),
    country("DK", "Dänemark", "Denmark"),
    country("EE", "Estland", "Estonia"),
    country("FI", "Finnland", "Finland"),
    country("FR", "Frankreich", "France"),
    country("GR", "Griechenland", "Greece"),
    country("IE", "Irland", "Ireland"),
    country("IS", "Island", "Iceland"),
    country("IT", "Italien", "Italy"),
    country("HR", "Kroatien", "Croatia"),
    country("LV", "Lettland", "Latvia"),
    country("LI", "Liechtenstein", "Liechtenstein"),
    country("LT", "Litauen", "Lithuania"),
    country("LU", "Luxemburg", "Luxembourg"),
    country("MT", "Malta", "Malta"),
    country("MD", "Moldau", "Moldova"),
    country("ME", "Montenegro", "Montenegro"),
    country("NL", "Niederlande", "Netherlands"),
    country("MK", "Nordmazedonien", "North Macedonia"),
    country("NO", "Norwegen", "Norway"),
    country("AT", "Österreich", "Austria"),
    country("PL", "Polen", "Poland"),
    country("PT", "Portugal", "Portugal"),
    country("RO", "Rumänien", "Romania"),
    country("SE", "Schweden", "Sweden"),
    country("CH", "Schweiz", "Switzerland"),
    country("RS", "Serbien", "Serbia"),
    country("SK", "Slowakei", "Slovakia"),
    country("SI", "Slowenien", "Slovenia"),
    country("ES", "Spanien", "Spain"),
    country("CZ", "Tschechien", "Czechia"),
    country("UA", "Ukraine", "Ukraine"),
    country("HU", "Ungarn", "Hungary"),
    country("GB", "Vereinigtes Königreich", "United Kingdom"),
    country("CY", "Zypern", "Cyprus"),
];

const fn country(code: &'static str, german: &'static str, english: &'static str) -> Country {
    Country {
        code,
        german,
        english,
    }
}

impl Country {
    pub const GERMANY: Country = COUNTRIES[0];

    /// The country with ISO 3166-1 code `code` (`AT`, `fr`), if the site knows it.
    pub fn from_code(code: &str) -> Option<Self> {
        let code = code.trim();
        COUNTRIES
            .into_iter()
            .find(|country| country.code.eq_ignore_ascii_case(code))
    }

    pub fn code(self) -> &'static str {
        self.code
    }

    pub fn name(self, locale: Locale) -> &'static str {
        match locale {
            Locale::De => self.german,
            Locale::En => self.english,
        }
    }

    /// Events at home need no country named.
    pub fn is_home(self) -> bool {
        self == Self::GERMANY
    }
}

impl Default for Country {
    fn default() -> Self {
        Self::GERMANY
    }
}

impl Serialize for Country {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Country::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown country {code:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_found_by_their_code_in_either_case() {
        assert_eq!(
            Country::from_code("at").map(|c| c.name(Locale::De)),
            Some("Österreich")
        );
        assert_eq!(
            Country::from_code(" FR ").map(|c| c.name(Locale::En)),
            Some("France")
        );
        assert_eq!(Country::from_code("XX"), None);
        let mut codes: Vec<&str> = COUNTRIES.iter().map(|country| country.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), COUNTRIES.len(), "each code once");
    }
}
