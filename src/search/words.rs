//! How the search reads German words, the same way when indexing and when searching: spellings
//! without umlauts are read as with them, and long compounds also count as their right-hand
//! parts (German puts the meaning last: a "Kriminalprävention" is a kind of "Prävention").

/// Reads `ae`, `oe` and `ue` as `ä`, `ö` and `ü`, as someone without umlauts on the keyboard
/// means them. Applied to German texts and queries alike, so a word that really is spelt with
/// `ue` ("Feuer") still finds itself.
pub fn with_umlauts(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(letter) = chars.next() {
        let umlaut = match (letter, chars.peek()) {
            ('a', Some('e')) => Some('ä'),
            ('o', Some('e')) => Some('ö'),
            ('u', Some('e')) => Some('ü'),
            ('A', Some('e' | 'E')) => Some('Ä'),
            ('O', Some('e' | 'E')) => Some('Ö'),
            ('U', Some('e' | 'E')) => Some('Ü'),
            _ => None,
        };
        match umlaut {
            Some(umlaut) => {
                folded.push(umlaut);
                chars.next();
            }
            None => folded.push(letter),
        }
    }
    folded
}

/// A word as PostgreSQL's German stemmer writes its stems: lower case, umlauts without their
/// dots, `ß` as `ss`. A word matches a stem when this form contains it.
pub fn stem_form(word: &str) -> String {
    let mut form = String::with_capacity(word.len());
    for letter in with_umlauts(word).to_lowercase().chars() {
        match letter {
            'ä' => form.push('a'),
            'ö' => form.push('o'),
            'ü' => form.push('u'),
            'ß' => form.push_str("ss"),
            other => form.push(other),
        }
    }
    form
}

/// A word's right-hand parts shorter by at least three letters and at least five letters long:
/// "Hauptstadt" gives "ptstadt", "tstadt" and "stadt". Most parts are no words, and no one
/// searches for them; the real ones make compounds findable without a dictionary of German.
const SHORTEST_PART: usize = 5;
const SHORTEST_HEAD: usize = 3;

/// The parts of every long word of `text`, separated by spaces, lower case.
pub fn compound_parts(text: &str) -> String {
    let mut parts = String::new();
    for word in text
        .split(|letter: char| !letter.is_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        let letters: Vec<char> = word.to_lowercase().chars().collect();
        if letters.len() < SHORTEST_HEAD + SHORTEST_PART {
            continue;
        }
        for start in SHORTEST_HEAD..=letters.len() - SHORTEST_PART {
            parts.extend(&letters[start..]);
            parts.push(' ');
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_without_umlauts_read_as_with_them() {
        assert_eq!(with_umlauts("Praevention"), "Prävention");
        assert_eq!(with_umlauts("OEFFENTLICH Uebung"), "ÖFFENTLICH Übung");
        assert_eq!(with_umlauts("Prävention"), "Prävention");
    }

    #[test]
    fn stem_forms_drop_case_umlauts_and_sharp_s() {
        assert_eq!(stem_form("Kriminalprävention"), "kriminalpravention");
        assert_eq!(stem_form("Praevention"), "pravention");
        assert_eq!(stem_form("Straße"), "strasse");
    }

    #[test]
    fn long_words_give_their_right_hand_parts() {
        let parts = compound_parts("Kriminalprävention und Hauptstadt");
        let parts: Vec<&str> = parts.split_whitespace().collect();
        assert!(parts.contains(&"prävention"), "{parts:?}");
        assert!(parts.contains(&"stadt"), "{parts:?}");
        assert!(!parts.contains(&"und"));
        assert!(
            parts
                .iter()
                .all(|part| part.chars().count() >= SHORTEST_PART)
        );
        assert_eq!(compound_parts("kurz"), "");
    }
}
