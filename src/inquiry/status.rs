//! Where an inquiry stands in the office's handling.

use crate::text_enum;

text_enum! {
    pub enum InquiryStatus {
        New = "new",
        InProgress = "in_progress",
        Done = "done",
        Spam = "spam",
    }
}

impl InquiryStatus {
    /// As the office says it.
    pub fn label(self) -> &'static str {
        match self {
            InquiryStatus::New => "neu",
            InquiryStatus::InProgress => "in Bearbeitung",
            InquiryStatus::Done => "erledigt",
            InquiryStatus::Spam => "Spam",
        }
    }
}
