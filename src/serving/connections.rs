//! Accepting connections and speaking HTTP/1.1 on them, with a time limit on every phase a client
//! controls: a connection that is silent, sends its request head slowly, or stops reading an
//! answer is closed, so no client holds a connection (and the memory behind it) for as long as it
//! likes. Bodies are bounded where they are read (`web::form_body`), and a handler's whole work by
//! the router's request timeout.
//!
//! A stop (`run` returning) first takes every connection the kernel has already accepted for us,
//! then closes the socket: a proxy that sent a request on such a connection gets its answer
//! instead of a reset. Open connections finish the request in flight and close.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio_io_timeout::TimeoutStream;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::{Service, ServiceExt};

/// When stopping, how long an open connection may still take to bring in a request already on
/// its way, before idle ones are closed.
const REQUEST_ON_ITS_WAY: Duration = Duration::from_millis(200);

/// How long clients may take over each phase of a connection (`HTTP_*` settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// From opening the connection, or from the end of the last answer on it, until the next
    /// request's head has arrived in full: covers idle keep-alive and slowly sent headers alike.
    pub request_head: Duration,
    /// How long an answer may wait for a client that takes none of it.
    pub stalled_answer: Duration,
    /// After a stop, how long answers in flight may take before the rest are cut off.
    pub drain: Duration,
}

/// Serves `service` on `listener` until `stop` completes, then drains (see the module's words).
pub async fn run<S>(
    listener: TcpListener,
    service: S,
    limits: ConnectionLimits,
    stop: impl Future<Output = ()>,
) -> io::Result<()>
where
    S: Service<Request<Body>, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let connections = TaskTracker::new();
    let stopping = CancellationToken::new();
    let mut stop = pin!(stop);
    loop {
        tokio::select! {
            biased;
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let connection = Connection { stream, peer, limits, keep_alive: true };
                    connections.spawn(connection.serve(service.clone(), stopping.clone()));
                }
                Err(error) => wait_after_accept_error(&error).await,
            },
        }
    }
    // The accept queue holds connections the kernel completed while we were busy; closing the
    // socket would reset them, though their client may have sent its request already.
    let listener = listener.into_std()?;
    while let Ok((stream, peer)) = listener.accept() {
        let Ok(stream) = TcpStream::from_std(stream) else {
            continue;
        };
        let connection = Connection {
            stream,
            peer,
            limits,
            keep_alive: false,
        };
        connections.spawn(connection.serve(service.clone(), CancellationToken::new()));
    }
    drop(listener);
    stopping.cancel();
    connections.close();
    if tokio::time::timeout(limits.drain, connections.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            open = connections.len(),
            "stopping: answers still in flight after {}; they are cut off",
            humantime::format_duration(limits.drain)
        );
    }
    Ok(())
}

/// Errors of `accept` that concern one connection pass at once; others (no file descriptors
/// left, say) would repeat at once, so the loop waits a moment before the next try.
async fn wait_after_accept_error(error: &io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "cannot accept connections; trying again in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

struct Connection {
    stream: TcpStream,
    peer: SocketAddr,
    limits: ConnectionLimits,
    /// Off for connections taken while stopping: they answer one request and close.
    keep_alive: bool,
}

impl Connection {
    async fn serve<S>(self, service: S, stopping: CancellationToken)
    where
        S: Service<Request<Body>, Response = Response, Error = Infallible> + Clone + Send + 'static,
        S::Future: Send + 'static,
    {
        // Answers are written whole; waiting to fill a packet (Nagle) only delays their end.
        if let Err(error) = self.stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot switch off Nagle's algorithm");
        }
        let mut stream = TimeoutStream::new(self.stream);
        stream.set_write_timeout(Some(self.limits.stalled_answer));
        let io = TokioIo::new(Box::pin(stream));
        let peer = self.peer;
        let handle = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            service.clone().oneshot(request.map(Body::new))
        });
        let mut http = http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.limits.request_head)
            .keep_alive(self.keep_alive);
        let mut connection = pin!(http.serve_connection(io, handle));
        let served = tokio::select! {
            biased;
            served = connection.as_mut() => served,
            () = stopping.cancelled() => {
                // A connection accepted a moment ago may not have read its request yet: closed
                // now, it would be reset under a request already sent (a proxy cannot send a
                // POST elsewhere then). So it gets a moment for that first.
                match tokio::time::timeout(REQUEST_ON_ITS_WAY, connection.as_mut()).await {
                    Ok(served) => served,
                    Err(_) => {
                        // Finishes the request in flight, if any, then closes.
                        connection.as_mut().graceful_shutdown();
                        connection.await
                    }
                }
            }
        };
        // Closed by the client, cut short, or timed out: the client's business, not an error of
        // the site.
        if let Err(error) = served {
            tracing::debug!(%error, "a connection ended early");
        }
    }
}
