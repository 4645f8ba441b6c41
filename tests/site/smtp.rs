//! Real SMTP servers for the tests, listening on loopback in this process: one that receives
//! and keeps every message (mailin-embedded), one that refuses every message with a 5xx reply,
//! one that accepts connections and then says nothing, like a hung mail server, and one that
//! confirms messages late or never.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin_embedded::{Handler, Response, Server, response};
use mailparse::{MailHeaderMap, ParsedMail};

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub envelope_from: String,
    pub envelope_to: Vec<String>,
    pub raw: Vec<u8>,
}

impl ReceivedMail {
    pub fn parsed(&self) -> ParsedMail<'_> {
        mailparse::parse_mail(&self.raw).expect("a well-formed message")
    }

    /// The decoded value of header `name` (`None` if absent).
    pub fn header(&self, name: &str) -> Option<String> {
        self.parsed().headers.get_first_value(name)
    }

    /// How often header `name` occurs.
    pub fn header_count(&self, name: &str) -> usize {
        self.parsed().headers.get_all_headers(name).len()
    }

    /// The decoded text body.
    pub fn body(&self) -> String {
        self.parsed().get_body().expect("a text body")
    }
}

#[derive(Clone)]
struct Collector {
    inbox: Arc<Mutex<Vec<ReceivedMail>>>,
    current: Option<ReceivedMail>,
    /// Answers every message with this permanent failure instead of keeping it.
    refusal: Option<&'static str>,
}

/// What the refusing server says, in the raw words mail servers use.
pub const REFUSAL: &str = "5.7.1 Relaying denied (FileNotFoundError: /etc/postfix/sender_access)";

impl Handler for Collector {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(ReceivedMail {
            envelope_from: from.to_owned(),
            envelope_to: to.to_vec(),
            raw: Vec::new(),
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(mail) = self.current.as_mut() {
            mail.raw.extend_from_slice(buf);
        }
        Ok(())
    }

    fn rcpt(&mut self, _to: &str) -> Response {
        match self.refusal {
            Some(refusal) => Response::custom(550, refusal.to_owned()),
            None => response::OK,
        }
    }

    fn data_end(&mut self) -> Response {
        if let Some(mail) = self.current.take() {
            self.inbox.lock().expect("inbox").push(mail);
        }
        response::OK
    }
}

/// An SMTP server that accepts every message and keeps it for the test to read.
pub struct SmtpServer {
    pub port: u16,
    inbox: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl SmtpServer {
    /// Starts on a free port.
    pub fn start() -> Self {
        Self::start_on(0)
    }

    /// Starts on a free port a server that refuses every recipient for good (550, [`REFUSAL`]).
    pub fn start_refusing() -> Self {
        Self::start_with(0, Some(REFUSAL))
    }

    /// Starts on `port` (0: any free port). It runs until the test process ends.
    pub fn start_on(port: u16) -> Self {
        Self::start_with(port, None)
    }

    fn start_with(port: u16, refusal: Option<&'static str>) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the SMTP port");
        let port = listener.local_addr().expect("SMTP address").port();
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let mut server = Server::new(Collector {
            inbox: Arc::clone(&inbox),
            current: None,
            refusal,
        });
        server
            .with_name("smtp.test")
            .with_num_threads(16)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            if let Err(error) = server.serve() {
                eprintln!("the test SMTP server stopped: {error}");
            }
        });
        Self { port, inbox }
    }

    pub fn url(&self) -> String {
        smtp_url(self.port)
    }

    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.inbox.lock().expect("inbox").clone()
    }

    /// Waits until at least `count` messages have arrived; returns all of them.
    pub async fn wait_for(&self, count: usize) -> Vec<ReceivedMail> {
        for _ in 0..200 {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {count} messages, got {}", self.messages().len());
    }
}

pub fn smtp_url(port: u16) -> String {
    format!("smtp://127.0.0.1:{port}")
}

/// Accepts connections and never answers, not even the SMTP greeting.
pub struct SilentServer {
    pub port: u16,
    _task: tokio::task::JoinHandle<()>,
}

impl SilentServer {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("address").port();
        let task = tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                open.push(socket);
            }
        });
        Self { port, _task: task }
    }

    pub fn url(&self) -> String {
        smtp_url(self.port)
    }
}

/// What a [`ConfirmingServer`] does when a message's data has arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenDataArrives {
    /// On its first connection it never confirms the message: the sender cannot know whether it
    /// arrived. Later connections are answered in full.
    NeverConfirmTheFirst,
    /// It confirms the message of its first connection only when the test says so
    /// (`confirm_held`); later ones at once.
    ConfirmTheFirstWhenTold,
}

/// Speaks SMTP properly, except for the confirmation of a message after its data (see
/// [`WhenDataArrives`]). Counts the messages it confirmed.
pub struct ConfirmingServer {
    pub port: u16,
    confirmed: Arc<Mutex<usize>>,
    holding: Arc<tokio::sync::Notify>,
    go_on: Arc<tokio::sync::Notify>,
    _task: tokio::task::JoinHandle<()>,
}

impl ConfirmingServer {
    pub async fn start(behaviour: WhenDataArrives) -> Self {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("address").port();
        let confirmed = Arc::new(Mutex::new(0));
        let holding = Arc::new(tokio::sync::Notify::new());
        let go_on = Arc::new(tokio::sync::Notify::new());
        let (counter, held, told) = (
            Arc::clone(&confirmed),
            Arc::clone(&holding),
            Arc::clone(&go_on),
        );
        let task = tokio::spawn(async move {
            let mut connection = 0;
            while let Ok((socket, _)) = listener.accept().await {
                connection += 1;
                let first = connection == 1;
                let (counter, held, told) =
                    (Arc::clone(&counter), Arc::clone(&held), Arc::clone(&told));
                tokio::spawn(async move {
                    let (reader, mut writer) = socket.into_split();
                    let mut lines = BufReader::new(reader).lines();
                    let _ = writer.write_all(b"220 confirming.test ESMTP\r\n").await;
                    let mut in_data = false;
                    while let Ok(Some(line)) = lines.next_line().await {
                        let reply: &[u8] = if in_data {
                            if line != "." {
                                continue;
                            }
                            in_data = false;
                            match behaviour {
                                WhenDataArrives::NeverConfirmTheFirst if first => {
                                    // Never answer; keep the connection open.
                                    std::future::pending::<()>().await;
                                }
                                WhenDataArrives::ConfirmTheFirstWhenTold if first => {
                                    held.notify_one();
                                    told.notified().await;
                                }
                                WhenDataArrives::NeverConfirmTheFirst
                                | WhenDataArrives::ConfirmTheFirstWhenTold => {}
                            }
                            *counter.lock().expect("counter") += 1;
                            b"250 2.0.0 accepted\r\n"
                        } else if line.starts_with("EHLO") || line.starts_with("HELO") {
                            b"250 confirming.test\r\n"
                        } else if line.starts_with("DATA") {
                            in_data = true;
                            b"354 go ahead\r\n"
                        } else if line.starts_with("QUIT") {
                            let _ = writer.write_all(b"221 bye\r\n").await;
                            return;
                        } else {
                            b"250 OK\r\n"
                        };
                        if writer.write_all(reply).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Self {
            port,
            confirmed,
            holding,
            go_on,
            _task: task,
        }
    }

    pub fn url(&self) -> String {
        smtp_url(self.port)
    }

    pub fn confirmed(&self) -> usize {
        *self.confirmed.lock().expect("counter")
    }

    /// Waits until a message's data has arrived and its confirmation is held back.
    pub async fn wait_until_holding(&self) {
        tokio::time::timeout(Duration::from_secs(10), self.holding.notified())
            .await
            .expect("a message arrives within 10 s");
    }

    /// Confirms the message held back.
    pub fn confirm_held(&self) {
        self.go_on.notify_one();
    }
}
