//! Text typed by people (visitors and staff), each kind parsed once into a type that can only
//! hold valid input. Storage and mail see only these types, so nothing unchecked reaches an email
//! header or a page.

use std::str::FromStr;

use lettre::Address;

/// Why a value was refused. The form shows it at the field, in the visitor's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldError {
    Required,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    /// A line break, NUL or other control character where only one line of text belongs.
    ControlCharacter,
    InvalidEmail,
    InvalidPhone,
    InvalidChoice,
    /// Taken by another record already (an account's address, a slug).
    AlreadyTaken,
    /// Not a slug: lower-case letters a–z, digits and single hyphens only.
    InvalidSlug,
    /// Not a date of the calendar (`YYYY-MM-DD`), e.g. 31 April.
    InvalidDate,
    /// Not a date with a time (`YYYY-MM-DDTHH:MM`).
    InvalidDateTime,
    /// A time the clocks in Berlin skip (when summer time begins).
    SkippedTime,
    /// An end before the start.
    EndBeforeStart,
    /// A review dated before what it reviewed was made.
    ReviewedBeforeMade,
    /// Not a web address starting with `http://` or `https://`.
    InvalidWebAddress,
    /// An event without a city and without a link to join online.
    NoPlace,
    /// Not a year such as `2010`.
    InvalidYear,
    /// Not a number (a decimal comma is fine).
    InvalidNumber,
    /// A position outside Germany, where the map ends.
    OutsideGermany,
}

/// One line of text: trimmed, `min..=max` characters, no control characters at all. Safe to
/// use in an email header (subject, display name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SingleLine(String);

impl SingleLine {
    pub fn parse(input: &str, min: usize, max: usize) -> Result<Self, FieldError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(FieldError::Required);
        }
        if text.chars().any(is_line_breaking_or_control) {
            return Err(FieldError::ControlCharacter);
        }
        check_length(text, min, max)?;
        Ok(Self(text.to_owned()))
    }

    /// An optional field: empty input is `None`, anything else must be valid.
    pub fn parse_optional(input: &str, max: usize) -> Result<Option<Self>, FieldError> {
        if input.trim().is_empty() {
            return Ok(None);
        }
        Self::parse(input, 1, max).map(Some)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free text over several lines: line breaks and tabs are kept (as `\n`), other control
/// characters are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiLine(String);

impl MultiLine {
    pub fn parse_optional(input: &str, max: usize) -> Result<Option<Self>, FieldError> {
        let text = input.replace("\r\n", "\n").replace('\r', "\n");
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if text
            .chars()
            .any(|c| c != '\n' && c != '\t' && is_line_breaking_or_control(c))
        {
            return Err(FieldError::ControlCharacter);
        }
        check_length(text, 0, max)?;
        Ok(Some(Self(text.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address as mail servers accept it, with a domain that has a dot (a work address,
/// not `root@localhost`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(Address);

impl EmailAddress {
    pub const MAX_LENGTH: usize = 254;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(FieldError::Required);
        }
        if text.chars().any(is_line_breaking_or_control) {
            return Err(FieldError::ControlCharacter);
        }
        if text.chars().count() > Self::MAX_LENGTH {
            return Err(FieldError::TooLong {
                max: Self::MAX_LENGTH,
            });
        }
        let address = Address::from_str(text).map_err(|_| FieldError::InvalidEmail)?;
        let domain = address.domain();
        if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
            return Err(FieldError::InvalidEmail);
        }
        Ok(Self(address))
    }

    pub fn address(&self) -> &Address {
        &self.0
    }

    pub fn as_str(&self) -> &str {
        self.0.as_ref()
    }
}

/// A `mailto:` link to `address`, optionally with a subject and the start of the text. The
/// address is percent-encoded: an address may legally contain `?` or `&`, which would otherwise
/// smuggle `bcc=` or `body=` into the link.
pub fn mailto_uri(address: &str, subject: Option<&str>, body: Option<&str>) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'@')
        .remove(b'.')
        .remove(b'-')
        .remove(b'_')
        .remove(b'+');
    let mut uri = format!(
        "mailto:{}",
        percent_encoding::utf8_percent_encode(address, KEEP)
    );
    let fields = [("subject", subject), ("body", body)];
    for (index, (name, value)) in fields
        .into_iter()
        .filter_map(|(name, value)| value.map(|value| (name, value)))
        .enumerate()
    {
        uri.push(if index == 0 { '?' } else { '&' });
        uri.push_str(name);
        uri.push('=');
        // Line breaks are CRLF in mail (RFC 6068).
        let value = value.replace("\r\n", "\n").replace('\n', "\r\n");
        uri.extend(percent_encoding::utf8_percent_encode(
            &value,
            percent_encoding::NON_ALPHANUMERIC,
        ));
    }
    uri
}

/// A link to another site, as staff give it for an online event or a registration: an
/// absolute `http(s)` address with a host. Kept as typed (after trimming), as the owner of the
/// other site wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebAddress(String);

impl WebAddress {
    pub const MAX_LENGTH: usize = 500;

    pub fn parse_optional(input: &str) -> Result<Option<Self>, FieldError> {
        let text = input.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().count() > Self::MAX_LENGTH {
            return Err(FieldError::TooLong {
                max: Self::MAX_LENGTH,
            });
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(FieldError::InvalidWebAddress);
        }
        match url::Url::parse(text) {
            Ok(url)
                if matches!(url.scheme(), "http" | "https")
                    && url.host_str().is_some_and(|host| !host.is_empty()) =>
            {
                Ok(Some(Self(text.to_owned())))
            }
            _ => Err(FieldError::InvalidWebAddress),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number as people write it: digits, spaces and `+ ( ) / -`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub const MAX_LENGTH: usize = 40;

    pub fn parse_optional(input: &str) -> Result<Option<Self>, FieldError> {
        let text = input.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().count() > Self::MAX_LENGTH {
            return Err(FieldError::TooLong {
                max: Self::MAX_LENGTH,
            });
        }
        let allowed = |c: char| c.is_ascii_digit() || " +()/-".contains(c);
        let digits = text.chars().filter(char::is_ascii_digit).count();
        if !text.chars().all(allowed) || digits < 3 {
            return Err(FieldError::InvalidPhone);
        }
        Ok(Some(Self(text.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The problems of a form, collected field by field: each value is checked once, and what is
/// wrong with it is noted at its field, so that the form can show every problem at once.
#[derive(Debug)]
pub struct Problems<Field>(Vec<(Field, FieldError)>);

impl<Field> Default for Problems<Field> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<Field> Problems<Field> {
    /// The value of `result`, or `None` with its problem noted at `field`.
    pub fn check<T>(&mut self, field: Field, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|error| self.0.push((field, error))).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<(Field, FieldError)> {
        self.0
    }
}

/// A choice among codes (`de`, `published`, …).
pub fn parse_choice<T>(input: &str, from_code: fn(&str) -> Option<T>) -> Result<T, FieldError> {
    if input.trim().is_empty() {
        return Err(FieldError::Required);
    }
    from_code(input.trim()).ok_or(FieldError::InvalidChoice)
}

/// A date as `<input type="date">` sends it.
pub fn parse_date(input: &str) -> Result<chrono::NaiveDate, FieldError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(FieldError::Required);
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| FieldError::InvalidDate)
}

/// The id of another item chosen in a list; empty for none.
pub fn parse_reference(input: &str) -> Result<Option<i64>, FieldError> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>()
        .map(Some)
        .map_err(|_| FieldError::InvalidChoice)
}

/// Text written in a box of several lines that is one paragraph: line breaks become spaces.
pub fn one_paragraph(input: &str, max: usize) -> Result<String, FieldError> {
    let joined = input.split_whitespace().collect::<Vec<_>>().join(" ");
    SingleLine::parse(&joined, 1, max).map(|text| text.as_str().to_owned())
}

fn check_length(text: &str, min: usize, max: usize) -> Result<(), FieldError> {
    let length = text.chars().count();
    if length < min {
        Err(FieldError::TooShort { min })
    } else if length > max {
        Err(FieldError::TooLong { max })
    } else {
        Ok(())
    }
}

/// Control characters, and the Unicode line and paragraph separators, which some programs
/// treat as line breaks.
fn is_line_breaking_or_control(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_addresses_are_absolute_http_links() {
        let ok = WebAddress::parse_optional(" https://www.praeventionstag.de/anmeldung?x=1 ");
        assert_eq!(
            ok.unwrap().unwrap().as_str(),
            "https://www.praeventionstag.de/anmeldung?x=1"
        );
        assert_eq!(WebAddress::parse_optional("  "), Ok(None));
        for bad in [
            "javascript:alert(1)",
            "www.example.org",
            "ftp://example.org",
            "https://",
            "https://exa mple.org",
            "mailto:a@b.de",
        ] {
            assert_eq!(
                WebAddress::parse_optional(bad),
                Err(FieldError::InvalidWebAddress),
                "{bad}"
            );
        }
    }

    #[test]
    fn single_line_text_is_trimmed_and_measured_in_characters() {
        let name = SingleLine::parse("  Jürgen Müßig ", 2, 120).unwrap();
        assert_eq!(name.as_str(), "Jürgen Müßig");
        assert_eq!(
            SingleLine::parse("Ü", 2, 120),
            Err(FieldError::TooShort { min: 2 })
        );
        assert_eq!(
            SingleLine::parse("ÄÖ", 2, 2).map(|text| text.0),
            Ok("ÄÖ".into())
        );
        assert_eq!(
            SingleLine::parse("ÄÖÜ", 2, 2),
            Err(FieldError::TooLong { max: 2 })
        );
        assert_eq!(SingleLine::parse("   ", 2, 120), Err(FieldError::Required));
    }

    #[test]
    fn single_line_text_refuses_every_control_character() {
        for hostile in [
            "Stadt\r\nBcc: victim@example.org",
            "Stadt\nX",
            "Stadt\rX",
            "Stadt\0X",
            "Stadt\tX",
            "Stadt\u{1b}[31mX",
            "Stadt\u{85}X",
            "Stadt\u{2028}X",
        ] {
            assert_eq!(
                SingleLine::parse(hostile, 2, 200),
                Err(FieldError::ControlCharacter),
                "{hostile:?}"
            );
        }
    }

    #[test]
    fn optional_single_line_may_be_empty() {
        assert_eq!(SingleLine::parse_optional("  ", 120), Ok(None));
        assert!(SingleLine::parse_optional(&"x".repeat(121), 120).is_err());
    }

    #[test]
    fn multi_line_text_keeps_line_breaks_and_normalises_them() {
        let text = MultiLine::parse_optional("Hallo\r\n\r\nZweite\rZeile\tmit Tab", 5000)
            .unwrap()
            .unwrap();
        assert_eq!(text.as_str(), "Hallo\n\nZweite\nZeile\tmit Tab");
        assert_eq!(
            MultiLine::parse_optional("NUL\0", 5000),
            Err(FieldError::ControlCharacter)
        );
        assert_eq!(
            MultiLine::parse_optional(&"ä".repeat(5001), 5000),
            Err(FieldError::TooLong { max: 5000 })
        );
        assert!(MultiLine::parse_optional(&"ä".repeat(5000), 5000).is_ok());
    }

    #[test]
    fn email_addresses_must_be_deliverable_looking() {
        assert!(EmailAddress::parse(" ordnungsamt@stadt-musterhausen.de ").is_ok());
        assert!(EmailAddress::parse("jürgen@städte.example.de").is_ok());
        for invalid in [
            "no-at-sign",
            "two@@example.org",
            "root@localhost",
            "a@b.",
            "spaces in@example.org",
            "x@example.org\r\nBcc: y@example.org",
        ] {
            assert!(EmailAddress::parse(invalid).is_err(), "{invalid:?}");
        }
        assert_eq!(EmailAddress::parse(""), Err(FieldError::Required));
        let long = format!("{}@example.org", "a".repeat(250));
        assert_eq!(
            EmailAddress::parse(&long),
            Err(FieldError::TooLong { max: 254 })
        );
    }

    #[test]
    fn mailto_links_cannot_carry_extra_headers() {
        assert_eq!(
            mailto_uri("j.weiss@stadt.de", None, None),
            "mailto:j.weiss@stadt.de"
        );
        let hostile = mailto_uri(
            "x?bcc=spy%40evil.example&z@stadt.de",
            Some("Re: Anfrage"),
            None,
        );
        assert_eq!(
            hostile,
            "mailto:x%3Fbcc%3Dspy%2540evil.example%26z@stadt.de?subject=Re%3A%20Anfrage"
        );
        assert_eq!(
            mailto_uri("a@b.de", Some("S"), Some("Hallo,\n\nGruß&bcc=x")),
            "mailto:a@b.de?subject=S&body=Hallo%2C%0D%0A%0D%0AGru%C3%9F%26bcc%3Dx"
        );
    }

    #[test]
    fn phone_numbers_allow_the_usual_notation_only() {
        assert!(
            PhoneNumber::parse_optional("+49 (0)511 120-5262 / 12")
                .unwrap()
                .is_some()
        );
        assert_eq!(PhoneNumber::parse_optional(""), Ok(None));
        for invalid in ["0511 CALL ME", "0511;123", "++", "0511\n123"] {
            assert_eq!(
                PhoneNumber::parse_optional(invalid),
                Err(FieldError::InvalidPhone),
                "{invalid:?}"
            );
        }
    }
}
