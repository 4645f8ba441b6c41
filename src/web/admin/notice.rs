//! The messages a staff page shows after an action redirected to it ("Gespeichert.", …). The
//! redirect names one by its code in the `meldung` parameter (see `paths::with_notice`); a code
//! that is not one of these shows nothing.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    SignedOut,
    Saved,
    Unchanged,
    Restored,
    StatusChanged,
    EmailQueuedAgain,
    EmailAlreadyWaiting,
    SpamNotSent,
    InquiryDeleted,
    NoteAdded,
    AssignmentChanged,
    PasswordChanged,
    OtherSessionsEnded,
    AccountLocked,
    AccountUnlocked,
    RoleChanged,
    AccountDeleted,
    LastAdministrator,
    NotOnOwnAccount,
    Published,
    Unpublished,
    Deleted,
    LockedAfterWrongPasswords,
    AssigneeUnavailable,
}

impl Notice {
    const ALL: [Notice; 24] = [
        Notice::SignedOut,
        Notice::Saved,
        Notice::Unchanged,
        Notice::Restored,
        Notice::StatusChanged,
        Notice::EmailQueuedAgain,
        Notice::EmailAlreadyWaiting,
        Notice::SpamNotSent,
        Notice::InquiryDeleted,
        Notice::NoteAdded,
        Notice::AssignmentChanged,
        Notice::PasswordChanged,
        Notice::OtherSessionsEnded,
        Notice::AccountLocked,
        Notice::AccountUnlocked,
        Notice::RoleChanged,
        Notice::AccountDeleted,
        Notice::LastAdministrator,
        Notice::NotOnOwnAccount,
        Notice::Published,
        Notice::Unpublished,
        Notice::Deleted,
        Notice::LockedAfterWrongPasswords,
        Notice::AssigneeUnavailable,
    ];

    /// The value of the `meldung` parameter.
    pub fn code(self) -> &'static str {
        match self {
            Notice::SignedOut => "abgemeldet",
            Notice::Saved => "gespeichert",
            Notice::Unchanged => "unveraendert",
            Notice::Restored => "wiederhergestellt",
            Notice::StatusChanged => "status",
            Notice::EmailQueuedAgain => "erneut",
            Notice::EmailAlreadyWaiting => "wartet",
            Notice::SpamNotSent => "spam",
            Notice::InquiryDeleted => "geloescht",
            Notice::NoteAdded => "notiz",
            Notice::AssignmentChanged => "zugewiesen",
            Notice::PasswordChanged => "passwort",
            Notice::OtherSessionsEnded => "andere-sitzungen",
            Notice::AccountLocked => "gesperrt",
            Notice::AccountUnlocked => "entsperrt",
            Notice::RoleChanged => "rolle",
            Notice::AccountDeleted => "konto-geloescht",
            Notice::LastAdministrator => "letzte-verwaltung",
            Notice::NotOnOwnAccount => "eigenes-konto",
            Notice::Published => "veroeffentlicht",
            Notice::Unpublished => "zurueckgezogen",
            Notice::Deleted => "entfernt",
            Notice::LockedAfterWrongPasswords => "konto-voruebergehend-gesperrt",
            Notice::AssigneeUnavailable => "nicht-zuweisbar",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|notice| notice.code() == code)
    }

    pub fn text(self) -> &'static str {
        match self {
            Notice::SignedOut => "Sie sind abgemeldet.",
            Notice::Saved => "Gespeichert. Die Website zeigt die Änderung ab sofort.",
            Notice::Unchanged => "Der Text war unverändert; es wurde nichts gespeichert.",
            Notice::Restored => "Die frühere Fassung ist wiederhergestellt.",
            Notice::StatusChanged => "Der Status ist geändert.",
            Notice::EmailQueuedAgain => "Die E-Mail an die Geschäftsstelle wird erneut gesendet.",
            Notice::EmailAlreadyWaiting => {
                "Die E-Mail wartet bereits auf die Zustellung; es wurde keine zweite geschickt."
            }
            Notice::SpamNotSent => {
                "Spam wird nicht an die Geschäftsstelle geschickt. Markieren Sie die Anfrage zuerst als „Kein Spam“."
            }
            Notice::InquiryDeleted => "Die Anfrage ist gelöscht.",
            Notice::NoteAdded => "Die Notiz ist gespeichert.",
            Notice::AssignmentChanged => "Die Zuständigkeit ist geändert.",
            Notice::PasswordChanged => {
                "Ihr Passwort ist geändert. Ihre Anmeldungen auf anderen Geräten sind beendet."
            }
            Notice::OtherSessionsEnded => {
                "Ihre Anmeldungen auf anderen Geräten und in anderen Browsern sind beendet."
            }
            Notice::AccountLocked => "Das Konto ist gesperrt; laufende Anmeldungen sind beendet.",
            Notice::AccountUnlocked => "Das Konto ist wieder freigegeben.",
            Notice::RoleChanged => "Die Rolle ist geändert.",
            Notice::AccountDeleted => "Das Konto ist gelöscht.",
            Notice::LastAdministrator => {
                "Nicht geändert: Es muss immer mindestens ein freigegebenes Konto mit der Rolle \
                 Verwaltung geben, sonst könnte niemand mehr Konten verwalten."
            }
            Notice::NotOnOwnAccount => {
                "Nicht geändert: Ihr eigenes Konto können Sie hier nicht sperren, löschen oder \
                 herabstufen. Bitten Sie eine Kollegin oder einen Kollegen mit der Rolle Verwaltung."
            }
            Notice::Published => {
                "Veröffentlicht. Die Website zeigt den Eintrag ab sofort – oder ab dem Tag, der \
                 bei einer Meldung als Datum eingetragen ist."
            }
            Notice::Unpublished => {
                "Zurückgezogen. Der Eintrag ist nur noch hier in der Verwaltung zu sehen."
            }
            Notice::Deleted => "Gelöscht.",
            Notice::AssigneeUnavailable => {
                "Nicht geändert: Das gewählte Konto ist gesperrt oder gelöscht. Bitte wählen Sie \
                 eine Kollegin oder einen Kollegen aus der Liste."
            }
            Notice::LockedAfterWrongPasswords => {
                "Sie sind abgemeldet: Das bisherige Passwort wurde zu oft falsch eingegeben. Das \
                 Konto ist deshalb für 15 Minuten gesperrt; danach können Sie sich wieder \
                 anmelden. Waren Sie das nicht, sagen Sie bitte der Verwaltung Bescheid."
            }
        }
    }

    /// Whether it tells of something that did not happen (shown as a problem, not a success).
    pub fn is_problem(self) -> bool {
        matches!(
            self,
            Notice::LastAdministrator
                | Notice::NotOnOwnAccount
                | Notice::LockedAfterWrongPasswords
                | Notice::AssigneeUnavailable
        )
    }

    /// The notice as the `messages` macro takes it: (success, problem).
    pub fn as_messages(notice: Option<Self>) -> (Option<&'static str>, Option<&'static str>) {
        match notice {
            Some(notice) if notice.is_problem() => (None, Some(notice.text())),
            Some(notice) => (Some(notice.text()), None),
            None => (None, None),
        }
    }
}

/// The `meldung` parameter of a staff page's query string.
#[derive(Debug, Default, Deserialize)]
pub struct NoticeQuery {
    meldung: Option<String>,
}

impl NoticeQuery {
    pub fn notice(&self) -> Option<Notice> {
        self.meldung.as_deref().and_then(Notice::from_code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        for notice in Notice::ALL {
            assert_eq!(Notice::from_code(notice.code()), Some(notice));
        }
        assert_eq!(Notice::from_code("erfunden"), None);
    }
}
