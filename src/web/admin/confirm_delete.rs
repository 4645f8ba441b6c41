//! The page that asks before a document or a member is deleted for good.

use askama::Template;

use crate::web::admin::layout::AdminLayout;
use crate::web::admin::paths;

#[derive(Template)]
#[template(path = "admin/confirm_delete.html")]
pub struct ConfirmDeleteTemplate<'a> {
    pub layout: AdminLayout<'a>,
    pub heading: String,
    /// What deleting means, and what cannot be undone.
    pub explanation: &'static str,
    pub action: String,
    pub cancel_path: String,
    pub csrf_token: &'a str,
}
