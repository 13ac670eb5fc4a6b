//! Bench WebSocket clients: many sockets, spread over several 127.0.0.x source addresses
//! (one address has ~28k ephemeral ports).

use std::net::{Ipv4Addr, SocketAddr};

use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{client_async, WebSocketStream};
use uuid::Uuid;

pub type Ws = WebSocketStream<TcpStream>;

const PER_SOURCE: usize = 20_000;

pub async fn connect(port: u16, index: usize) -> Result<Ws, String> {
    let source = Ipv4Addr::new(127, 0, 0, 2 + (index / PER_SOURCE) as u8);
    let socket = TcpSocket::new_v4().map_err(|e| e.to_string())?;
    socket.bind(SocketAddr::from((source, 0))).map_err(|e| format!("bind {source}: {e}"))?;
    let stream = socket
        .connect(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let (ws, _) = client_async(format!("ws://127.0.0.1:{port}/ws"), stream)
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    Ok(ws)
}

/// Joins and reads until `joined`; returns the frames replayed before it.
pub async fn join(ws: &mut Ws, production: Uuid, since: Option<i64>) -> Result<usize, String> {
    let frame = json!({"event": "join-production", "data": {"productionId": production, "since": since}});
    ws.send(Message::text(frame.to_string())).await.map_err(|e| e.to_string())?;
    let mut replayed = 0;
    while let Some(msg) = ws.next().await {
        let Message::Text(text) = msg.map_err(|e| e.to_string())? else { continue };
        // Change events are `{"event":…,"data":…}`; the server's own frames end in `"event":"…"}`.
        let text = text.as_str();
        if text.starts_with(r#"{"event":"#) {
            replayed += 1;
        } else if text.ends_with(r#""event":"joined"}"#) {
            return Ok(replayed);
        } else if text.ends_with(r#""event":"error"}"#) || text.ends_with(r#""event":"resync-required"}"#) {
            return Err(text.to_owned());
        }
    }
    Err("closed before joined".into())
}

pub async fn connect_and_join(port: u16, index: usize, production: Uuid) -> Result<Ws, String> {
    let mut ws = connect(port, index).await?;
    join(&mut ws, production, None).await?;
    Ok(ws)
}
