//! A lean WebSocket client for load: plain TCP, the upgrade by hand, frames parsed in place
//! from a large read buffer (many frames per read syscall, no allocation per message). The
//! bench shares the machine with the server, so its clients must cost little; the test suite
//! uses a full client (tokio-tungstenite) for correctness.
//!
//! Sockets spread over several 127.0.0.x source addresses (one has ~28k ephemeral ports).

use std::net::{Ipv4Addr, SocketAddr};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use uuid::Uuid;

const PER_SOURCE: usize = 10_000;
const OP_TEXT: u8 = 0x1;
const OP_CLOSE: u8 = 0x8;
const OP_PING: u8 = 0x9;
const OP_PONG: u8 = 0xA;

pub struct Ws {
    stream: TcpStream,
    buf: Vec<u8>,
    /// Start and end of unparsed bytes in `buf`.
    start: usize,
    end: usize,
}

/// One frame from the server (servers do not mask).
pub enum Frame<'a> {
    Text(&'a [u8]),
    Closed,
}

impl Ws {
    /// `source` picks the first of the 127.0.0.x addresses to connect from: scenarios use
    /// different ones, so ports a previous scenario left in TIME_WAIT do not get in the way.
    /// An anonymous socket (no user: not counted per user, not in presence).
    pub async fn connect(port: u16, source: u8, index: usize, buffer: usize) -> Result<Ws, String> {
        Ws::connect_as(port, source, index, buffer, None).await
    }

    /// A socket of `user`.
    pub async fn connect_as(
        port: u16,
        source: u8,
        index: usize,
        buffer: usize,
        user: Option<&str>,
    ) -> Result<Ws, String> {
        let mut stream = tcp_from(port, source, index).await?;
        let query = user.map(|u| format!("?userId={u}")).unwrap_or_default();
        let request = format!(
            "GET /ws{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.map_err(|e| e.to_string())?;
        let mut ws = Ws { stream, buf: vec![0; buffer.max(4096)], start: 0, end: 0 };
        let head_end = loop {
            if let Some(i) = memchr::memmem::find(&ws.buf[..ws.end], b"\r\n\r\n") {
                break i + 4;
            }
            ws.fill().await?;
        };
        if !ws.buf.starts_with(b"HTTP/1.1 101") {
            return Err(format!("upgrade refused: {}", String::from_utf8_lossy(&ws.buf[..head_end])));
        }
        ws.start = head_end;
        Ok(ws)
    }

    async fn fill(&mut self) -> Result<(), String> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let grown = self.buf.len() * 2;
            self.buf.resize(grown, 0);
        }
        let n = self.stream.read(&mut self.buf[self.end..]).await.map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed".into());
        }
        self.end += n;
        Ok(())
    }

    /// (opcode, payload start, payload end, frame end) of the next whole frame, if buffered.
    fn parse(&self) -> Option<(u8, usize, usize, usize)> {
        let b = &self.buf[self.start..self.end];
        if b.len() < 2 {
            return None;
        }
        let opcode = b[0] & 0x0F;
        let (len, header) = match b[1] & 0x7F {
            126 if b.len() >= 4 => (u16::from_be_bytes([b[2], b[3]]) as usize, 4),
            127 if b.len() >= 10 => (u64::from_be_bytes(b[2..10].try_into().ok()?) as usize, 10),
            126 | 127 => return None,
            n => (n as usize, 2),
        };
        if b.len() < header + len {
            return None;
        }
        Some((opcode, self.start + header, self.start + header + len, self.start + header + len))
    }

    /// The next text frame (pings are answered on the way).
    pub async fn next(&mut self) -> Result<Frame<'_>, String> {
        loop {
            match self.parse() {
                Some((OP_TEXT, from, to, next)) => {
                    self.start = next;
                    return Ok(Frame::Text(&self.buf[from..to]));
                }
                Some((OP_CLOSE, _, _, _)) => return Ok(Frame::Closed),
                Some((OP_PING, from, to, next)) => {
                    let payload = self.buf[from..to].to_vec();
                    self.start = next;
                    self.send(OP_PONG, &payload).await?;
                }
                Some((_, _, _, next)) => self.start = next,
                None => self.fill().await?,
            }
        }
    }

    async fn send(&mut self, opcode: u8, payload: &[u8]) -> Result<(), String> {
        let mask = [0x12, 0x34, 0x56, 0x78];
        let mut frame = Vec::with_capacity(payload.len() + 14);
        frame.push(0x80 | opcode);
        match payload.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n <= u16::MAX as usize => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.stream.write_all(&frame).await.map_err(|e| e.to_string())
    }

    pub async fn send_text(&mut self, text: &str) -> Result<(), String> {
        self.send(OP_TEXT, text.as_bytes()).await
    }

    /// Joins and reads until `joined`; returns how many events were replayed before it.
    pub async fn join(&mut self, production: Uuid, since: Option<i64>) -> Result<usize, String> {
        let frame = json!({"event": "join-production", "data": {"productionId": production, "since": since}});
        self.send_text(&frame.to_string()).await?;
        let mut replayed = 0;
        loop {
            match self.next().await? {
                // Change events are `{"event":…,"data":…}`; the server's own frames end in `"event":"…"}`.
                Frame::Text(t) if t.starts_with(br#"{"event":"#) => replayed += 1,
                Frame::Text(t) if t.ends_with(br#""event":"joined"}"#) => return Ok(replayed),
                Frame::Text(t)
                    if t.ends_with(br#""event":"error"}"#)
                        || t.ends_with(br#""event":"resync-required"}"#) =>
                {
                    return Err(String::from_utf8_lossy(t).into_owned())
                }
                Frame::Text(_) => {}
                Frame::Closed => return Err("closed before joined".into()),
            }
        }
    }
}

/// A TCP connection to the server's `port` on 127.0.0.1, the `index`th from the addresses
/// starting at 127.0.0.`source` ([`PER_SOURCE`] from each).
pub async fn tcp_from(port: u16, source: u8, index: usize) -> Result<TcpStream, String> {
    let source = Ipv4Addr::new(127, 0, 0, source + (index / PER_SOURCE) as u8);
    let socket = TcpSocket::new_v4().map_err(|e| e.to_string())?;
    socket.set_reuseaddr(true).map_err(|e| e.to_string())?;
    socket.bind(SocketAddr::from((source, 0))).map_err(|e| format!("bind {source}: {e}"))?;
    socket.connect(SocketAddr::from(([127, 0, 0, 1], port))).await.map_err(|e| format!("connect: {e}"))
}

/// Connects and joins, or gives up after 20 s (a server out of file descriptors accepts
/// the TCP connection in the kernel but never answers the upgrade).
pub async fn connect_and_join(
    port: u16,
    source: u8,
    index: usize,
    production: Uuid,
    buffer: usize,
) -> Result<Ws, String> {
    let attempt = async {
        let mut ws = Ws::connect(port, source, index, buffer).await?;
        ws.join(production, None).await?;
        Ok(ws)
    };
    tokio::time::timeout(std::time::Duration::from_secs(20), attempt)
        .await
        .unwrap_or_else(|_| Err("no answer to connect + join within 20 s".into()))
}
