//! The way in for what is held in memory: a `GET` or `HEAD` of a page or a static file is
//! answered here, before routing and the layers that only other requests need (timeouts, the
//! cross-site check, error pages, compression, request spans). Those answers are always the
//! same bytes with headers made ahead, so nothing of that machinery has anything to do for them.
//! The news and events pages, whose addresses change with what is published, are looked up in
//! the page cache; an old address of an item answers with a redirect to its new one.
//! Everything else goes on to the router (`app::router`).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, LazyLock};
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use futures_util::future::{Either, Ready, ready};
use tower::Service;

use crate::assets::Asset;
use crate::content::PageKey;
use crate::i18n::Locale;
use crate::inquiry::token::FormTokenKey;
use crate::monitoring;
use crate::web::page_cache::PageCache;

/// What a path held in memory is.
#[derive(Debug, Clone, Copy)]
enum Held {
    Page(PageKey, Locale),
    /// The membership page, whose form needs a token of its own for every view.
    MembershipForm(Locale),
    Asset(Asset),
}

/// Every path answered from memory.
static HELD: LazyLock<HashMap<&'static str, Held>> = LazyLock::new(|| {
    let pages = PageKey::ALL.into_iter().flat_map(|key| {
        Locale::ALL.map(|locale| {
            let held = if key == PageKey::Membership {
                Held::MembershipForm(locale)
            } else {
                Held::Page(key, locale)
            };
            (key.path(locale), held)
        })
    });
    let assets = Asset::ALL.map(|asset| (asset.url(), Held::Asset(asset)));
    pages.chain(assets).collect()
});

#[derive(Clone)]
pub struct FrontDoor<S> {
    pages: PageCache,
    form_tokens: Arc<FormTokenKey>,
    inner: S,
}

impl<S> FrontDoor<S> {
    pub fn new(pages: PageCache, form_tokens: Arc<FormTokenKey>, inner: S) -> Self {
        Self {
            pages,
            form_tokens,
            inner,
        }
    }

    /// The answer from memory, if `request` asks for something held there.
    fn answer(&self, request: &Request<Body>) -> Option<Response> {
        let method = request.method();
        if method != Method::GET && method != Method::HEAD {
            return None;
        }
        let headers = request.headers();
        let uri = request.uri();
        let Some(held) = HELD.get(uri.path()) else {
            if let Some(page) = self.pages.published(uri.path(), uri.query()) {
                return Some(page.respond(method, headers));
            }
            return self
                .pages
                .redirect(uri.path())
                .map(|to| moved_permanently(&to));
        };
        match held {
            Held::Page(key, locale) => {
                Some(self.pages.page(*key, *locale)?.respond(method, headers))
            }
            Held::Asset(asset) => Some(self.pages.asset(*asset)?.respond(method, headers)),
            Held::MembershipForm(locale) => {
                let page = self.pages.membership_form(*locale)?;
                let token = self.form_tokens.issue(Utc::now());
                Some(page.respond(method, headers, &token))
            }
        }
    }
}

impl<S> Service<Request<Body>> for FrontDoor<S>
where
    S: Service<Request<Body>, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<Ready<Result<Response, Infallible>>, S::Future>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let started = Instant::now();
        match self.answer(&request) {
            Some(response) => {
                monitoring::record_request(
                    monitoring::HELD_IN_MEMORY,
                    response.status(),
                    started.elapsed(),
                );
                // Like the router's request log: method, path and status only, and at debug
                // level, as a line per page view would cost more than the view itself.
                tracing::debug!(
                    method = %request.method(),
                    path = %request.uri().path(),
                    status = response.status().as_u16(),
                    "answered from memory"
                );
                Either::Left(ready(Ok(response)))
            }
            None => Either::Right(self.inner.call(request)),
        }
    }
}

/// 301 rather than axum's 308: the status search engines and old links know best for an address
/// that moved for good.
fn moved_permanently(to: &str) -> Response {
    (
        StatusCode::MOVED_PERMANENTLY,
        [(header::LOCATION, to.to_owned())],
    )
        .into_response()
}
