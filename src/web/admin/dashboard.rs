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
use crate::mail::outbox::{self, DeliveryAlerts};
use crate::state::AppState;
use crate::web::admin::auth::SignedIn;
use crate::web::admin::layout::{AdminLayout, Section};
use crate::web::admin::paths;

/// How many inquiries each list on the overview shows at most.
const SHOWN: i64 = 10;
/// A page whose text is older than this is due for a look.
const REVIEW_AFTER_MONTHS: u32 = 12;

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardTemplate<'a> {
    layout: AdminLayout<'a>,
    alerts: DeliveryAlerts,
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
        self.alerts.failed == 0
            && self.alerts.pending_over_an_hour == 0
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
    let (alerts, counts, new_inquiries, assigned_to_me, facts, pages) = tokio::try_join!(
        outbox::alerts(&state.pool),
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
            alerts,
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
