//! The first page after signing in: what needs doing.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::{Months, Utc};

use crate::content::facts::{self, Fact};
use crate::content::{Page, page};
use crate::error::AppError;
use crate::i18n::berlin_date_time;
use crate::inquiry::inbox::{self, InboxEntry};
use crate::inquiry::status::InquiryStatus;
use crate::inquiry::stored::InquiryFilter;
use crate::mail::outbox::{self, TroubledEmail};
use crate::state::AppState;
use crate::web::admin::auth::SignedIn;
use crate::web::admin::layout::{AdminLayout, Section};
use crate::web::admin::paths;

/// How many inquiries each list on the overview shows at most.
const SHOWN: i64 = 10;
/// Spam held back within this many days is listed, so that a real person caught by it is
/// noticed in time.
const HELD_SPAM_DAYS: i32 = 14;
/// A page whose text is older than this is due for a look.
const REVIEW_AFTER_MONTHS: u32 = 12;

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardTemplate<'a> {
    layout: AdminLayout<'a>,
    troubled: Vec<TroubledEmail>,
    /// MAIL_HOLD is set: nothing is sent.
    mail_held: bool,
    held_spam: Vec<InboxEntry>,
    held_spam_days: i32,
    csrf_token: &'a str,
    counts: Vec<(InquiryStatus, i64)>,
    new_inquiries: Vec<InboxEntry>,
    assigned_to_me: Vec<InboxEntry>,
    missing_legal_details: Vec<Fact>,
    not_reviewed: Vec<Page>,
}

impl DashboardTemplate<'_> {
    fn updated(&self, page: &Page) -> String {
        berlin_date_time(page.updated_at)
    }

    fn nothing_to_do(&self) -> bool {
        self.troubled.is_empty()
            && self.held_spam.is_empty()
            && self.new_inquiries.is_empty()
            && self.assigned_to_me.is_empty()
            && self.missing_legal_details.is_empty()
            && self.not_reviewed.is_empty()
    }
}

pub async fn show(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Html<String>, AppError> {
    let new = InquiryFilter {
        status: Some(InquiryStatus::New),
        ..InquiryFilter::default()
    };
    let mine = InquiryFilter {
        assigned_to: Some(session.account_id),
        open_only: true,
        ..InquiryFilter::default()
    };
    let (troubled, held_spam, counts, new_inquiries, assigned_to_me, facts, pages) = tokio::try_join!(
        outbox::troubled(&state.pool),
        inbox::held_spam(&state.pool, HELD_SPAM_DAYS, SHOWN),
        inbox::count_by_status(&state.pool),
        inbox::list(&state.pool, &new, SHOWN),
        inbox::list(&state.pool, &mine, SHOWN),
        facts::load(&state.pool),
        page::list_all(&state.pool),
    )?;
    let review_before = Utc::now()
        .checked_sub_months(Months::new(REVIEW_AFTER_MONTHS))
        .unwrap_or_else(Utc::now);
    Ok(Html(
        DashboardTemplate {
            layout: AdminLayout::new("Übersicht", Section::Dashboard, &session),
            troubled,
            mail_held: state.staff.mail_held,
            held_spam,
            held_spam_days: HELD_SPAM_DAYS,
            csrf_token: &session.csrf_token,
            counts,
            new_inquiries,
            assigned_to_me,
            missing_legal_details: facts
                .map(|facts| facts.missing_legal_notice_details())
                .unwrap_or_default(),
            not_reviewed: pages
                .into_iter()
                .filter(|page| page.updated_at < review_before)
                .collect(),
        }
        .render()?,
    ))
}
