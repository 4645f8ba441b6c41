//! The two languages of the site: German at the root, English under `/en/`.
//! Interface strings live here; page texts live in the database.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Europe::Berlin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    De,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::De, Locale::En];

    /// The language a URL path belongs to: English under `/en/`, German everywhere else.
    pub fn of_path(path: &str) -> Self {
        if path == "/en" || path.starts_with("/en/") {
            Locale::En
        } else {
            Locale::De
        }
    }

    /// The BCP 47 code, as used in `lang` and `hreflang` attributes and in the database.
    pub fn code(self) -> &'static str {
        match self {
            Locale::De => "de",
            Locale::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|locale| locale.code() == code)
    }

    pub fn other(self) -> Self {
        match self {
            Locale::De => Locale::En,
            Locale::En => Locale::De,
        }
    }

    pub fn ui(self) -> &'static Ui {
        match self {
            Locale::De => &GERMAN,
            Locale::En => &ENGLISH,
        }
    }

    /// A calendar date as readers of this language write it, in the office's time zone.
    pub fn format_date(self, at: DateTime<Utc>) -> String {
        let date = at.with_timezone(&Berlin);
        let month = self.ui().month_names[date.month0() as usize];
        match self {
            Locale::De => format!("{}. {} {}", date.day(), month, date.year()),
            Locale::En => format!("{} {} {}", date.day(), month, date.year()),
        }
    }
}

/// The calendar date in the office's time zone as `YYYY-MM-DD`, for `<time datetime>`.
pub fn iso_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&Berlin).format("%Y-%m-%d").to_string()
}

/// The fixed words of the interface in one language.
pub struct Ui {
    /// The name of the language, written in that language, for the language switch.
    pub language_name: &'static str,
    pub association_name: &'static str,
    pub skip_to_content: &'static str,
    pub main_navigation: &'static str,
    pub footer_navigation: &'static str,
    pub language_switch_label: &'static str,
    pub last_updated: &'static str,
    pub contact_heading: &'static str,
    pub phone: &'static str,
    pub email: &'static str,
    pub contact_person: &'static str,
    pub chairs_heading: &'static str,
    pub chairs_intro: &'static str,
    pub membership_contact_heading: &'static str,
    pub barrier_report_heading: &'static str,
    pub barrier_report_text: &'static str,
    pub controller_heading: &'static str,
    pub retention_heading: &'static str,
    /// Followed by the number of days and `retention_after`.
    pub retention_before: &'static str,
    pub retention_after: &'static str,
    pub legal_provider: &'static str,
    pub legal_represented_by: &'static str,
    pub legal_register: &'static str,
    pub legal_register_court: &'static str,
    pub legal_register_number: &'static str,
    pub legal_contact: &'static str,
    pub legal_content_responsible: &'static str,
    pub error_home_link: &'static str,
    pub month_names: [&'static str; 12],
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub bad_request_title: &'static str,
    pub bad_request_text: &'static str,
    pub method_not_allowed_title: &'static str,
    pub method_not_allowed_text: &'static str,
    pub too_large_title: &'static str,
    pub too_large_text: &'static str,
    pub too_many_requests_title: &'static str,
    pub too_many_requests_text: &'static str,
    pub unavailable_title: &'static str,
    pub unavailable_text: &'static str,
    pub server_error_title: &'static str,
    pub server_error_text: &'static str,
}

pub static GERMAN: Ui = Ui {
    language_name: "Deutsch",
    association_name: "Deutsch-Europäisches Forum für Urbane Sicherheit",
    skip_to_content: "Zum Inhalt springen",
    main_navigation: "Hauptnavigation",
    footer_navigation: "Rechtliches",
    language_switch_label: "Sprache",
    last_updated: "Stand",
    contact_heading: "Geschäftsstelle",
    phone: "Telefon",
    email: "E-Mail",
    contact_person: "Ansprechperson",
    chairs_heading: "Vorsitz",
    chairs_intro: "Den Vorsitz des Vereins haben derzeit inne:",
    membership_contact_heading: "Fragen zur Mitgliedschaft",
    barrier_report_heading: "Barrieren melden",
    barrier_report_text: "Ist Ihnen auf dieser Website eine Barriere aufgefallen? Schreiben Sie uns oder rufen Sie uns an – wir antworten Ihnen und beheben das Problem so bald wie möglich.",
    controller_heading: "Verantwortliche Stelle",
    retention_heading: "Speicherdauer von Mitgliedschaftsanfragen",
    retention_before: "Eine Mitgliedschaftsanfrage wird",
    retention_after: "Tage nach ihrem Eingang automatisch gelöscht, zusammen mit allen Angaben zu ihrer Zustellung.",
    legal_provider: "Anbieter",
    legal_represented_by: "Vertreten durch den Vorstand",
    legal_register: "Registereintrag",
    legal_register_court: "Registergericht",
    legal_register_number: "Registernummer",
    legal_contact: "Kontakt",
    legal_content_responsible: "Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV",
    error_home_link: "Zur Startseite",
    month_names: [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    not_found_title: "Seite nicht gefunden",
    not_found_text: "Unter dieser Adresse gibt es keine Seite. Vielleicht hat sich die Adresse geändert oder sie enthält einen Tippfehler.",
    bad_request_title: "Ungültige Anfrage",
    bad_request_text: "Diese Anfrage konnten wir nicht verstehen. Bitte versuchen Sie es noch einmal über die Seiten dieser Website.",
    method_not_allowed_title: "Aktion nicht möglich",
    method_not_allowed_text: "Diese Adresse unterstützt die gewünschte Aktion nicht.",
    too_large_title: "Anfrage zu groß",
    too_large_text: "Die gesendeten Daten sind zu umfangreich. Bitte kürzen Sie Ihre Angaben und versuchen Sie es erneut.",
    too_many_requests_title: "Zu viele Anfragen",
    too_many_requests_text: "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Anfragen. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.",
    unavailable_title: "Vorübergehend nicht erreichbar",
    unavailable_text: "Die Website ist gerade überlastet oder wird gewartet. Bitte versuchen Sie es in wenigen Minuten erneut.",
    server_error_title: "Ein Fehler ist aufgetreten",
    server_error_text: "Beim Anzeigen dieser Seite ist bei uns ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.",
};

pub static ENGLISH: Ui = Ui {
    language_name: "English",
    association_name: "German-European Forum for Urban Security",
    skip_to_content: "Skip to content",
    main_navigation: "Main navigation",
    footer_navigation: "Legal",
    language_switch_label: "Language",
    last_updated: "Last updated",
    contact_heading: "Office",
    phone: "Phone",
    email: "Email",
    contact_person: "Contact person",
    chairs_heading: "Chair",
    chairs_intro: "The association is currently chaired by:",
    membership_contact_heading: "Questions about membership",
    barrier_report_heading: "Report a barrier",
    barrier_report_text: "Have you come across a barrier on this website? Write to us or give us a call – we will reply and fix the problem as soon as we can.",
    controller_heading: "Controller",
    retention_heading: "How long membership inquiries are kept",
    retention_before: "A membership inquiry is deleted automatically",
    retention_after: "days after it was received, together with every record of its delivery.",
    legal_provider: "Provider",
    legal_represented_by: "Represented by the board",
    legal_register: "Register entry",
    legal_register_court: "Register court",
    legal_register_number: "Register number",
    legal_contact: "Contact",
    legal_content_responsible: "Responsible for the content under § 18(2) MStV",
    error_home_link: "Go to the home page",
    month_names: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    not_found_title: "Page not found",
    not_found_text: "There is no page at this address. It may have moved, or the address may contain a typo.",
    bad_request_title: "Invalid request",
    bad_request_text: "We could not understand this request. Please try again from the pages of this website.",
    method_not_allowed_title: "Action not possible",
    method_not_allowed_text: "This address does not support the requested action.",
    too_large_title: "Request too large",
    too_large_text: "The data you sent is too large. Please shorten your entries and try again.",
    too_many_requests_title: "Too many requests",
    too_many_requests_text: "We received a great many requests from your connection in a short time. Please wait a few minutes and try again.",
    unavailable_title: "Temporarily unavailable",
    unavailable_text: "The website is busy or under maintenance right now. Please try again in a few minutes.",
    server_error_title: "Something went wrong",
    server_error_text: "An error occurred on our side while showing this page. Please try again later.",
};

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn paths_under_en_are_english_and_the_rest_german() {
        assert_eq!(Locale::of_path("/en/"), Locale::En);
        assert_eq!(Locale::of_path("/en"), Locale::En);
        assert_eq!(Locale::of_path("/en/goals"), Locale::En);
        assert_eq!(Locale::of_path("/ziele"), Locale::De);
        assert_eq!(Locale::of_path("/english"), Locale::De);
    }

    #[test]
    fn dates_are_written_in_berlin_time_and_the_reader_s_language() {
        // 23:30 UTC on 31 December is already New Year's Day in Hannover.
        let at = Utc.with_ymd_and_hms(2025, 12, 31, 23, 30, 0).unwrap();
        assert_eq!(Locale::De.format_date(at), "1. Januar 2026");
        assert_eq!(Locale::En.format_date(at), "1 January 2026");
        assert_eq!(iso_date(at), "2026-01-01");
    }
}
