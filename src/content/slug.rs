//! The last part of a news item's or event's address, made from its title:
//! `Jahresbericht 2025` → `jahresbericht-2025`, `Präventionstag in Gießen` →
//! `praeventionstag-in-giessen`. Lower-case letters, digits and single hyphens only, so that an
//! address can be read aloud, typed and shared without percent signs.

use std::fmt;

use crate::input::FieldError;

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    pub const MAX_LENGTH: usize = 80;

    /// The slug of `title`; `None` for a title without a single letter or digit.
    pub fn from_title(title: &str) -> Option<Self> {
        // German letters the German way (deunicode would make `ä` an `a`).
        let spelled: String = title
            .chars()
            .map(|c| match c {
                'ä' | 'Ä' => "ae".to_owned(),
                'ö' | 'Ö' => "oe".to_owned(),
                'ü' | 'Ü' => "ue".to_owned(),
                'ß' | 'ẞ' => "ss".to_owned(),
                c => c.to_string(),
            })
            .collect();
        let ascii = deunicode::deunicode(&spelled).to_ascii_lowercase();
        let words: Vec<&str> = ascii
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
            .collect();
        let mut slug = String::new();
        for word in words {
            let separator = usize::from(!slug.is_empty());
            if slug.len() + separator + word.len() > Self::MAX_LENGTH {
                // Whole words only; a single overlong word is cut.
                if slug.is_empty() {
                    slug.push_str(&word[..Self::MAX_LENGTH]);
                }
                break;
            }
            if separator == 1 {
                slug.push('-');
            }
            slug.push_str(word);
        }
        (!slug.is_empty()).then_some(Self(slug))
    }

    /// A slug typed by staff: it must already be one (letters a–z, digits, single hyphens).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(FieldError::Required);
        }
        if text.chars().count() > Self::MAX_LENGTH {
            return Err(FieldError::TooLong {
                max: Self::MAX_LENGTH,
            });
        }
        let well_formed = text.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if well_formed {
            Ok(Self(text.to_owned()))
        } else {
            Err(FieldError::InvalidSlug)
        }
    }

    /// `self` with `-2`, `-3`, … appended, for when `self` is taken.
    pub fn numbered(&self, number: u32) -> Self {
        let suffix = format!("-{number}");
        let mut base = self.0.clone();
        base.truncate(Self::MAX_LENGTH - suffix.len());
        let base = base.trim_end_matches('-');
        Self(format!("{base}{suffix}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A slug read back from the database, where the table's check keeps it well-formed.
    pub fn stored(text: String) -> Self {
        Self(text)
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(title: &str) -> String {
        Slug::from_title(title)
            .map(|slug| slug.0)
            .unwrap_or_default()
    }

    #[test]
    fn titles_become_readable_addresses() {
        assert_eq!(slug("Jahresbericht 2025"), "jahresbericht-2025");
        assert_eq!(
            slug("Präventionstag in Gießen"),
            "praeventionstag-in-giessen"
        );
        assert_eq!(
            slug("ÖFFENTLICHE Räume – sicher?"),
            "oeffentliche-raeume-sicher"
        );
        assert_eq!(slug("Café & Crème: Łódź"), "cafe-creme-lodz");
        assert_eq!(slug("  --Neue  Mitglieder!--  "), "neue-mitglieder");
        assert_eq!(slug("„…“"), "");
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let title = "Bericht ".repeat(20);
        let made = slug(&title);
        assert!(made.len() <= Slug::MAX_LENGTH);
        assert!(made.ends_with("bericht"));
        assert_eq!(slug(&"x".repeat(200)).len(), Slug::MAX_LENGTH);
    }

    #[test]
    fn typed_slugs_must_be_well_formed() {
        assert_eq!(
            Slug::parse(" mitglieder-2026 ").unwrap().as_str(),
            "mitglieder-2026"
        );
        for bad in ["Mitglieder", "a--b", "-a", "a-", "a b", "ä", "a/b"] {
            assert_eq!(Slug::parse(bad), Err(FieldError::InvalidSlug), "{bad}");
        }
        assert_eq!(Slug::parse(""), Err(FieldError::Required));
    }

    #[test]
    fn numbered_slugs_stay_within_the_limit() {
        let long = Slug::from_title(&"x".repeat(200)).unwrap();
        let numbered = long.numbered(12);
        assert!(numbered.as_str().ends_with("-12"));
        assert_eq!(numbered.as_str().len(), Slug::MAX_LENGTH);
        assert_eq!(Slug::parse(numbered.as_str()), Ok(numbered));
    }
}
