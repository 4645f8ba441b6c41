//! Reading `application/x-www-form-urlencoded` bodies strictly: text that is not valid UTF-8
//! after decoding is refused rather than silently turned into replacement characters.

use axum::http::{HeaderMap, header};
use percent_encoding::percent_decode;

use crate::error::AppError;

/// The `name=value` pairs of a form body, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormFields(Vec<(String, String)>);

impl FormFields {
    /// The first value sent for `name`, or "" (as a browser sends an empty field).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(field, _)| field == name)
            .map_or("", |(_, value)| value.as_str())
    }
}

/// Reads a form body.
pub fn parse(headers: &HeaderMap, body: &[u8]) -> Result<FormFields, AppError> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media_type| {
            media_type
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(AppError::UnsupportedMediaType);
    }
    body.split(|byte| *byte == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|byte| *byte == b'=') {
                Some(index) => (&pair[..index], &pair[index + 1..]),
                None => (pair, &[][..]),
            };
            Ok((decode(name)?, decode(value)?))
        })
        .collect::<Result<_, _>>()
        .map(FormFields)
}

fn decode(component: &[u8]) -> Result<String, AppError> {
    let with_spaces: Vec<u8> = component
        .iter()
        .map(|byte| if *byte == b'+' { b' ' } else { *byte })
        .collect();
    percent_decode(&with_spaces)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| AppError::MalformedForm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn form_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded; charset=UTF-8"),
        );
        headers
    }

    #[test]
    fn decodes_pairs_spaces_and_umlauts() {
        let pairs = parse(
            &form_headers(),
            b"organisation=Stadt+M%C3%BCnchen&empty=&flag",
        )
        .unwrap();
        assert_eq!(
            pairs.0,
            vec![
                ("organisation".into(), "Stadt München".into()),
                ("empty".into(), String::new()),
                ("flag".into(), String::new()),
            ]
        );
    }

    #[test]
    fn keeps_encoded_line_breaks_for_the_validation_to_judge() {
        let pairs = parse(&form_headers(), b"contact_name=Eve%0D%0ABcc%3A+x").unwrap();
        assert_eq!(pairs.get("contact_name"), "Eve\r\nBcc: x");
    }

    #[test]
    fn refuses_text_that_is_not_utf8() {
        assert!(matches!(
            parse(&form_headers(), b"organisation=M%FCnchen"),
            Err(AppError::MalformedForm)
        ));
        assert!(matches!(
            parse(&form_headers(), b"organisation=\xfc"),
            Err(AppError::MalformedForm)
        ));
    }

    #[test]
    fn refuses_other_content_types() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        assert!(matches!(
            parse(&headers, b"{}"),
            Err(AppError::UnsupportedMediaType)
        ));
        assert!(matches!(
            parse(&HeaderMap::new(), b"a=b"),
            Err(AppError::UnsupportedMediaType)
        ));
    }
}
