//! Structured data (JSON-LD, schema.org) that search engines read from the pages: the
//! association from the organisation facts, each news item as a `NewsArticle`, each event as an
//! `Event`, and the way to a page as a `BreadcrumbList`. The JSON goes into a `<script type="application/ld+json">` data block, which
//! browsers never run, so the Content-Security-Policy without scripts still holds.

use serde_json::{Value, json};

use crate::assets::Asset;
use crate::content::OrganisationFacts;
use crate::content::events::{Event, EventTimes};
use crate::content::markdown;
use crate::content::news::NewsItem;
use crate::state::SiteSettings;
use crate::web::layout::Crumb;

const EFUS: &str = "https://efus.eu";

/// `value` as text that cannot end the `<script>` element it stands in.
fn script_safe(value: &Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

fn organization_value(facts: &OrganisationFacts, site: &SiteSettings) -> Value {
    let mut organization = json!({
        "@type": "Organization",
        "name": facts.legal_name,
        "alternateName": facts.short_name,
        "url": site.base_url.join("/"),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": facts.street,
            "postalCode": facts.postal_code,
            "addressLocality": facts.city,
            "addressCountry": "DE",
        },
        "logo": site.base_url.join(Asset::Icon.url()),
        "memberOf": {
            "@type": "Organization",
            "name": "European Forum for Urban Security (Efus)",
            "url": EFUS,
        },
    });
    if let Some(phone) = &facts.phone {
        organization["telephone"] = json!(international(phone));
    }
    if let Some(email) = &facts.email {
        organization["email"] = json!(email);
    }
    organization
}

/// A phone number as written in Germany (`0511 120-5262`) with its country code
/// (`+49 511 120-5262`), as search engines want it; one with a country code stays as it is.
fn international(phone: &str) -> String {
    let phone = phone.trim();
    if let Some(rest) = phone.strip_prefix("00") {
        format!("+{rest}")
    } else if let Some(rest) = phone.strip_prefix('0') {
        format!("+49 {rest}")
    } else {
        phone.to_owned()
    }
}

/// The association, for the start and the contact page.
pub fn organization(facts: &OrganisationFacts, site: &SiteSettings) -> String {
    let mut value = organization_value(facts, site);
    value["@context"] = json!("https://schema.org");
    script_safe(&value)
}

/// A news item at `path`.
pub fn news_article(
    item: &NewsItem,
    path: &str,
    facts: &OrganisationFacts,
    site: &SiteSettings,
) -> String {
    let mut article = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": item.text.title,
        "description": item.text.teaser,
        "datePublished": crate::web::news::published_time(item),
        "dateModified": item.updated_at.to_rfc3339(),
        "inLanguage": item.locale().code(),
        "url": site.base_url.join(path),
        "author": organization_value(facts, site),
        "publisher": organization_value(facts, site),
    });
    if let Some(image) = &item.image {
        article["image"] = json!(site.base_url.join(&crate::web::images::path(image)));
    }
    script_safe(&article)
}

/// An event at `path`: online or at its place, with its times (whole days as dates).
pub fn event(event: &Event, path: &str, facts: &OrganisationFacts, site: &SiteSettings) -> String {
    let text = &event.text;
    let (start, end) = match (text.times, text.times.instants()) {
        (_, Some((start, end))) => (start.to_rfc3339(), end.to_rfc3339()),
        (EventTimes::WholeDays { first, last }, None) => (first.to_string(), last.to_string()),
        (EventTimes::Timed { starts, ends }, None) => (starts.to_string(), ends.to_string()),
    };
    let (mode, location) = match &text.online_url {
        Some(url) if text.city.is_empty() => (
            "https://schema.org/OnlineEventAttendanceMode",
            json!({ "@type": "VirtualLocation", "url": url }),
        ),
        _ => (
            "https://schema.org/OfflineEventAttendanceMode",
            json!({
                "@type": "Place",
                "name": if text.venue.is_empty() { &text.city } else { &text.venue },
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": text.address,
                    "addressLocality": text.city,
                    "addressCountry": text.country.code(),
                },
            }),
        ),
    };
    script_safe(&json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": text.title,
        "description": markdown::to_plain_text(&text.description_markdown, site.base_url.as_str()),
        "startDate": start,
        "endDate": end,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": mode,
        "location": location,
        "inLanguage": event.locale().code(),
        "url": site.base_url.join(path),
        "organizer": organization_value(facts, site),
    }))
}

/// The way to a page (its breadcrumbs, the page itself last), with absolute addresses.
pub fn breadcrumbs(trail: &[Crumb], site: &SiteSettings) -> String {
    let items: Vec<Value> = trail
        .iter()
        .zip(1..)
        .map(|(crumb, position)| {
            json!({
                "@type": "ListItem",
                "position": position,
                "name": crumb.label,
                "item": site.base_url.join(&crumb.path),
            })
        })
        .collect();
    script_safe(&json!({
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": items,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_get_the_country_code() {
        assert_eq!(international("0511 120-5262"), "+49 511 120-5262");
        assert_eq!(international("0033 1 23 45"), "+33 1 23 45");
        assert_eq!(international("+49 511 1"), "+49 511 1");
    }

    #[test]
    fn text_cannot_close_the_script_element() {
        let value = json!({ "name": "</script><script>alert(1)</script>" });
        let safe = script_safe(&value);
        assert!(!safe.contains('<'));
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }
}
