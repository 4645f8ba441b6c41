//! The first page after signing in: what needs attention.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use crate::error::AppError;
use crate::inquiry::inbox::{self, InboxEntry};
use crate::inquiry::status::InquiryStatus;
use crate::inquiry::stored::InquiryFilter;
use crate::mail::outbox::{self, DeliveryAlerts};
use crate::state::AppState;
use crate::web::admin::auth::SignedIn;
use crate::web::admin::layout::{AdminLayout, Section};
use crate::web::admin::paths;

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardTemplate<'a> {
    layout: AdminLayout<'a>,
    alerts: DeliveryAlerts,
    counts: Vec<(InquiryStatus, i64)>,
    latest: Vec<InboxEntry>,
}

pub async fn show(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Html<String>, AppError> {
    let everything = InquiryFilter::default();
    let (alerts, counts, latest) = tokio::try_join!(
        outbox::alerts(&state.pool),
        inbox::count_by_status(&state.pool),
        inbox::list(&state.pool, &everything, 5),
    )?;
    Ok(Html(
        DashboardTemplate {
            layout: AdminLayout::new("Übersicht", Section::Dashboard, &session),
            alerts,
            counts,
            latest,
        }
        .render()?,
    ))
}
