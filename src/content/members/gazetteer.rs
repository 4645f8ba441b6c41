//! Finding a German place's position by its name, so that staff never type coordinates. The
//! list of places ships with the site (`places-de.tsv`, made by `tests/tools/make-gazetteer.py`
//! from GeoNames data; see there for its source and licence).

use std::sync::LazyLock;

use crate::content::members::{FederalState, Position};

/// One place of the gazetteer.
struct Place {
    name: &'static str,
    /// The name folded for comparison (lower case, ASCII).
    folded: String,
    state: FederalState,
    position: Position,
}

static PLACES: LazyLock<Vec<Place>> = LazyLock::new(|| {
    include_str!("places-de.tsv")
        .lines()
        .filter_map(|line| {
            let mut parts = line.split('\t');
            let name = parts.next()?;
            let state = FederalState::from_code(parts.next()?)?;
            let latitude = parts.next()?.parse().ok()?;
            let longitude = parts.next()?.parse().ok()?;
            Some(Place {
                name,
                folded: fold(name),
                state,
                position: Position {
                    latitude,
                    longitude,
                },
            })
        })
        .collect()
});

/// What looking up a name found.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Found(Position),
    /// Places of that name lie in these states: which one is meant?
    Ambiguous(Vec<FederalState>),
    /// No place of that name (in that state); these names come close.
    Unknown(Vec<String>),
}

/// The position of the place called `name`, in `state` when given. Should one state have two
/// places of the name (rare among places of 1,000 people or more), the first listed is taken;
/// staff correct its position by hand if it is the other.
pub fn locate(name: &str, state: Option<FederalState>) -> Lookup {
    let folded = fold(name);
    let matches: Vec<&Place> = PLACES
        .iter()
        .filter(|place| place.folded == folded)
        .filter(|place| state.is_none_or(|state| place.state == state))
        .collect();
    let mut states: Vec<FederalState> = matches.iter().map(|place| place.state).collect();
    states.sort_by_key(|state| state.code());
    states.dedup();
    match (matches.first(), states.len()) {
        (Some(place), 1) => Lookup::Found(place.position),
        (Some(_), _) => Lookup::Ambiguous(states),
        (None, _) => Lookup::Unknown(close_matches(&folded, state)),
    }
}

/// Up to five names that differ from `folded` by a typo or two, or begin with it.
fn close_matches(folded: &str, state: Option<FederalState>) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = PLACES
        .iter()
        .filter(|place| state.is_none_or(|state| place.state == state))
        .filter_map(|place| {
            let distance = strsim::levenshtein(&place.folded, folded);
            let close = distance <= 2 || (folded.len() >= 4 && place.folded.starts_with(folded));
            close.then_some((distance, place.name))
        })
        .collect();
    scored.sort();
    let mut names: Vec<String> = Vec::new();
    for (_, name) in scored {
        if !names.iter().any(|known| known == name) {
            names.push(name.to_owned());
        }
        if names.len() == 5 {
            break;
        }
    }
    names
}

/// A name as compared: lower case, `ä` as `ae`, `ß` as `ss`, other letters without accents,
/// spaces and hyphens alike.
fn fold(name: &str) -> String {
    let german = name
        .trim()
        .to_lowercase()
        .replace('ä', "ae")
        .replace('ö', "oe")
        .replace('ü', "ue")
        .replace('ß', "ss");
    deunicode::deunicode(&german)
        .split(|character: char| !character.is_ascii_alphanumeric() && character != '.')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_cities_are_found_by_their_names() {
        let Lookup::Found(munich) = locate("München", Some(FederalState::By)) else {
            panic!("München is found");
        };
        assert!((munich.latitude - 48.14).abs() < 0.1);
        assert!(matches!(locate("muenchen", None), Lookup::Found(_)));
        assert!(matches!(
            locate("Hannover", Some(FederalState::Ni)),
            Lookup::Found(_)
        ));
    }

    #[test]
    fn a_typo_gets_close_matches() {
        let Lookup::Unknown(suggestions) = locate("Heidelbreg", None) else {
            panic!("no place is called so");
        };
        assert!(
            suggestions.contains(&"Heidelberg".to_owned()),
            "{suggestions:?}"
        );
    }

    #[test]
    fn a_place_in_the_wrong_state_is_not_found() {
        assert!(matches!(
            locate("Stuttgart", Some(FederalState::Ni)),
            Lookup::Unknown(_)
        ));
    }
}
