//! The members page (`/mitglieder`, `/en/members`): a map of Germany drawn by the site with a
//! marker for each member that has a place, and the list of all members as its text
//! alternative.

use askama::Template;

use crate::content::OrganisationFacts;
use crate::content::members::map::OUTLINE;
use crate::content::members::{Member, MemberKind};
use crate::i18n::Locale;
use crate::state::SiteSettings;
use crate::web::layout::{Layout, Section};
use crate::web::listing;

/// The words of the members page.
pub struct Words {
    map_title: &'static str,
    map_description: &'static str,
    list_heading: &'static str,
    member_since: &'static str,
    founding: &'static str,
    organisation: &'static str,
    empty: &'static str,
}

fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::De => &Words {
            map_title: "Karte der Mitgliedsstädte in Deutschland",
            map_description: "Jeder Punkt ist eine Mitgliedsstadt. Die Liste unter der Karte nennt alle Mitglieder.",
            list_heading: "Alle Mitglieder",
            member_since: "Mitglied seit",
            founding: "Gründungsmitglied",
            organisation: "Organisation",
            empty: "Die Liste der Mitglieder wird gerade erstellt.",
        },
        Locale::En => &Words {
            map_title: "Map of the member cities in Germany",
            map_description: "Each dot is a member city. The list below the map names all members.",
            list_heading: "All members",
            member_since: "Member since",
            founding: "Founding member",
            organisation: "Organisation",
            empty: "The list of members is being prepared.",
        },
    }
}

/// How many members there are, as the start page and the members page say it.
pub fn count_text(count: usize, locale: Locale) -> String {
    match (locale, count) {
        (Locale::De, 1) => "Eine Stadt oder Organisation".to_owned(),
        (Locale::De, count) => format!("{count} Städte und Organisationen"),
        (Locale::En, 1) => "One city or organisation".to_owned(),
        (Locale::En, count) => format!("{count} cities and organisations"),
    }
}

/// What follows the count: `… arbeiten im Forum zusammen.`
pub fn count_sentence_end(count: usize, locale: Locale) -> &'static str {
    match (locale, count) {
        (Locale::De, 1) => "gehört dem Forum an.",
        (Locale::De, _) => "arbeiten im Forum zusammen.",
        (Locale::En, 1) => "belongs to the forum.",
        (Locale::En, _) => "work together in the forum.",
    }
}

struct Marker {
    name: String,
    x: String,
    y: String,
}

struct Entry {
    name: String,
    website: Option<String>,
    /// `Bayern · Mitglied seit 2010 · Gründungsmitglied`.
    facts: String,
}

impl Entry {
    fn of(member: &Member, words: &Words, locale: Locale) -> Self {
        let text = &member.text;
        let mut facts = vec![text.federal_state.name(locale).to_owned()];
        if text.kind == MemberKind::Organisation {
            facts.insert(0, words.organisation.to_owned());
        }
        if let Some(year) = text.member_since {
            facts.push(format!("{} {year}", words.member_since));
        }
        if text.founding {
            facts.push(words.founding.to_owned());
        }
        Self {
            name: text.name.clone(),
            website: text
                .website
                .as_ref()
                .map(|website| website.as_str().to_owned()),
            facts: facts.join(" · "),
        }
    }
}

#[derive(Template)]
#[template(path = "members/list.html")]
struct ListTemplate<'a> {
    layout: Layout<'a>,
    heading: &'static str,
    words: &'static Words,
    count: String,
    count_end: &'static str,
    map_width: u32,
    map_height: u32,
    outline: &'static str,
    markers: Vec<Marker>,
    entries: Vec<Entry>,
}

pub fn render_list(
    locale: Locale,
    members: &[Member],
    facts: &OrganisationFacts,
    site: &SiteSettings,
) -> Result<String, askama::Error> {
    let words = words(locale);
    let section = Section::Members;
    let markers = members
        .iter()
        .filter_map(|member| {
            let (x, y) = OUTLINE.project(member.text.position?);
            Some(Marker {
                name: member.text.name.clone(),
                x: format!("{x:.1}"),
                y: format!("{y:.1}"),
            })
        })
        .collect();
    ListTemplate {
        layout: listing::section_layout(section, locale, facts, site),
        heading: section.label(locale),
        words,
        count: count_text(members.len(), locale),
        count_end: count_sentence_end(members.len(), locale),
        map_width: OUTLINE.width,
        map_height: OUTLINE.height,
        outline: OUTLINE.path,
        markers,
        entries: members
            .iter()
            .map(|member| Entry::of(member, words, locale))
            .collect(),
    }
    .render()
}
