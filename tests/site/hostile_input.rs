//! What a hostile visitor or a careless upload tries first, and what the site answers: large
//! files in ranges, bodies announced too large, connections that stall, inputs that once gave a
//! 500, and guessing a password from inside a session.

use std::time::Duration;

use defus::staff::account::Role;
use defus::web::admin::paths;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::{
    Page, Picture, STAFF_EMAIL, STAFF_PASSWORD, TestApp, assert_is_sent_to_sign_in,
    assert_redirects_to, event, news_item, read_calendar, redirect_target, spawn_app,
    spawn_app_with, valid_inquiry, with,
};

/// A PDF of `size` bytes whose content differs from byte to byte, so that a byte out of place
/// shows.
fn large_pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    let mut state: u32 = 0x1234_5678;
    while bytes.len() < size {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        bytes.push((state >> 24) as u8);
    }
    bytes
}

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("the server answers")
}

#[tokio::test]
async fn a_large_document_streams_byte_identical_whole_and_in_every_kind_of_range() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    // Several chunks of 256 KiB, and a last one that is not full.
    let bytes = large_pdf(3 * 1024 * 1024 + 12_345);
    let size = bytes.len();
    staff
        .upload_document("Großer Bericht", "bericht.pdf", bytes.clone())
        .await;
    let path = "/dokumente/grosser-bericht.pdf";

    let whole = app.get(path).await;
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["content-length"], size.to_string().as_str());
    let etag = whole.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        whole.bytes().await.unwrap().to_vec() == bytes,
        "the whole file, byte for byte"
    );

    // A range across the border of two chunks, one at the very end, and a suffix.
    for (range, start, end) in [
        ("bytes=262000-530000", 262_000, 530_000),
        (
            &format!("bytes={}-", size - 1000) as &str,
            size - 1000,
            size - 1,
        ),
        ("bytes=-70000", size - 70_000, size - 1),
        ("bytes=0-0", 0, 0),
    ] {
        let part = get_with(&app, path, &[("Range", range)]).await;
        assert_eq!(part.status(), 206, "{range}");
        assert_eq!(
            part.headers()["content-range"],
            format!("bytes {start}-{end}/{size}").as_str()
        );
        assert!(
            part.bytes().await.unwrap().to_vec() == bytes[start..=end],
            "{range}: the bytes asked for"
        );
    }

    // If-Range: the range while the file is the one the client has, the whole file otherwise.
    let current = get_with(
        &app,
        path,
        &[("Range", "bytes=10-19"), ("If-Range", etag.as_str())],
    )
    .await;
    assert_eq!(current.status(), 206);
    assert_eq!(current.bytes().await.unwrap().to_vec(), bytes[10..20]);
    let changed = get_with(
        &app,
        path,
        &[("Range", "bytes=10-19"), ("If-Range", "\"anders\"")],
    )
    .await;
    assert_eq!(changed.status(), 200);
    assert!(changed.bytes().await.unwrap().to_vec() == bytes);

    // Several ranges at once get the whole file, streamed like any download.
    let several = get_with(&app, path, &[("Range", "bytes=0-99,1000-1099")]).await;
    assert_eq!(several.status(), 200);
    assert!(several.headers().get("content-range").is_none());
    assert!(several.bytes().await.unwrap().to_vec() == bytes);

    let outside = get_with(&app, path, &[("Range", &format!("bytes={size}-"))]).await;
    assert_eq!(outside.status(), 416);

    let head = app.client.head(app.url(path)).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-length"], size.to_string().as_str());
    assert!(head.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_download_name_loses_its_invisible_format_characters() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    staff
        .upload_document(
            "Bericht",
            "Bericht\u{202e}fdp.exe\u{200b}.pdf",
            large_pdf(2000),
        )
        .await;
    let response = app.get("/dokumente/bericht.pdf").await;
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.ends_with("filename*=UTF-8''Berichtfdp%2Eexe%2Epdf"),
        "{disposition}"
    );
    assert!(!disposition.contains("%E2%80%AE"), "{disposition}");
}

/// Sends `head` on a connection of its own and returns what the server answered before it
/// closed the connection or went quiet for two seconds.
async fn raw_answer(app: &TestApp, head: &str) -> String {
    let address = app.address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0_u8; 4096];
    while let Ok(Ok(read)) =
        tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buffer)).await
    {
        if read == 0 {
            break;
        }
        answer.extend_from_slice(&buffer[..read]);
        if answer.windows(4).any(|end| end == b"\r\n\r\n") {
            break;
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_body_announced_larger_than_the_form_takes_is_refused_at_once() {
    let app = spawn_app().await;
    let answer = raw_answer(
        &app,
        "POST /mitgliedschaft HTTP/1.1\r\nHost: localhost\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 999999999\r\nExpect: 100-continue\r\n\r\n",
    )
    .await;
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "413 without waiting for the body, not 100 Continue: {answer}"
    );

    // The staff area's uploads take more, but not without end.
    let staff = app.signed_in_staff().await;
    let cookie = staff.session_cookie().unwrap();
    let answer = raw_answer(
        &app,
        &format!(
            "POST {} HTTP/1.1\r\nHost: localhost\r\nCookie: defus_staff={cookie}\r\n\
             Content-Type: multipart/form-data; boundary=x\r\n\
             Content-Length: 104857600\r\nExpect: 100-continue\r\n\r\n",
            paths::DOCUMENTS_NEW
        ),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

/// Reads from `stream` until the server closes it; whether it did within `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut buffer = [0_u8; 4096];
    tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test]
async fn silent_and_slow_connections_are_closed() {
    let app = spawn_app_with(|config| {
        config.http.request_head_timeout = Duration::from_millis(300);
    })
    .await;
    let address = app.address.trim_start_matches("http://").to_owned();

    let mut silent = TcpStream::connect(&address).await.unwrap();
    assert!(
        closed_within(&mut silent, Duration::from_secs(10)).await,
        "a connection that sends nothing is closed"
    );

    // A head sent a line at a time, never finished: closed although bytes keep coming.
    let mut slow = TcpStream::connect(&address).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .unwrap();
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        for line in 0.. {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if slow
                .write_all(format!("X-Line-{line}: a\r\n").as_bytes())
                .await
                .is_err()
            {
                return;
            }
            let mut byte = [0_u8; 1];
            if let Ok(Ok(0) | Err(_)) =
                tokio::time::timeout(Duration::from_millis(1), slow.read(&mut byte)).await
            {
                return;
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "a head that never ends is cut off");

    // After an answer, an idle keep-alive connection is closed as well.
    let mut idle = TcpStream::connect(&address).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    assert!(closed_within(&mut idle, Duration::from_secs(10)).await);
}

#[tokio::test]
async fn a_client_that_stops_reading_a_download_is_cut_off() {
    let app = spawn_app_with(|config| {
        config.http.stalled_answer_timeout = Duration::from_millis(300);
    })
    .await;
    let staff = app.signed_in_staff().await;
    let size = 8 * 1024 * 1024;
    staff
        .upload_document("Langsam", "langsam.pdf", large_pdf(size))
        .await;
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let address = app.address.trim_start_matches("http://").parse().unwrap();
    let mut stream = socket.connect(address).await.unwrap();
    stream
        .write_all(b"GET /dokumente/langsam.pdf HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    // Reads nothing for a while, then everything there is.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut received = 0;
    let mut buffer = vec![0_u8; 65536];
    let ended = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(read) => received += read,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the connection ends");
    assert!(
        received < size,
        "the server gave up on the stalled client ({received} of {size} bytes)"
    );
    // And serves others as before.
    assert_eq!(app.get("/dokumente/langsam.pdf").await.status(), 200);
}

#[tokio::test]
async fn a_search_made_of_operators_gets_the_hint_not_an_error() {
    let app = spawn_app().await;
    for query in [
        "-".repeat(33),
        "-".repeat(500).chars().take(200).collect(),
        "- ".repeat(60).trim().to_owned(),
        "a - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - b".to_owned(),
        "\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-\"-".to_owned(),
        "or or or or or or or or or or or or or or or or or or or or or or or or or or or or or or or or or or".to_owned(),
        "-\"".repeat(40),
    ] {
        let response = app
            .get(&format!(
                "/suche?q={}",
                utf8_percent_encode(&query, NON_ALPHANUMERIC)
            ))
            .await;
        let status = response.status();
        assert!(status == 200 || status == 400, "{query}: {status}");
        let page = Page::of(response).await;
        assert!(!page.text("main").is_empty(), "{query}");
    }
    let page = app.page(&format!("/suche?q={}", "-".repeat(40)), 200).await;
    assert!(
        page.text("main")
            .contains("Ihre Suche enthält kein Wort, nach dem sich suchen lässt")
    );
}

#[tokio::test]
async fn search_results_are_neither_kept_nor_indexed() {
    let app = spawn_app().await;
    let results = app.get("/suche?q=Pr%C3%A4vention").await;
    assert_eq!(results.headers()["cache-control"], "no-store");
    assert_eq!(results.headers()["x-robots-tag"], "noindex");
    let page = Page::of(results).await;
    assert_eq!(
        page.attribute("meta[name=robots]", "content").as_deref(),
        Some("noindex")
    );
    // The search page itself may be found.
    let form = app.get("/en/search").await;
    assert!(form.headers().get("x-robots-tag").is_none());
    assert!(
        Page::of(form)
            .await
            .attribute("meta[name=robots]", "content")
            .is_none()
    );
}

#[tokio::test]
async fn a_return_path_with_a_control_character_leads_to_the_overview() {
    let app = spawn_app().await;
    app.create_staff_account().await;
    let staff = app.staff_client();
    for weiter in ["/admin/%0A", "/admin/%0D%0ASet-Cookie:%20x=y", "/admin/%00"] {
        let response = staff
            .sign_in_from(
                &format!("{}?weiter={weiter}", paths::SIGN_IN),
                STAFF_EMAIL,
                STAFF_PASSWORD,
            )
            .await;
        assert_redirects_to(&response, paths::DASHBOARD);
    }
}

#[tokio::test]
async fn guessing_the_current_password_locks_the_account_and_ends_its_sessions() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let other_device = {
        let other = app.staff_client();
        assert_redirects_to(
            &other.sign_in(STAFF_EMAIL, STAFF_PASSWORD).await,
            paths::DASHBOARD,
        );
        other
    };
    let guess = [
        ("current", "geraten"),
        ("new", "Ein neues, langes Passwort"),
        ("repeat", "Ein neues, langes Passwort"),
    ];
    for attempt in 1..5 {
        let response = staff.post(paths::OWN_PASSWORD, &guess).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {attempt}"
        );
    }
    let locked = staff.post(paths::OWN_PASSWORD, &guess).await;
    let target = redirect_target(&locked);
    assert!(target.starts_with(paths::SIGN_IN), "{target}");
    let page = staff.page(&target, 200).await;
    assert!(
        page.text(".form-notice")
            .contains("zu oft falsch eingegeben"),
        "{}",
        page.text("main")
    );
    // Every session of the account has ended, and the right password is refused for now.
    assert_is_sent_to_sign_in(&staff.get(paths::DASHBOARD).await);
    assert_is_sent_to_sign_in(&other_device.get(paths::DASHBOARD).await);
    let again = app
        .staff_client()
        .sign_in(STAFF_EMAIL, STAFF_PASSWORD)
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        app.count("select count(*) from staff_account where locked_until > now()")
            .await
            == 1
    );
}

#[tokio::test]
async fn the_calendar_keeps_only_link_targets_a_page_would_allow() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let fields = with(
        event("Fachtag Sicherheit", "2099-03-10T09:00", "2099-03-10T17:00"),
        "description",
        "Programm: [Anmeldung](javascript:alert(1)), [Flyer](data:text/html,<b>x</b>), \
         [Satzung](/dokumente/satzung.pdf) und [Büro](mailto:buero@defus.org).",
    );
    staff.create_event(&fields).await;
    let entries = read_calendar(&app, "/termine.ics").await;
    let description = entries[0].value("DESCRIPTION");
    assert!(!description.contains("javascript:"), "{description}");
    assert!(!description.contains("data:"), "{description}");
    assert!(description.contains("Anmeldung,"), "{description}");
    assert!(
        description.contains(&format!("Satzung ({}/dokumente/satzung.pdf)", app.address)),
        "{description}"
    );
    assert!(
        description.contains("Büro (mailto:buero@defus.org)"),
        "{description}"
    );
}

#[tokio::test]
async fn an_inquiry_is_assigned_only_to_an_enabled_colleague() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let inquiry = app.new_inquiry(&valid_inquiry()).await;
    let colleague_id: i64 = {
        let colleague = app
            .signed_in_colleague("kollegin@defus.org", Role::Editorial)
            .await;
        drop(colleague);
        app.fetch_one("select id from staff_account where email = 'kollegin@defus.org'")
            .await
    };
    let assignment = paths::inquiry_assignment(inquiry.id);

    let not_an_id = staff.post(&assignment, &[("zustaendig", "abc")]).await;
    assert_eq!(not_an_id.status(), StatusCode::BAD_REQUEST);

    app.execute(&format!(
        "update staff_account set enabled = false where id = {colleague_id}"
    ))
    .await;
    for unavailable in [colleague_id.to_string(), "999999".to_owned()] {
        let response = staff
            .post(&assignment, &[("zustaendig", unavailable.as_str())])
            .await;
        let page = staff.page(&redirect_target(&response), 200).await;
        assert!(
            page.text(".form-notice")
                .contains("Das gewählte Konto ist gesperrt oder gelöscht"),
            "{}",
            page.text("main")
        );
    }
    let assigned: Option<i64> = app
        .fetch_one(&format!(
            "select assigned_to from inquiry where id = {}",
            inquiry.id
        ))
        .await;
    assert_eq!(assigned, None, "nobody was made responsible");
}

/// A PNG whose header claims `width` × `height` pixels of 16-bit RGBA, with hardly any data.
fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    fn chunk(kind: &[u8; 4], data: &[u8], png: &mut Vec<u8>) {
        png.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        png.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[16, 6, 0, 0, 0]);
    chunk(b"IHDR", &header, &mut png);
    chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        &mut png,
    );
    chunk(b"IEND", &[], &mut png);
    png
}

#[tokio::test]
async fn a_picture_over_the_pixel_budget_is_refused_at_its_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    for action in ["preview", "save"] {
        let fields = with(news_item(&app, "Mit Riesenbild"), "action", action);
        let response = staff
            .post_multipart(
                paths::NEWS_NEW,
                &fields,
                Some(Picture {
                    bytes: png_bomb(12_000, 12_000),
                    file_name: "riesig.png",
                    media_type: "image/png",
                }),
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{action}"
        );
        let page = Page::of(response).await;
        let message = page.text("#field-image-error");
        assert!(message.contains("12000 × 12000 Pixel"), "{message}");
        assert!(message.contains("bis 40 Megapixel"), "{message}");
        assert_eq!(
            page.attribute("input[name=title]", "value").as_deref(),
            Some("Mit Riesenbild"),
            "the text typed is kept"
        );
    }
    assert_eq!(app.count("select count(*) from image").await, 0);
    assert_eq!(app.count("select count(*) from news_item").await, 0);
}
