//! What changed between two versions of a text, word by word (the `similar` crate's diff), for
//! the staff area: removed words struck through, added words underlined, each also named for
//! screen readers, so that nothing depends on colour alone.

use similar::{ChangeTag, TextDiff};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Same,
    Added,
    Removed,
}

/// A run of text that is the same in both versions, or only in one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub part: Part,
    pub text: String,
}

impl Run {
    pub fn is_added(&self) -> bool {
        self.part == Part::Added
    }

    pub fn is_removed(&self) -> bool {
        self.part == Part::Removed
    }
}

/// The difference between `old` and `new`, as runs of words (adjacent words of one kind joined).
pub fn words(old: &str, new: &str) -> Vec<Run> {
    let diff = TextDiff::from_words(old, new);
    let mut runs: Vec<Run> = Vec::new();
    for change in diff.iter_all_changes() {
        let part = match change.tag() {
            ChangeTag::Equal => Part::Same,
            ChangeTag::Insert => Part::Added,
            ChangeTag::Delete => Part::Removed,
        };
        match runs.last_mut() {
            Some(last) if last.part == part => last.text.push_str(change.value()),
            _ => runs.push(Run {
                part,
                text: change.value().to_owned(),
            }),
        }
    }
    runs
}

/// Whether the two texts differ at all.
pub fn changed(runs: &[Run]) -> bool {
    runs.iter().any(|run| run.part != Part::Same)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_words_are_marked_and_the_rest_kept() {
        let runs = words(
            "Wir fördern Prävention in Städten.",
            "Wir stärken Prävention in Gemeinden.",
        );
        let shown: Vec<(Part, &str)> = runs
            .iter()
            .map(|run| (run.part, run.text.as_str()))
            .collect();
        assert_eq!(
            shown,
            vec![
                (Part::Same, "Wir "),
                (Part::Removed, "fördern"),
                (Part::Added, "stärken"),
                (Part::Same, " Prävention in "),
                (Part::Removed, "Städten."),
                (Part::Added, "Gemeinden."),
            ]
        );
        assert!(changed(&runs));
        assert!(!changed(&words("gleich", "gleich")));
    }
}
