//! Upgraded connections (WebSockets) without actix-http's per-connection buffers.
//!
//! actix-http's HTTP/1 dispatcher keeps an 8 KiB read buffer and an 8 KiB write buffer for
//! the life of a connection, also once it became a WebSocket: for an idle socket that was
//! most of its memory. Requests asking for an upgrade come here instead, through
//! actix-http's upgrade hook. The app answers them as it answers any request (the same
//! routes, middleware and identity checks); when it switches protocols, this module moves
//! the bytes between the TCP stream and the request's payload and the response's body
//! itself: reads go through a buffer on the stack, and the body's frames are written as
//! they are, all that are ready in one `writev`. Any other answer is written whole, and
//! the connection closes.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::{poll_fn, Future};
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use actix_codec::{Framed, FramedParts};
use actix_http::body::{BoxBody, MessageBody};
use actix_http::error::PayloadError;
use actix_http::h1;
use actix_http::{Request, Response, StatusCode};
use actix_web::dev::Service;
use bytes::{BufMut, Bytes, BytesMut};
use futures_util::Stream;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// Frames gathered for one `writev`.
const MAX_SLICES: usize = 64;
/// Once the app's side has ended, how long the client gets to take what is left.
const LINGER: Duration = Duration::from_secs(5);
/// After our FIN, how long the client gets to close its side.
const CLIENT_DISCONNECT: Duration = Duration::from_secs(1);
/// An answer that is not an upgrade is read whole; more than this is a bug.
const MAX_PLAIN_BODY: usize = 1024 * 1024;
/// Bytes read but not yet taken by the app: past this the pump stops reading.
const MAX_UNREAD: usize = 64 * 1024;

/// Serves one request that asked for an upgrade, with `app`, on `framed`'s connection.
pub async fn serve<S, R, B>(
    app: Rc<S>,
    req: Request,
    framed: Framed<TcpStream, h1::Codec>,
) -> Result<(), actix_web::Error>
where
    S: Service<Request, Response = R, Error = actix_web::Error>,
    R: Into<Response<B>>,
    B: MessageBody + 'static,
{
    let inbox = Rc::new(RefCell::new(Inbox::default()));
    let stream: actix_http::BoxedPayloadStream = Box::pin(InboxStream(inbox.clone()));
    let payload = actix_http::Payload::Stream { payload: stream };
    let (req, _) = req.replace_payload(payload);
    // Boxed: the app's future is large and only lives until the answer.
    let res: Response<BoxBody> = match Box::pin(app.call(req)).await {
        Ok(res) => res.into().map_body(|_, body| body.boxed()),
        Err(e) => e.error_response().into(),
    };
    let FramedParts { mut io, read_buf, .. } = framed.into_parts();
    let (head, body) = res.into_parts();
    if head.status() != StatusCode::SWITCHING_PROTOCOLS {
        return write_plain(&mut io, &head, body).await;
    }
    let head_out = head_bytes(&head, None);
    // Dropped before the pump, or the socket's future would keep them for its life.
    drop(head);
    // What the client sent right after its request (its first frames) goes to the app; the
    // buffer itself is dropped here, not kept for the life of the socket.
    let early = (!read_buf.is_empty()).then(|| read_buf.freeze());
    if io.write_all(&head_out).await.is_err() {
        return Ok(());
    }
    drop(head_out);
    if let Some(bytes) = early {
        inbox.borrow_mut().feed(bytes);
    }
    Pump { io, body, inbox, out: Vec::new(), reading: true, body_done: false }.run().await;
    Ok(())
}

/// A refusal (401, 429, 400…): the whole answer, then the connection closes.
async fn write_plain(io: &mut TcpStream, head: &Response<()>, body: BoxBody) -> Result<(), actix_web::Error> {
    let bytes = actix_web::body::to_bytes_limited(body, MAX_PLAIN_BODY)
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    let mut out = head_bytes(head, Some(bytes.len()));
    out.extend_from_slice(&bytes);
    let _ = io.write_all(&out).await;
    let _ = io.shutdown().await;
    Ok(())
}

/// The status line and headers; `Some(len)` for a plain answer (it closes the connection).
fn head_bytes(head: &Response<()>, body_len: Option<usize>) -> BytesMut {
    let status = head.status();
    let mut out = BytesMut::with_capacity(256);
    out.put_slice(
        format!("HTTP/1.1 {} {}\r\n", status.as_u16(), status.canonical_reason().unwrap_or("")).as_bytes(),
    );
    for (name, value) in head.headers() {
        if name == actix_http::header::CONTENT_LENGTH || name == actix_http::header::CONNECTION {
            continue;
        }
        out.put_slice(name.as_str().as_bytes());
        out.put_slice(b": ");
        out.put_slice(value.as_bytes());
        out.put_slice(b"\r\n");
    }
    match body_len {
        Some(len) => out.put_slice(format!("content-length: {len}\r\nconnection: close\r\n").as_bytes()),
        None => out.put_slice(b"connection: upgrade\r\n"),
    }
    out.put_slice(b"\r\n");
    out
}

/// What woke the pump.
enum Step {
    Readable,
    /// Frames were taken from the body into `out` (or it ended).
    Frames,
    Writable,
    GiveUp,
}

/// What the client sent, for the request's payload.
#[derive(Default)]
struct Inbox {
    chunks: VecDeque<Bytes>,
    unread: usize,
    /// The client closed its side (or the connection broke: then with the error).
    ended: bool,
    error: Option<PayloadError>,
    reader: Option<Waker>,
    pump: Option<Waker>,
}

impl Inbox {
    fn feed(&mut self, bytes: Bytes) {
        self.unread += bytes.len();
        self.chunks.push_back(bytes);
        self.wake_reader();
    }

    fn end(&mut self, error: Option<PayloadError>) {
        self.ended = true;
        self.error = error;
        self.wake_reader();
    }

    fn wake_reader(&mut self) {
        if let Some(w) = self.reader.take() {
            w.wake();
        }
    }
}

/// The app's end of the inbox: a payload stream.
struct InboxStream(Rc<RefCell<Inbox>>);

impl Stream for InboxStream {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut inbox = self.0.borrow_mut();
        if let Some(bytes) = inbox.chunks.pop_front() {
            inbox.unread -= bytes.len();
            if let Some(w) = inbox.pump.take() {
                w.wake();
            }
            return Poll::Ready(Some(Ok(bytes)));
        }
        if inbox.ended {
            return Poll::Ready(inbox.error.take().map(Err));
        }
        inbox.reader = Some(cx.waker().clone());
        Poll::Pending
    }
}

struct Pump {
    io: TcpStream,
    body: BoxBody,
    inbox: Rc<RefCell<Inbox>>,
    /// Frames taken from the body and not yet (wholly) written; the first may be partly sent.
    out: Vec<Bytes>,
    reading: bool,
    body_done: bool,
}

impl Pump {
    async fn run(mut self) {
        self.pump().await;
        self.close().await;
    }

    async fn pump(&mut self) {
        let mut linger: Option<Pin<Box<tokio::time::Sleep>>> = None;
        loop {
            if self.body_done && self.out.is_empty() {
                break;
            }
            if self.body_done && linger.is_none() {
                linger = Some(Box::pin(tokio::time::sleep(LINGER)));
            }
            let step = poll_fn(|cx| {
                if let Some(l) = linger.as_mut() {
                    if l.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(Step::GiveUp);
                    }
                }
                if !self.out.is_empty() {
                    if self.io.poll_write_ready(cx).is_ready() {
                        return Poll::Ready(Step::Writable);
                    }
                } else if !self.body_done {
                    while self.out.len() < MAX_SLICES {
                        match Pin::new(&mut self.body).poll_next(cx) {
                            Poll::Ready(Some(Ok(frame))) => self.out.push(frame),
                            Poll::Ready(Some(Err(_)) | None) => {
                                self.body_done = true;
                                break;
                            }
                            Poll::Pending => break,
                        }
                    }
                    if !self.out.is_empty() || self.body_done {
                        return Poll::Ready(Step::Frames);
                    }
                }
                if self.reading && self.wants_more(cx) && self.io.poll_read_ready(cx).is_ready() {
                    return Poll::Ready(Step::Readable);
                }
                Poll::Pending
            })
            .await;
            let alive = match step {
                Step::Readable => self.read(),
                Step::Frames | Step::Writable => self.write(),
                Step::GiveUp => false,
            };
            if !alive {
                break;
            }
        }
        {
            let mut inbox = self.inbox.borrow_mut();
            if !inbox.ended {
                inbox.end(None);
            }
        }
    }

    /// A lingering close, as actix-http's dispatcher does: FIN, then what the client still
    /// sends (a pong, its close frame) is read and dropped for a moment. Closing with
    /// unread input would send a reset, and the client could lose the close frame.
    async fn close(mut self) {
        if self.io.shutdown().await.is_err() {
            return;
        }
        let drain = async {
            loop {
                if self.io.readable().await.is_err() {
                    return;
                }
                let mut buf = [0u8; 1024];
                match self.io.try_read(&mut buf) {
                    Ok(0) => return,
                    Err(e) if e.kind() != io::ErrorKind::WouldBlock => return,
                    _ => {}
                }
            }
        };
        let _ = tokio::time::timeout(CLIENT_DISCONNECT, drain).await;
    }

    /// The app takes what the client sends at its own pace: the pump reads only while
    /// less than `MAX_UNREAD` waits (or nobody reads any more: then it is dropped).
    fn wants_more(&self, cx: &mut Context<'_>) -> bool {
        if Rc::strong_count(&self.inbox) == 1 {
            return true;
        }
        let mut inbox = self.inbox.borrow_mut();
        if inbox.unread < MAX_UNREAD {
            return true;
        }
        inbox.pump = Some(cx.waker().clone());
        false
    }

    /// Reads what the kernel has; `false` when the connection is gone.
    fn read(&mut self) -> bool {
        let mut buf = [0u8; 4096];
        let mut inbox = self.inbox.borrow_mut();
        match self.io.try_read(&mut buf) {
            Ok(0) => {
                self.reading = false;
                inbox.end(None);
                true
            }
            Ok(n) => {
                if Rc::strong_count(&self.inbox) > 1 {
                    inbox.feed(Bytes::copy_from_slice(&buf[..n]));
                }
                true
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => true,
            Err(e) => {
                inbox.end(Some(PayloadError::Io(e)));
                false
            }
        }
    }

    /// Writes as much of `out` as the kernel takes; `false` when the connection is gone.
    fn write(&mut self) -> bool {
        while !self.out.is_empty() {
            let mut slices = [IoSlice::new(&[]); MAX_SLICES];
            let n = self.out.len().min(MAX_SLICES);
            for (slice, frame) in slices.iter_mut().zip(&self.out[..n]) {
                *slice = IoSlice::new(frame);
            }
            match self.io.try_write_vectored(&slices[..n]) {
                Ok(0) => return false,
                Ok(mut written) => {
                    let mut done = 0;
                    while done < self.out.len() && written >= self.out[done].len() {
                        written -= self.out[done].len();
                        done += 1;
                    }
                    self.out.drain(..done);
                    if written > 0 {
                        let rest = self.out[0].slice(written..);
                        self.out[0] = rest;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
                Err(_) => return false,
            }
        }
        if self.out.capacity() > 8 {
            // A burst grew it; an idle socket should not keep that.
            self.out = Vec::new();
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_switch_says_upgrade_and_a_refusal_closes_with_its_length() {
        let mut res = Response::with_body(StatusCode::SWITCHING_PROTOCOLS, ());
        res.headers_mut().insert(actix_http::header::UPGRADE, "websocket".parse().unwrap());
        let head = String::from_utf8(head_bytes(&res, None).to_vec()).unwrap();
        assert_eq!(
            head,
            "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n"
        );
        let res = Response::with_body(StatusCode::TOO_MANY_REQUESTS, ());
        let head = String::from_utf8(head_bytes(&res, Some(12)).to_vec()).unwrap();
        assert_eq!(head, "HTTP/1.1 429 Too Many Requests\r\ncontent-length: 12\r\nconnection: close\r\n\r\n");
    }
}
