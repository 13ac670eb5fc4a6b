//! `/ws` without a per-frame encoder: server frames are unmasked, so an event's frame is
//! encoded once (header + JSON) and the same bytes go to every socket; rooms put those
//! bytes in the socket's outbox, which is its HTTP response body. Inbound frames are decoded
//! with actix-http's codec, continuations put together, as before.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use actix_http::ws::{Codec, Frame, Item, ProtocolError};
use actix_web::{web, HttpRequest, HttpResponse};
use bytes::{BufMut, Bytes, BytesMut};
use bytestring::ByteString;
use futures_util::{Stream, StreamExt};

use crate::link::{Inbound, Link, Source};
use crate::outbox::Outbox;

const TEXT: u8 = 0x1;
const CLOSE: u8 = 0x8;
const PING: u8 = 0x9;
const PONG: u8 = 0xA;

/// A replay page goes out in pieces of about this size: few queue slots and wake-ups, and
/// with the session's queue of 32 slots, at most half a megabyte waiting per socket.
const CHUNK: usize = 16 * 1024;

/// One complete server frame (FIN set, no mask).
pub(crate) fn encode(opcode: u8, payload: &[u8]) -> Bytes {
    let mut b = BytesMut::with_capacity(payload.len() + 10);
    put_frame(&mut b, opcode, payload);
    b.freeze()
}

/// Appends one complete server frame to `b`.
fn put_frame(b: &mut BytesMut, opcode: u8, payload: &[u8]) {
    b.put_u8(0x80 | opcode);
    match payload.len() {
        n if n < 126 => b.put_u8(n as u8),
        n if n <= usize::from(u16::MAX) => {
            b.put_u8(126);
            b.put_u16(n as u16);
        }
        n => {
            b.put_u8(127);
            b.put_u64(n as u64);
        }
    }
    b.extend_from_slice(payload);
}

pub(crate) fn text(s: &str) -> Bytes {
    encode(TEXT, s.as_bytes())
}

fn close(code: u16, reason: &str) -> Bytes {
    let mut payload = Vec::with_capacity(2 + reason.len());
    payload.extend_from_slice(&code.to_be_bytes());
    // Control frames carry at most 125 bytes.
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    payload.extend_from_slice(&reason.as_bytes()[..end]);
    encode(CLOSE, &payload)
}

/// Upgrades the request: the handshake answer, whose body is what the socket's outbox
/// holds, and the decoded stream of what the client sends.
pub(crate) fn handle(
    req: &HttpRequest,
    body: web::Payload,
    limit: usize,
    outbox: Arc<Outbox>,
) -> Result<(HttpResponse, WireLink, WireSource), actix_web::Error> {
    let mut builder = actix_http::ws::handshake(req.head())?;
    use actix_web::body::MessageBody;
    let body_stream = actix_web::body::BodyStream::new(WireBody { outbox: outbox.clone() }).boxed();
    let response: HttpResponse = builder.message_body(body_stream)?.into();
    let source = WireSource {
        payload: body,
        buf: BytesMut::new(),
        codec: Codec::new().max_size(limit),
        partial: None,
        queued: VecDeque::new(),
        limit,
        done: false,
    };
    Ok((response, WireLink { outbox }, source))
}

/// The response body: the frames the outbox hands over, in its order.
struct WireBody {
    outbox: Arc<Outbox>,
}

impl Stream for WireBody {
    type Item = Result<Bytes, actix_web::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.outbox.poll_frame(cx).map(|b| b.map(Ok))
    }
}

/// The session's side of a `/ws` socket. Dropping it ends the response after what is queued.
pub(crate) struct WireLink {
    outbox: Arc<Outbox>,
}

impl Drop for WireLink {
    fn drop(&mut self) {
        self.outbox.end();
    }
}

impl Link for WireLink {
    async fn text(&mut self, frame: ByteString) -> Result<(), ()> {
        self.outbox.write(text(&frame)).await
    }
    /// Frames packed into pieces of [`CHUNK`] bytes: a 10,000-event replay is some 700
    /// writes to the outbox, not 10,000 (each with its own buffer and wake-up).
    async fn texts<T: serde::Serialize>(&mut self, items: &[T]) -> Result<(), ()> {
        let mut piece = BytesMut::with_capacity(CHUNK + 1024);
        let mut json = Vec::with_capacity(1024);
        for item in items {
            json.clear();
            serde_json::to_writer(&mut json, item).map_err(|_| ())?;
            put_frame(&mut piece, TEXT, &json);
            if piece.len() >= CHUNK {
                self.outbox.write(piece.split().freeze()).await?;
            }
        }
        if !piece.is_empty() {
            self.outbox.write(piece.freeze()).await?;
        }
        Ok(())
    }
    async fn ping(&mut self) -> Result<(), ()> {
        self.outbox.write(encode(PING, b"")).await
    }
    async fn pong(&mut self, bytes: Bytes) -> Result<(), ()> {
        let end = bytes.len().min(125);
        self.outbox.write(encode(PONG, &bytes[..end])).await
    }
    async fn close(&mut self, code: u16, reason: String) {
        self.outbox.close(close(code, &reason));
    }
    fn outbox(&self) -> Option<&Arc<Outbox>> {
        Some(&self.outbox)
    }
}

pub(crate) struct WireSource {
    payload: web::Payload,
    buf: BytesMut,
    codec: Codec,
    /// A text message arriving in continuation frames.
    partial: Option<BytesMut>,
    queued: VecDeque<Inbound>,
    limit: usize,
    done: bool,
}

impl WireSource {
    /// Decodes what is buffered; `Err` ends the connection.
    fn decode(&mut self) -> Result<(), Inbound> {
        use actix_codec::Decoder;
        loop {
            let frame = match self.codec.decode(&mut self.buf) {
                Ok(Some(f)) => f,
                Ok(None) => return Ok(()),
                Err(ProtocolError::Overflow) => return Err(Inbound::TooBig),
                Err(_) => return Err(Inbound::Close),
            };
            let msg = match frame {
                Frame::Text(b) => match ByteString::try_from(b) {
                    Ok(s) => Inbound::Text(s),
                    Err(_) => return Err(Inbound::Close),
                },
                Frame::Binary(_) => Inbound::Binary,
                Frame::Ping(b) => Inbound::Ping(b),
                Frame::Pong(_) => Inbound::Alive,
                Frame::Close(_) => Inbound::Close,
                Frame::Continuation(item) => match self.continued(item) {
                    Ok(Some(msg)) => msg,
                    Ok(None) => continue,
                    Err(end) => return Err(end),
                },
            };
            self.queued.push_back(msg);
        }
    }

    fn continued(&mut self, item: Item) -> Result<Option<Inbound>, Inbound> {
        match item {
            Item::FirstText(b) => {
                self.partial = Some(BytesMut::from(&b[..]));
                Ok(None)
            }
            Item::FirstBinary(_) => Ok(None),
            Item::Continue(b) => {
                if let Some(p) = &mut self.partial {
                    p.extend_from_slice(&b);
                    if p.len() > self.limit {
                        return Err(Inbound::TooBig);
                    }
                }
                Ok(None)
            }
            Item::Last(b) => match self.partial.take() {
                Some(mut p) => {
                    p.extend_from_slice(&b);
                    if p.len() > self.limit {
                        return Err(Inbound::TooBig);
                    }
                    ByteString::try_from(p.freeze())
                        .map(|s| Some(Inbound::Text(s)))
                        .map_err(|_| Inbound::Close)
                }
                None => Ok(Some(Inbound::Binary)),
            },
        }
    }
}

impl Source for WireSource {
    async fn recv(&mut self) -> Option<Inbound> {
        loop {
            if let Some(msg) = self.queued.pop_front() {
                return Some(msg);
            }
            if self.done {
                return None;
            }
            match self.payload.next().await {
                Some(Ok(bytes)) => {
                    self.buf.extend_from_slice(&bytes);
                    if let Err(end) = self.decode() {
                        self.done = true;
                        self.queued.push_back(end);
                    }
                }
                Some(Err(_)) | None => {
                    self.done = true;
                    self.queued.push_back(Inbound::Close);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_encoded_as_rfc_6455_says() {
        assert_eq!(&text("hi")[..], &[0x81, 2, b'h', b'i']);
        let medium = text(&"x".repeat(300));
        assert_eq!(&medium[..4], &[0x81, 126, 1, 44]);
        let large = text(&"x".repeat(70_000));
        assert_eq!(&large[..2], &[0x81, 127]);
        assert_eq!(u64::from_be_bytes(large[2..10].try_into().unwrap()), 70_000);
        assert_eq!(&encode(PING, b"")[..], &[0x89, 0]);
        let c = close(1012, "restart");
        assert_eq!(&c[..4], &[0x88, 9, 0x03, 0xF4]);
        assert!(close(4001, &"é".repeat(100)).len() <= 2 + 125);
    }

    #[tokio::test]
    async fn a_page_packed_into_pieces_reads_back_as_its_frames_in_order() {
        use actix_codec::Decoder;
        let outbox = Arc::new(Outbox::new(64, 32));
        let mut link = WireLink { outbox: outbox.clone() };
        // 100-, 300- and 70,000-byte frames: every length encoding; the page ends with a
        // small frame, in a piece still short of the chunk size.
        let items: Vec<String> =
            (0..61).map(|i| "x".repeat([100, 300, 70_000][i % 3]) + &i.to_string()).collect();
        link.texts(&items).await.unwrap();
        drop(link);
        let mut wire = BytesMut::new();
        let mut pieces = 0;
        while let Some(piece) = futures_util::StreamExt::next(&mut WireBody { outbox: outbox.clone() }).await
        {
            wire.extend_from_slice(&piece.unwrap());
            pieces += 1;
        }
        assert!(pieces > 1 && pieces < items.len(), "{pieces} pieces for {} frames", items.len());
        let mut codec = Codec::new().client_mode().max_size(1 << 20);
        for item in &items {
            match codec.decode(&mut wire) {
                Ok(Some(Frame::Text(b))) => {
                    assert_eq!(&b[..], serde_json::to_string(item).unwrap().as_bytes())
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(wire.is_empty());
    }

    #[test]
    fn the_codec_reads_back_what_we_write() {
        use actix_codec::Decoder;
        let mut codec = Codec::new().client_mode();
        let mut buf = BytesMut::from(&text("{\"event\":\"x\"}")[..]);
        match codec.decode(&mut buf) {
            Ok(Some(Frame::Text(b))) => assert_eq!(&b[..], b"{\"event\":\"x\"}"),
            other => panic!("{other:?}"),
        }
    }
}
