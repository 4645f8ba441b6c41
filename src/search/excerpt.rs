//! The text under a search result: a short excerpt around the first matched word, with the
//! matched words marked. Made of plain fragments that the template escapes, so that a title
//! such as `<script>` is shown as text.

use crate::search::words::stem_form;

/// A piece of a title or excerpt; `is_match` ones are shown marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    pub text: String,
    pub is_match: bool,
}

/// Words shown before the first match, and in all.
const WORDS_BEFORE: usize = 10;
const WORDS_IN_EXCERPT: usize = 36;

/// Stems shorter than this match only a whole word ("eu" should not mark "Europa").
const SHORTEST_PART_STEM: usize = 4;

/// Whether `word` is one the search found, judged by the stems PostgreSQL made of the query.
pub fn is_match(word: &str, stems: &[String]) -> bool {
    let form = stem_form(word);
    if form.is_empty() {
        return false;
    }
    stems.iter().any(|stem| {
        if stem.chars().count() < SHORTEST_PART_STEM {
            form == *stem
        } else {
            form.contains(stem.as_str())
        }
    })
}

/// All of `text`, its matched words marked (for a title).
pub fn highlight(text: &str, stems: &[String]) -> Vec<Fragment> {
    let words: Vec<&str> = text.split_whitespace().collect();
    mark(&words, stems)
}

/// About `WORDS_IN_EXCERPT` words of `text` from shortly before its first matched word (or from
/// its start), with "…" where it was cut.
pub fn excerpt(text: &str, stems: &[String]) -> Vec<Fragment> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let first_match = words
        .iter()
        .position(|word| is_match(core(word).1, stems))
        .unwrap_or(0);
    let start = first_match.saturating_sub(WORDS_BEFORE);
    let end = (start + WORDS_IN_EXCERPT).min(words.len());
    let mut fragments = mark(&words[start..end], stems);
    if start > 0 {
        fragments.insert(0, plain("… "));
    }
    if end < words.len() {
        fragments.push(plain(" …"));
    }
    merge(fragments)
}

fn mark(words: &[&str], stems: &[String]) -> Vec<Fragment> {
    let mut fragments = Vec::with_capacity(words.len() * 2);
    for (index, word) in words.iter().enumerate() {
        if index > 0 {
            fragments.push(plain(" "));
        }
        let (before, middle, after) = core(word);
        if is_match(middle, stems) {
            fragments.push(plain(before));
            fragments.push(Fragment {
                text: middle.to_owned(),
                is_match: true,
            });
            fragments.push(plain(after));
        } else {
            fragments.push(plain(word));
        }
    }
    merge(fragments)
}

/// A word split into the punctuation before it, itself, and the punctuation after it.
fn core(word: &str) -> (&str, &str, &str) {
    let start = word.find(char::is_alphanumeric).unwrap_or(word.len());
    let end = word.rfind(char::is_alphanumeric).map_or(start, |at| {
        at + word[at..].chars().next().map_or(0, char::len_utf8)
    });
    (&word[..start], &word[start..end], &word[end..])
}

fn plain(text: &str) -> Fragment {
    Fragment {
        text: text.to_owned(),
        is_match: false,
    }
}

/// Joins neighbouring fragments of the same kind and drops empty ones.
fn merge(fragments: Vec<Fragment>) -> Vec<Fragment> {
    let mut merged: Vec<Fragment> = Vec::with_capacity(fragments.len());
    for fragment in fragments
        .into_iter()
        .filter(|fragment| !fragment.text.is_empty())
    {
        match merged.last_mut() {
            Some(last) if last.is_match == fragment.is_match => last.text.push_str(&fragment.text),
            _ => merged.push(fragment),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(stems: &[&str]) -> Vec<String> {
        stems.iter().map(|stem| (*stem).to_owned()).collect()
    }

    fn marked(fragments: &[Fragment]) -> Vec<&str> {
        fragments
            .iter()
            .filter(|fragment| fragment.is_match)
            .map(|fragment| fragment.text.as_str())
            .collect()
    }

    #[test]
    fn compounds_and_inflections_of_a_stem_are_marked_without_their_punctuation() {
        let fragments = highlight(
            "Kommunale Kriminalprävention, Prävention und Präventionsräte.",
            &stems(&["pravention"]),
        );
        assert_eq!(
            marked(&fragments),
            ["Kriminalprävention", "Prävention", "Präventionsräte"]
        );
        let text: String = fragments
            .iter()
            .map(|fragment| fragment.text.as_str())
            .collect();
        assert_eq!(
            text,
            "Kommunale Kriminalprävention, Prävention und Präventionsräte."
        );
    }

    #[test]
    fn short_stems_mark_only_whole_words() {
        assert_eq!(marked(&highlight("EU und Europa", &stems(&["eu"]))), ["EU"]);
    }

    #[test]
    fn an_excerpt_starts_shortly_before_the_first_match_and_says_where_it_was_cut() {
        let text = format!("{} Sicherheit {}", "Wort ".repeat(30), "Ende ".repeat(40));
        let fragments = excerpt(&text, &stems(&["sich"]));
        assert!(fragments[0].text.starts_with("… Wort"));
        assert!(
            fragments
                .last()
                .is_some_and(|last| last.text.ends_with(" …"))
        );
        assert_eq!(marked(&fragments), ["Sicherheit"]);
        let words: usize = fragments
            .iter()
            .map(|fragment| {
                fragment
                    .text
                    .split_whitespace()
                    .filter(|word| *word != "…")
                    .count()
            })
            .sum();
        assert_eq!(words, WORDS_IN_EXCERPT);
    }

    #[test]
    fn without_a_match_the_excerpt_is_the_beginning() {
        let fragments = excerpt("Kurzer Text.", &stems(&["anders"]));
        assert_eq!(fragments, [plain("Kurzer Text.")]);
    }
}
