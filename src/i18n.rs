//! The two languages of the site: German at the root, English under `/en/`.
//! Interface strings live here; page texts live in the database.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use chrono_tz::Europe::Berlin;

use crate::input::FieldError;
use crate::text_enum;

text_enum! {
    /// A language of the site. Its code is the BCP 47 tag, as used in `lang` and `hreflang`
    /// attributes and in the database.
    pub enum Locale {
        De = "de",
        En = "en",
    }
}

impl Locale {
    /// The language a URL path belongs to: English under `/en/`, German everywhere else.
    pub fn of_path(path: &str) -> Self {
        if path == "/en" || path.starts_with("/en/") {
            Locale::En
        } else {
            Locale::De
        }
    }

    /// The language's German name, for the staff area and the office's emails.
    pub fn name_in_german(self) -> &'static str {
        match self {
            Locale::De => "Deutsch",
            Locale::En => "Englisch",
        }
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
        self.format_day(at.with_timezone(&Berlin).date_naive())
    }

    /// A day as readers of this language write it: `12. März 2027`, `12 March 2027`.
    pub fn format_day(self, day: NaiveDate) -> String {
        let month = self.ui().month_names[day.month0() as usize];
        match self {
            Locale::De => format!("{}. {} {}", day.day(), month, day.year()),
            Locale::En => format!("{} {} {}", day.day(), month, day.year()),
        }
    }

    /// A time of day as readers of this language write it: `10:00 Uhr`, `10:00`.
    pub fn format_time(self, time: NaiveTime) -> String {
        match self {
            Locale::De => format!("{} Uhr", time.format("%H:%M")),
            Locale::En => time.format("%H:%M").to_string(),
        }
    }

    /// How far off a day is, from `today`: `heute`, `morgen`, `in 12 Tagen`.
    pub fn days_until(self, day: NaiveDate, today: NaiveDate) -> String {
        let days = (day - today).num_days();
        match (self, days) {
            (Locale::De, 0) => "heute".into(),
            (Locale::En, 0) => "today".into(),
            (Locale::De, 1) => "morgen".into(),
            (Locale::En, 1) => "tomorrow".into(),
            (Locale::De, days) => format!("in {days} Tagen"),
            (Locale::En, days) => format!("in {days} days"),
        }
    }
}

/// The calendar date in the office's time zone as `YYYY-MM-DD`, for `<time datetime>`.
pub fn iso_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&Berlin).format("%Y-%m-%d").to_string()
}

/// Date and time in the office's time zone, as German readers write it: `01.07.2026, 10:30 Uhr`.
pub fn berlin_date_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Berlin)
        .format("%d.%m.%Y, %H:%M Uhr")
        .to_string()
}

/// A moment in a sentence, in Hannover's time: "um 14:32" today, else "am 07.12.2026 um 14:32".
pub fn berlin_time_or_date_time(at: DateTime<Utc>) -> String {
    let at = at.with_timezone(&Berlin);
    if at.date_naive() == Utc::now().with_timezone(&Berlin).date_naive() {
        at.format("um %H:%M").to_string()
    } else {
        at.format("am %d.%m.%Y um %H:%M").to_string()
    }
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
    pub search_label: &'static str,
    pub breadcrumbs_label: &'static str,
    pub search_button: &'static str,
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
    pub statement_dates_heading: &'static str,
    pub statement_made_on: &'static str,
    pub statement_reviewed_on: &'static str,
    pub arbitration_heading: &'static str,
    pub arbitration_text: &'static str,
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
    /// The first step of the breadcrumbs: a link text that says where it leads on its own.
    pub home_page: &'static str,
    pub month_names: [&'static str; 12],
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub bad_request_title: &'static str,
    pub bad_request_text: &'static str,
    pub forbidden_title: &'static str,
    pub forbidden_text: &'static str,
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
    search_label: "Diese Website durchsuchen",
    breadcrumbs_label: "Sie sind hier",
    search_button: "Suchen",
    last_updated: "Stand",
    contact_heading: "Geschäftsstelle",
    phone: "Telefon",
    email: "E-Mail",
    contact_person: "Ansprechperson",
    chairs_heading: "Vorsitz",
    chairs_intro: "Den Vorsitz des Vereins haben derzeit inne:",
    membership_contact_heading: "Kontakt zur Geschäftsstelle",
    barrier_report_heading: "Barrieren melden",
    barrier_report_text: "Ist Ihnen auf dieser Website eine Barriere aufgefallen? Schreiben Sie uns oder rufen Sie uns an – wir antworten Ihnen und beheben das Problem so bald wie möglich.",
    statement_dates_heading: "Erstellung dieser Erklärung",
    statement_made_on: "Erstellt am",
    statement_reviewed_on: "Zuletzt überprüft am",
    arbitration_heading: "Schlichtungsverfahren",
    arbitration_text: "Haben Sie uns eine Barriere gemeldet und sind mit unserer Antwort nicht zufrieden? Dann können Sie sich an die Schlichtungsstelle wenden. Sie hilft, eine Lösung ohne Gericht zu finden. Das Verfahren ist kostenlos, und Sie brauchen keinen Rechtsbeistand.",
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
    home_page: "Startseite",
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
    forbidden_title: "Zugriff verweigert",
    forbidden_text: "Diese Aktion ist nur angemeldet und aus den Formularen dieser Website heraus möglich. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.",
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
    search_label: "Search this website",
    breadcrumbs_label: "You are here",
    search_button: "Search",
    last_updated: "Last updated",
    contact_heading: "Office",
    phone: "Phone",
    email: "Email",
    contact_person: "Contact person",
    chairs_heading: "Chair",
    chairs_intro: "The association is currently chaired by:",
    membership_contact_heading: "Contacting the office",
    barrier_report_heading: "Report a barrier",
    barrier_report_text: "Have you come across a barrier on this website? Write to us or give us a call – we will reply and fix the problem as soon as we can.",
    statement_dates_heading: "Preparation of this statement",
    statement_made_on: "Prepared on",
    statement_reviewed_on: "Last reviewed on",
    arbitration_heading: "Enforcement procedure",
    arbitration_text: "If you have reported a barrier to us and are not satisfied with our answer, you can turn to the arbitration body (Schlichtungsstelle) of Lower Saxony. It helps to find a solution without going to court. The procedure is free of charge, and you do not need a lawyer.",
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
    home_page: "Home page",
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
    forbidden_title: "Access denied",
    forbidden_text: "This action is only possible when signed in and from the forms of this website. Please reload the page and try again.",
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

/// The words of the membership inquiry form and its confirmation page.
pub struct FormText {
    pub heading: &'static str,
    pub intro: &'static str,
    pub organisation: &'static str,
    pub contact_name: &'static str,
    pub role: &'static str,
    pub role_hint: &'static str,
    pub email: &'static str,
    pub email_hint: &'static str,
    pub phone: &'static str,
    pub phone_hint: &'static str,
    pub efus_member: &'static str,
    pub efus_hint_before_link: &'static str,
    /// The text of the link at the end of the EFUS hint.
    pub efus_link: &'static str,
    pub efus_hint_after_link: &'static str,
    pub efus_yes: &'static str,
    pub efus_no: &'static str,
    pub efus_pending: &'static str,
    pub efus_unknown: &'static str,
    pub message: &'static str,
    pub message_hint: &'static str,
    pub honeypot: &'static str,
    pub privacy_before_link: &'static str,
    pub privacy_link: &'static str,
    pub privacy_after_link: &'static str,
    pub submit: &'static str,
    pub title_error_prefix: &'static str,
    pub notice_expired: &'static str,
    pub notice_invalid: &'static str,
    pub notice_unavailable: &'static str,
    pub notice_too_many: &'static str,
    pub receipt_title: &'static str,
    pub receipt_text: &'static str,
    pub receipt_reference: &'static str,
    pub receipt_next: &'static str,
    pub receipt_efus_before_link: &'static str,
    pub receipt_efus_after_link: &'static str,
    pub receipt_back: &'static str,
    pub confirm_title: &'static str,
    pub confirm_text: &'static str,
    pub confirm_back: &'static str,
    pub confirm_submit: &'static str,
}

pub static GERMAN_FORM: FormText = FormText {
    heading: "Mitgliedschaft anfragen",
    intro: "Mit diesem Formular bitten Sie die Geschäftsstelle um Aufnahme Ihrer Kommune oder um Auskunft zur Mitgliedschaft. Wir melden uns bei Ihnen.",
    organisation: "Kommune / Organisation",
    contact_name: "Ansprechperson",
    role: "Funktion / Dienststelle",
    role_hint: "Zum Beispiel: Leitung Ordnungsamt, Kommunaler Präventionsrat",
    email: "E-Mail (dienstlich)",
    email_hint: "An diese Adresse schreibt Ihnen die Geschäftsstelle.",
    phone: "Telefon",
    phone_hint: "Ziffern, Leerzeichen und + ( ) / -",
    efus_member: "Ist Ihre Kommune Mitglied bei EFUS?",
    efus_hint_before_link: "Mitglied bei DEFUS können Kommunen werden, die dem Europäischen Forum für Urbane Sicherheit angehören. Wie Ihre Kommune EFUS beitritt, erfahren Sie auf der ",
    efus_link: "Website von EFUS",
    efus_hint_after_link: ".",
    efus_yes: "Ja",
    efus_no: "Nein",
    efus_pending: "Der Beitritt ist beantragt",
    efus_unknown: "Weiß ich nicht",
    message: "Nachricht",
    message_hint: "Höchstens 5.000 Zeichen.",
    honeypot: "Bitte lassen Sie dieses Feld leer.",
    privacy_before_link: "Ihre Angaben werden gespeichert und per E-Mail an unsere Geschäftsstelle weitergeleitet, um Ihre Anfrage zu beantworten. Näheres in der ",
    privacy_link: "Datenschutzerklärung",
    privacy_after_link: ".",
    submit: "Anfrage senden",
    title_error_prefix: "Fehler: ",
    notice_expired: "Das Formular war sehr lange geöffnet. Ihre Angaben sind erhalten – bitte senden Sie es noch einmal ab.",
    notice_invalid: "Das Formular konnte nicht zugeordnet werden. Ihre Angaben sind erhalten – bitte senden Sie es noch einmal ab.",
    notice_unavailable: "Ihre Anfrage konnte gerade nicht gespeichert werden. Ihre Angaben sind erhalten – bitte versuchen Sie es in wenigen Minuten noch einmal.",
    notice_too_many: "Von Ihrem Anschluss sind in der letzten Stunde schon mehrere Anfragen eingegangen. Ihre Angaben sind erhalten – bitte senden Sie das Formular später noch einmal ab oder schreiben Sie uns eine E-Mail.",
    receipt_title: "Ihre Anfrage ist eingegangen",
    receipt_text: "Vielen Dank! Ihre Mitgliedschaftsanfrage ist bei uns eingegangen.",
    receipt_reference: "Ihre Referenz",
    receipt_next: "Die Geschäftsstelle meldet sich bei Ihnen. Bitte geben Sie bei Rückfragen Ihre Referenz an.",
    receipt_efus_before_link: "Bitte beachten Sie: Mitglied bei DEFUS können Kommunen werden, die Mitglied beim Europäischen Forum für Urbane Sicherheit (EFUS) sind. Wie Ihre Kommune EFUS beitritt, erfahren Sie auf der ",
    receipt_efus_after_link: ".",
    receipt_back: "Zur Startseite",
    confirm_title: "Bitte bestätigen Sie Ihre Anfrage",
    confirm_text: "Ihr Formular kam so schnell zurück, wie es sonst nur Programme schicken – oft füllt der Browser es von selbst aus. Damit Ihre Anfrage sicher bei uns ankommt, senden Sie sie bitte mit einem Klick ab. Das haben Sie eingetragen:",
    confirm_back: "Möchten Sie noch etwas ändern? Dann gehen Sie im Browser eine Seite zurück.",
    confirm_submit: "Anfrage jetzt senden",
};

pub static ENGLISH_FORM: FormText = FormText {
    heading: "Ask about membership",
    intro: "Use this form to ask the office to admit your municipality, or to ask about membership. We will get back to you.",
    organisation: "Municipality / organisation",
    contact_name: "Contact person",
    role: "Role / department",
    role_hint: "For example: head of the public order office, crime prevention council",
    email: "Email (work)",
    email_hint: "The office will write to you at this address.",
    phone: "Phone",
    phone_hint: "Digits, spaces and + ( ) / -",
    efus_member: "Is your municipality a member of EFUS?",
    efus_hint_before_link: "Municipalities that belong to the European Forum for Urban Security can become members of DEFUS. You can find out how your municipality can join EFUS on ",
    efus_link: "the EFUS website",
    efus_hint_after_link: ".",
    efus_yes: "Yes",
    efus_no: "No",
    efus_pending: "We have applied to join",
    efus_unknown: "I don't know",
    message: "Message",
    message_hint: "5,000 characters at most.",
    honeypot: "Please leave this field empty.",
    privacy_before_link: "Your details are stored and forwarded by email to our office in order to answer your inquiry. More in our ",
    privacy_link: "privacy policy",
    privacy_after_link: ".",
    submit: "Send inquiry",
    title_error_prefix: "Error: ",
    notice_expired: "The form was open for a very long time. Your entries have been kept – please send it again.",
    notice_invalid: "We could not match this form. Your entries have been kept – please send it again.",
    notice_unavailable: "We could not store your inquiry just now. Your entries have been kept – please try again in a few minutes.",
    notice_too_many: "Several inquiries have already reached us from your connection in the last hour. Your entries have been kept – please send the form again later, or write us an email.",
    receipt_title: "We have received your inquiry",
    receipt_text: "Thank you! Your membership inquiry has reached us.",
    receipt_reference: "Your reference",
    receipt_next: "The office will get back to you. Please quote your reference if you contact us about it.",
    receipt_efus_before_link: "Please note: municipalities that are members of the European Forum for Urban Security (EFUS) can become members of DEFUS. You can find out how your municipality can join EFUS on ",
    receipt_efus_after_link: ".",
    receipt_back: "Go to the home page",
    confirm_title: "Please confirm your inquiry",
    confirm_text: "Your form came back as quickly as only programs usually send one – often the browser fills it in by itself. To make sure your inquiry reaches us, please send it with one click. This is what you entered:",
    confirm_back: "Would you like to change something? Then go back one page in your browser.",
    confirm_submit: "Send the inquiry now",
};

/// The words of the news and events pages.
pub struct PublishingWords {
    pub news: &'static str,
    pub events: &'static str,
    pub upcoming_events: &'static str,
    pub past_events: &'static str,
    pub no_news: &'static str,
    pub no_upcoming_events: &'static str,
    pub all_news: &'static str,
    pub all_events: &'static str,
    pub newer: &'static str,
    pub older: &'static str,
    /// Followed by the page number, `of`, and the number of pages.
    pub page: &'static str,
    pub of: &'static str,
    /// Names the links to the other pages of a list, for assistive technology.
    pub pagination_label: &'static str,
    pub feed_link: &'static str,
    pub calendar_link: &'static str,
    pub calendar_hint: &'static str,
    pub add_to_calendar: &'static str,
    pub when: &'static str,
    pub place: &'static str,
    pub online: &'static str,
    pub join_online: &'static str,
    pub register: &'static str,
    pub published_on: &'static str,
    /// Before the last day of an event that has begun: `noch bis` 14. März.
    pub ongoing_until: &'static str,
    pub news_feed_title: &'static str,
    pub calendar_name: &'static str,
}

pub static GERMAN_PUBLISHING: PublishingWords = PublishingWords {
    news: "Aktuelles",
    events: "Termine",
    upcoming_events: "Kommende Termine",
    past_events: "Vergangene Termine",
    no_news: "Zurzeit gibt es keine Meldungen.",
    no_upcoming_events: "Zurzeit sind keine Termine angekündigt.",
    all_news: "Alle Meldungen",
    all_events: "Alle Termine",
    newer: "Neuere",
    older: "Ältere",
    page: "Seite",
    of: "von",
    pagination_label: "Weitere Seiten der Liste",
    feed_link: "Meldungen als Feed abonnieren (Atom)",
    calendar_link: "Termine im eigenen Kalender abonnieren (iCalendar)",
    calendar_hint: "Kalenderprogramme wie Outlook, Thunderbird oder der Kalender Ihres Telefons übernehmen neue Termine dann von selbst.",
    add_to_calendar: "In den eigenen Kalender übernehmen (.ics)",
    when: "Wann",
    place: "Wo",
    online: "Online",
    join_online: "Link zur Teilnahme",
    register: "Zur Anmeldung",
    published_on: "Veröffentlicht am",
    ongoing_until: "noch bis",
    news_feed_title: "Aktuelles vom DEFUS",
    calendar_name: "Termine des DEFUS",
};

pub static ENGLISH_PUBLISHING: PublishingWords = PublishingWords {
    news: "News",
    events: "Events",
    upcoming_events: "Upcoming events",
    past_events: "Past events",
    no_news: "There is no news at the moment.",
    no_upcoming_events: "No events are announced at the moment.",
    all_news: "All news",
    all_events: "All events",
    newer: "Newer",
    older: "Older",
    page: "Page",
    of: "of",
    pagination_label: "More pages of the list",
    feed_link: "Subscribe to the news feed (Atom)",
    calendar_link: "Subscribe to the events in your own calendar (iCalendar)",
    calendar_hint: "Calendar programs such as Outlook, Thunderbird or the calendar on your phone then add new events by themselves.",
    add_to_calendar: "Add to your calendar (.ics)",
    when: "When",
    place: "Where",
    online: "Online",
    join_online: "Link to join",
    register: "Register",
    published_on: "Published on",
    ongoing_until: "until",
    news_feed_title: "News from DEFUS",
    calendar_name: "DEFUS events",
};

/// The words every form uses around its fields.
pub struct FormWords {
    pub required: &'static str,
    pub optional: &'static str,
    /// Read out before an error message (visually hidden).
    pub error_prefix: &'static str,
    /// The heading of the list of problems above a form.
    pub error_summary: &'static str,
}

pub static GERMAN_FORM_WORDS: FormWords = FormWords {
    required: "Pflichtfeld",
    optional: "optional",
    error_prefix: "Fehler:",
    error_summary: "Bitte prüfen Sie Ihre Angaben",
};

pub static ENGLISH_FORM_WORDS: FormWords = FormWords {
    required: "required",
    optional: "optional",
    error_prefix: "Error:",
    error_summary: "Please check your entries",
};

impl Locale {
    pub fn publishing(self) -> &'static PublishingWords {
        match self {
            Locale::De => &GERMAN_PUBLISHING,
            Locale::En => &ENGLISH_PUBLISHING,
        }
    }

    pub fn form_words(self) -> &'static FormWords {
        match self {
            Locale::De => &GERMAN_FORM_WORDS,
            Locale::En => &ENGLISH_FORM_WORDS,
        }
    }

    pub fn form_text(self) -> &'static FormText {
        match self {
            Locale::De => &GERMAN_FORM,
            Locale::En => &ENGLISH_FORM,
        }
    }

    /// The message for `error` in any field.
    pub fn value_error(self, error: FieldError) -> String {
        match (self, error) {
            (Locale::De, FieldError::Required) => "Bitte füllen Sie dieses Feld aus.".into(),
            (Locale::En, FieldError::Required) => "Please fill in this field.".into(),
            (Locale::De, FieldError::TooShort { min }) => {
                format!("Bitte geben Sie mindestens {min} Zeichen ein.")
            }
            (Locale::En, FieldError::TooShort { min }) => {
                format!("Please enter at least {min} characters.")
            }
            (Locale::De, FieldError::TooLong { max }) => {
                format!(
                    "Bitte kürzen Sie Ihre Eingabe auf höchstens {} Zeichen.",
                    group_thousands(max, '.')
                )
            }
            (Locale::En, FieldError::TooLong { max }) => {
                format!(
                    "Please shorten this to {} characters or fewer.",
                    group_thousands(max, ',')
                )
            }
            (Locale::De, FieldError::ControlCharacter) => {
                "Bitte verwenden Sie hier keine Zeilenumbrüche oder Steuerzeichen.".into()
            }
            (Locale::En, FieldError::ControlCharacter) => {
                "Please do not use line breaks or control characters here.".into()
            }
            (Locale::De, FieldError::InvalidEmail) => {
                "Bitte geben Sie eine E-Mail-Adresse in der Form name@stadt.de an.".into()
            }
            (Locale::En, FieldError::InvalidEmail) => {
                "Please enter an email address in the form name@city.de.".into()
            }
            (Locale::De, FieldError::InvalidPhone) => {
                "Bitte verwenden Sie nur Ziffern, Leerzeichen und die Zeichen + ( ) / -.".into()
            }
            (Locale::En, FieldError::InvalidPhone) => {
                "Please use only digits, spaces and the characters + ( ) / -.".into()
            }
            (Locale::De, FieldError::InvalidChoice) => {
                "Bitte wählen Sie eine der angebotenen Antworten.".into()
            }
            (Locale::En, FieldError::InvalidChoice) => {
                "Please choose one of the answers offered.".into()
            }
            (Locale::De, FieldError::AlreadyTaken) => "Das ist schon vergeben.".into(),
            (Locale::En, FieldError::AlreadyTaken) => "This is taken already.".into(),
            (Locale::De, FieldError::InvalidSlug) => {
                "Bitte nur Kleinbuchstaben a–z, Ziffern und einzelne Bindestriche verwenden, z. B. jahresbericht-2025.".into()
            }
            (Locale::En, FieldError::InvalidSlug) => {
                "Please use only lower-case letters a–z, digits and single hyphens, e.g. annual-report-2025.".into()
            }
            (Locale::De, FieldError::InvalidDate) => {
                "Bitte geben Sie ein Datum an, das es gibt, in der Form JJJJ-MM-TT.".into()
            }
            (Locale::En, FieldError::InvalidDate) => {
                "Please enter a date that exists, in the form YYYY-MM-DD.".into()
            }
            (Locale::De, FieldError::InvalidDateTime) => {
                "Bitte geben Sie Datum und Uhrzeit an, die es gibt, in der Form JJJJ-MM-TTTHH:MM.".into()
            }
            (Locale::En, FieldError::InvalidDateTime) => {
                "Please enter a date and time that exist, in the form YYYY-MM-DDTHH:MM.".into()
            }
            (Locale::De, FieldError::SkippedTime) => {
                "Diese Uhrzeit gibt es an diesem Tag nicht: Die Uhren springen von 2 auf 3 Uhr (Beginn der Sommerzeit).".into()
            }
            (Locale::En, FieldError::SkippedTime) => {
                "This time does not exist on that day: clocks go forward from 2:00 to 3:00 (start of summer time).".into()
            }
            (Locale::De, FieldError::EndBeforeStart) => {
                "Das Ende liegt vor dem Beginn. Bitte prüfen Sie Datum und Uhrzeit.".into()
            }
            (Locale::En, FieldError::EndBeforeStart) => {
                "The end is before the start. Please check the date and time.".into()
            }
            (Locale::De, FieldError::ReviewedBeforeMade) => {
                "Die Prüfung kann nicht vor der Erstellung liegen. Bitte prüfen Sie beide Daten.".into()
            }
            (Locale::En, FieldError::ReviewedBeforeMade) => {
                "The review cannot be earlier than the date it was made. Please check both dates.".into()
            }
            (Locale::De, FieldError::InvalidWebAddress) => {
                "Bitte geben Sie eine vollständige Webadresse an, die mit https:// oder http:// beginnt.".into()
            }
            (Locale::En, FieldError::InvalidWebAddress) => {
                "Please enter a complete web address starting with https:// or http://.".into()
            }
            (Locale::De, FieldError::NoPlace) => {
                "Bitte geben Sie den Ort an – oder bei einer Online-Veranstaltung unten den Link zur Teilnahme.".into()
            }
            (Locale::En, FieldError::NoPlace) => {
                "Please give the city – or, for an online event, the link to join below.".into()
            }
            (Locale::De, FieldError::InvalidYear) => {
                "Bitte geben Sie ein Jahr mit vier Ziffern an, z. B. 2010.".into()
            }
            (Locale::En, FieldError::InvalidYear) => {
                "Please enter a year with four digits, e.g. 2010.".into()
            }
            (Locale::De, FieldError::InvalidNumber) => {
                "Bitte geben Sie eine Zahl an, z. B. 52,3759.".into()
            }
            (Locale::En, FieldError::InvalidNumber) => "Please enter a number, e.g. 52.3759.".into(),
            (Locale::De, FieldError::OutsideGermany) => {
                "Diese Position liegt nicht in Deutschland. Breite liegt zwischen 47 und 55, Länge zwischen 5,8 und 15,1.".into()
            }
            (Locale::En, FieldError::OutsideGermany) => {
                "This position is not in Germany: latitude lies between 47 and 55, longitude between 5.8 and 15.1.".into()
            }
        }
    }
}

/// `5000` as `5.000` (German) or `5,000` (English).
fn group_thousands(number: usize, separator: char) -> String {
    let digits = number.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    grouped
}

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

    #[test]
    fn long_numbers_are_grouped_as_each_language_writes_them() {
        assert_eq!(group_thousands(5000, '.'), "5.000");
        assert_eq!(group_thousands(120, ','), "120");
        assert_eq!(group_thousands(1234567, ','), "1,234,567");
    }
}
