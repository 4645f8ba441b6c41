//! What the site tells search engines and security researchers, rendered with the pages:
//! `robots.txt` (everything public may be indexed, the staff area not), `sitemap.xml` (every
//! public address with its last change and its versions in the other language) and
//! `/.well-known/security.txt` (RFC 9116), all with absolute URLs from `BASE_URL`.

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};

use crate::content::{OrganisationFacts, PageKey, SiteContent};
use crate::i18n::Locale;
use crate::state::SiteSettings;

pub const ROBOTS_PATH: &str = "/robots.txt";
pub const SITEMAP_PATH: &str = "/sitemap.xml";
pub const SECURITY_TXT_PATH: &str = "/.well-known/security.txt";

pub const TEXT: &str = "text/plain; charset=utf-8";
pub const XML: &str = "application/xml; charset=utf-8";

/// One address of the sitemap.
#[derive(Debug, Clone)]
pub struct SitemapEntry {
    pub path: String,
    /// When what the address shows last changed, if known.
    pub last_modified: Option<DateTime<Utc>>,
    /// The address in each language it exists in, itself included (none for a file).
    pub versions: Vec<(Locale, String)>,
}

impl SitemapEntry {
    /// The entries of a thing at `versions`, one per language, each naming all.
    pub fn each_of(
        versions: Vec<(Locale, String)>,
        last_modified: Option<DateTime<Utc>>,
    ) -> Vec<SitemapEntry> {
        versions
            .iter()
            .map(|(_, path)| SitemapEntry {
                path: path.clone(),
                last_modified,
                versions: versions.clone(),
            })
            .collect()
    }
}

pub fn robots(site: &SiteSettings) -> String {
    format!(
        // No "Allow: /": what is not disallowed is allowed, and parsers that take the first
        // matching line (Python's among them) would read "Allow: /" as allowing /admin.
        "User-agent: *\nDisallow: /admin\n\nSitemap: {}\n",
        site.base_url.join(SITEMAP_PATH)
    )
}

/// The sitemap: the content pages (from `content`) and `published` (news, events, lists,
/// documents, as the page cache renders them).
pub fn sitemap(content: &SiteContent, published: &[SitemapEntry], site: &SiteSettings) -> String {
    let mut entries = Vec::new();
    for key in PageKey::ALL {
        for locale in Locale::ALL {
            let Some(page) = content.page(key, locale) else {
                continue;
            };
            entries.push(SitemapEntry {
                path: key.path(locale).to_owned(),
                last_modified: Some(page.updated_at),
                versions: Locale::ALL
                    .map(|version| (version, key.path(version).to_owned()))
                    .into(),
            });
        }
    }
    entries.extend(published.iter().cloned());
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for entry in entries {
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(&escape(&site.base_url.join(&entry.path)));
        xml.push_str("</loc>\n");
        if let Some(at) = entry.last_modified {
            xml.push_str(&format!(
                "    <lastmod>{}</lastmod>\n",
                at.to_rfc3339_opts(SecondsFormat::Secs, true)
            ));
        }
        for (locale, path) in &entry.versions {
            xml.push_str(&format!(
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                locale.code(),
                escape(&site.base_url.join(path))
            ));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// Addresses are made of slugs and fixed paths, but an `&` in `BASE_URL` must not break the XML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// RFC 9116: whom to tell about a security problem. Valid for a year from `today`, rendered
/// again every day like the other pages.
pub fn security_txt(facts: &OrganisationFacts, today: NaiveDate, site: &SiteSettings) -> String {
    let expires = (today + Duration::days(365))
        .and_hms_opt(0, 0, 0)
        .map(|midnight| {
            midnight
                .and_utc()
                .to_rfc3339_opts(SecondsFormat::Secs, true)
        })
        .unwrap_or_default();
    // Without an office address, the contact page says how to reach the office.
    let contact = facts.email.as_ref().map_or_else(
        || site.base_url.join(PageKey::Contact.path(Locale::De)),
        |email| format!("mailto:{email}"),
    );
    format!(
        "Contact: {contact}\nExpires: {expires}\nPreferred-Languages: de, en\nCanonical: {}\n",
        site.base_url.join(SECURITY_TXT_PATH)
    )
}
