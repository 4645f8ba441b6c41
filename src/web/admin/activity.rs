//! The activity log of the whole staff area (`/admin/protokoll`): who changed what and when,
//! filterable by person and by kind of change.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;

use crate::error::AppError;
use crate::staff::activity::{self, ActivityFilter, ActivityKind, Entry};
use crate::state::AppState;
use crate::web::admin::auth::SignedIn;
use crate::web::admin::layout::{AdminLayout, Section};
use crate::web::admin::paths;

/// The most entries one page shows.
const SHOWN: i64 = 300;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActivityQuery {
    /// An account id; empty for everyone.
    person: String,
    /// An activity kind's code; empty for every kind.
    art: String,
}

#[derive(Template)]
#[template(path = "admin/activity.html")]
struct ActivityTemplate<'a> {
    layout: AdminLayout<'a>,
    entries: Vec<Entry>,
    people: Vec<(i64, String)>,
    kinds: [ActivityKind; ActivityKind::ALL.len()],
    selected_person: Option<i64>,
    selected_kind: Option<ActivityKind>,
    shown: i64,
}

impl ActivityTemplate<'_> {
    fn is_selected_person(&self, id: &i64) -> bool {
        self.selected_person == Some(*id)
    }

    fn is_selected_kind(&self, kind: &ActivityKind) -> bool {
        self.selected_kind == Some(*kind)
    }
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Query(query): Query<ActivityQuery>,
) -> Result<Html<String>, AppError> {
    let filter = ActivityFilter {
        account_id: query.person.trim().parse().ok(),
        kind: ActivityKind::from_code(&query.art),
        subject: None,
    };
    let (entries, people) = tokio::try_join!(
        activity::list(&state.pool, &filter, SHOWN),
        activity::actors(&state.pool),
    )?;
    Ok(Html(
        ActivityTemplate {
            layout: AdminLayout::new("Protokoll", Section::Activity, &session),
            entries,
            people,
            kinds: ActivityKind::ALL,
            selected_person: filter.account_id,
            selected_kind: filter.kind,
            shown: SHOWN,
        }
        .render()?,
    ))
}
