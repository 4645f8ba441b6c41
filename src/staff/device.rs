//! A coarse description of the device a staff member signed in with ("Firefox unter Windows"),
//! read from the user agent. Coarse on purpose: enough to recognise one's own devices in the
//! list of sign-ins, too little to follow anyone; the user agent itself is not kept.

/// Browser and system as words the office knows, e.g. "Safari auf iPhone".
pub fn describe(user_agent: &str) -> String {
    let browser = browser(user_agent);
    match system(user_agent) {
        Some(System::Phone(name)) => format!("{browser} auf {name}"),
        Some(System::Computer(name)) => format!("{browser} unter {name}"),
        None => browser.to_owned(),
    }
}

enum System {
    /// Said with "auf" ("Chrome auf Android-Smartphone").
    Phone(&'static str),
    /// Said with "unter" ("Firefox unter Windows").
    Computer(&'static str),
}

fn system(agent: &str) -> Option<System> {
    // Order matters: iPhone agents say "like Mac OS X", Android agents say "Linux".
    Some(if agent.contains("iPhone") {
        System::Phone("iPhone")
    } else if agent.contains("iPad") {
        System::Phone("iPad")
    } else if agent.contains("Android") {
        if agent.contains("Mobile") {
            System::Phone("Android-Smartphone")
        } else {
            System::Phone("Android-Tablet")
        }
    } else if agent.contains("Windows") {
        System::Computer("Windows")
    } else if agent.contains("Mac OS X") || agent.contains("Macintosh") {
        System::Computer("macOS")
    } else if agent.contains("CrOS") {
        System::Computer("ChromeOS")
    } else if agent.contains("Linux") {
        System::Computer("Linux")
    } else {
        return None;
    })
}

fn browser(agent: &str) -> &'static str {
    // Order matters: Edge and Opera say "Chrome", Chrome says "Safari".
    if agent.contains("Edg/") || agent.contains("EdgA/") || agent.contains("EdgiOS/") {
        "Edge"
    } else if agent.contains("OPR/") || agent.contains("Opera") {
        "Opera"
    } else if agent.contains("SamsungBrowser/") {
        "Samsung Internet"
    } else if agent.contains("Firefox/") || agent.contains("FxiOS/") {
        "Firefox"
    } else if agent.contains("Chrome/") || agent.contains("CriOS/") || agent.contains("Chromium/") {
        "Chrome"
    } else if agent.contains("Safari/") {
        "Safari"
    } else {
        "Unbekannter Browser"
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn common_browsers_are_named_with_their_system() {
        for (agent, expected) in [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox unter Windows",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge unter Windows",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                "Safari unter macOS",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari auf iPhone",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                "Chrome auf Android-Smartphone",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
                "Chrome unter Linux",
            ),
        ] {
            assert_eq!(describe(agent), expected, "{agent}");
        }
    }

    #[test]
    fn an_unknown_or_missing_agent_is_said_so() {
        assert_eq!(describe(""), "Unbekannter Browser");
        assert_eq!(describe("curl/8.5.0"), "Unbekannter Browser");
    }
}
