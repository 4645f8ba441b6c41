//! Page bodies are written in Markdown by staff; visitors get sanitised HTML.

use std::sync::LazyLock;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The kinds of address a link may lead to; `javascript:`, `data:` and the like are dropped.
const LINK_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// Which HTML may reach visitors. Images are left out on purpose: a picture linked from another
/// host would make every visitor's browser contact that host.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .rm_tags(["img"])
        // No `rel` is added: links open in the same tab, where `noopener` has nothing to do.
        .link_rel(None)
        .url_schemes(LINK_SCHEMES.into());
    builder
});

/// Renders Markdown to HTML that is safe to embed in a page. The page title is the page's only
/// `<h1>`, so headings of level 1 in the body become level 2.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: HeadingLevel::H2,
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
            Event::End(TagEnd::Heading(HeadingLevel::H2))
        }
        other => other,
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    SANITIZER.clean(&html).to_string()
}

/// The words of `markdown` without its markup, one paragraph, item or heading per line (for a
/// calendar entry's description). Links keep their address in brackets, made absolute with
/// `site` (the site's base URL) when they lead to one of its own pages, and only when they are of
/// the kinds the pages allow; raw HTML is dropped.
pub fn to_plain_text(markdown: &str, site: &str) -> String {
    plain_text(markdown, Some(site))
}

/// The words of `markdown` as a reader sees them (for the site search): like
/// [`to_plain_text`], but links without their address.
pub fn to_words(markdown: &str) -> String {
    plain_text(markdown, None)
}

/// The address a link shows in plain text, if it may be shown at all.
fn shown_link_target(target: &str, site: &str) -> Option<String> {
    if target.starts_with('/') && !target.starts_with("//") {
        return Some(format!("{site}{target}"));
    }
    let (scheme, _) = target.split_once(':')?;
    LINK_SCHEMES
        .iter()
        .any(|allowed| scheme.eq_ignore_ascii_case(allowed))
        .then(|| target.to_owned())
}

fn plain_text(markdown: &str, site_for_link_targets: Option<&str>) -> String {
    let mut text = String::with_capacity(markdown.len());
    let mut link_targets = Vec::new();
    for event in Parser::new_ext(
        markdown,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    ) {
        match event {
            Event::Text(words) | Event::Code(words) => text.push_str(&words),
            Event::SoftBreak => text.push(' '),
            Event::HardBreak => text.push('\n'),
            Event::Start(Tag::Item) => text.push_str("– "),
            Event::Start(Tag::Link { dest_url, .. }) => link_targets.push(dest_url),
            Event::End(TagEnd::Link) => {
                if let Some(target) = link_targets.pop()
                    && let Some(site) = site_for_link_targets
                    && let Some(shown) = shown_link_target(&target, site)
                {
                    text.push_str(&format!(" ({shown})"));
                }
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableRow,
            ) => text.push('\n'),
            Event::End(TagEnd::TableCell) => text.push(' '),
            _ => {}
        }
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::{to_plain_text, to_safe_html};

    #[test]
    fn plain_text_keeps_words_lines_and_link_targets() {
        let text = to_plain_text(
            "## Programm\n\nVorträge, *Workshops*; mehr unter [praeventionstag.de](https://www.praeventionstag.de).\n\n- Tag 1\n- Tag 2\n\n<script>x()</script>",
            "https://www.defus.org",
        );
        assert_eq!(
            text,
            "Programm\nVorträge, Workshops; mehr unter praeventionstag.de (https://www.praeventionstag.de).\n– Tag 1\n– Tag 2"
        );
    }

    #[test]
    fn plain_text_keeps_only_link_targets_a_page_would_allow() {
        let text = to_plain_text(
            "[a](javascript:alert(1)) [b](data:text/html,x) [c](JavaScript:x) [d](vbscript:x) \
             [e](mailto:buero@defus.org) [f](tel:+495111234) [g](/dokumente/satzung.pdf) \
             [h](//evil.example/x) [i](HTTPS://efus.eu)",
            "https://www.defus.org",
        );
        assert_eq!(
            text,
            "a b c d e (mailto:buero@defus.org) f (tel:+495111234) \
             g (https://www.defus.org/dokumente/satzung.pdf) h i (HTTPS://efus.eu)"
        );
    }

    #[test]
    fn renders_common_markdown() {
        let html = to_safe_html("## Ziele\n\n- **Prävention**\n- [EFUS](https://efus.eu)\n");
        assert!(html.contains("<h2>Ziele</h2>"), "{html}");
        assert!(html.contains("<strong>Prävention</strong>"), "{html}");
        assert!(
            html.contains(r#"<a href="https://efus.eu">EFUS</a>"#),
            "{html}"
        );
    }

    #[test]
    fn removes_scripts_handlers_and_javascript_links() {
        let html = to_safe_html(
            "<script>alert(1)</script>\n\n<p onclick=\"x()\">Text</p>\n\n[Klick](javascript:alert(1))",
        );
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("Text"), "{html}");
    }

    #[test]
    fn drops_images_so_no_other_host_is_contacted() {
        let html = to_safe_html("![Logo](https://tracker.example/pixel.gif)");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("tracker.example"), "{html}");
    }

    #[test]
    fn level_one_headings_become_level_two() {
        assert_eq!(to_safe_html("# Titel").trim(), "<h2>Titel</h2>");
    }
}
