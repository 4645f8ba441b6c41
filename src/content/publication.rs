//! Whether visitors may see a news item or an event: what staff chose (`Publication`), and what
//! follows from it on a given day (`Visibility`).

use chrono::NaiveDate;

use crate::text_enum;

text_enum! {
    /// What staff chose in the form's `state` field.
    pub enum Publication {
        Draft = "draft",
        Published = "published",
    }
}

impl Publication {
    /// As the staff area's form offers it.
    pub fn label(self) -> &'static str {
        match self {
            Publication::Draft => "Entwurf (nur in der Verwaltung sichtbar)",
            Publication::Published => "Veröffentlichen",
        }
    }
}

/// Where an item stands for visitors today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Draft,
    /// Published, for a day still to come.
    Scheduled,
    Published,
}

impl Visibility {
    /// The visibility of an item with `publication`, shown from `shown_from` on, on `today`.
    pub fn on(publication: Publication, shown_from: NaiveDate, today: NaiveDate) -> Self {
        match publication {
            Publication::Draft => Visibility::Draft,
            Publication::Published if shown_from > today => Visibility::Scheduled,
            Publication::Published => Visibility::Published,
        }
    }

    /// As the office says it, in the lists of the staff area.
    pub fn label(self) -> &'static str {
        match self {
            Visibility::Draft => "Entwurf",
            Visibility::Scheduled => "geplant",
            Visibility::Published => "veröffentlicht",
        }
    }

    pub fn is_public(self) -> bool {
        self == Visibility::Published
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_items_show_from_their_day_on() {
        let day = |d| NaiveDate::from_ymd_opt(2027, 3, d).unwrap();
        assert_eq!(
            Visibility::on(Publication::Published, day(12), day(11)),
            Visibility::Scheduled
        );
        assert_eq!(
            Visibility::on(Publication::Published, day(12), day(12)),
            Visibility::Published
        );
        assert_eq!(
            Visibility::on(Publication::Draft, day(1), day(12)),
            Visibility::Draft
        );
    }
}
