//! The fan-out floor: what the kernel alone charges to deliver the same frames over
//! loopback TCP, measured beside each fan-out row as pgbench is beside the write rows.
//!
//! A bare sender thread writes one event-sized WebSocket frame (or a few, as the server's
//! flush gathers them) to each of N accepted sockets per tick, with one blocking `write`
//! each: no HTTP, no database, no rooms. Its readers are tasks like the fan-out scenario's,
//! reading into a 64 KiB buffer (without parsing frames). On loopback the receiving side's
//! TCP work runs in the sender's context, so the sender thread's CPU per frame is the
//! floor any server pays on this machine for the same deliveries, and the server's figure
//! divided by it is what our code adds.

use std::io::Write;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::{stream, StreamExt};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpSocket, TcpStream};

use crate::stats::Row;
use crate::ws;

/// The size of the server's frame for a camera update (measured: 879 bytes).
const FRAME_BYTES: usize = 880;
/// The floor's readers connect from 127.0.0.9 on: the fan-out rows use the first few.
const FIRST_SOURCE: u8 = 9;

/// The server's flush interval: what `PRODSYNC_WS_FLUSH_INTERVAL_MS` says (the server this
/// bench starts inherits it), else the default of `config/default.toml`.
pub fn flush_interval_ms() -> f64 {
    std::env::var("PRODSYNC_WS_FLUSH_INTERVAL_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(15.0)
}

/// Frames per write as the server's flush gathers them: a room waits up to `interval` ×
/// sockets / 1,000 (the whole interval from 1,000 up) between writes (`realtime::room`).
pub fn per_write(sockets: usize, events: f64, interval_ms: f64) -> usize {
    let delay = interval_ms / 1000.0 * sockets.min(1000) as f64 / 1000.0;
    (events * delay).floor().max(1.0) as usize
}

/// `events` a second to each of `sockets`, `per_write` frames in each write.
pub async fn run(sockets: usize, events: f64, per_write: usize, duration: Duration) -> Result<Row, String> {
    let per_write = per_write.max(1);
    // Both ends of each pair are files of this process.
    let open_files = rlimit::getrlimit(rlimit::Resource::NOFILE).map(|(soft, _)| soft).unwrap_or(1024);
    let sockets = sockets.min((open_files.saturating_sub(1000) / 2) as usize).max(1);
    let writes_per_sec = events / per_write as f64;
    let ticks = (writes_per_sec * duration.as_secs_f64()).round().max(1.0) as usize;
    let (senders, readers) = connect(sockets).await?;
    let chunk = frames(per_write);
    let expected = (ticks * per_write) as u64;
    let reading: Vec<_> = readers.into_iter().map(|r| tokio::spawn(read(r, expected))).collect();
    let bench_before = crate::server::cpu_seconds_of("self");
    let started = Instant::now();
    let sender = std::thread::spawn(move || send(senders, &chunk, ticks, writes_per_sec));
    let sent = tokio::task::spawn_blocking(move || sender.join()).await.map_err(|e| e.to_string())?;
    let (sender_cpu, failed) = sent.map_err(|_| "the floor's sender panicked".to_string())?;
    let mut short = 0u64;
    for r in reading {
        if !r.await.unwrap_or(false) {
            short += 1;
        }
    }
    let wall = started.elapsed().as_secs_f64().max(1e-9);
    let bench_cpu = crate::server::cpu_seconds_of("self") - bench_before - sender_cpu;
    let frames = (ticks * per_write * sockets) as f64;
    let writes = (ticks * sockets) as f64;
    Ok(Row {
        scenario: "fan-out floor".into(),
        params: format!(
            "{sockets} sockets, {events} events/s, {per_write} per write, {}s",
            duration.as_secs()
        ),
        throughput: frames / wall,
        unit: "frames/s".into(),
        errors: failed + short,
        server_cpu_cores: sender_cpu / wall,
        client_cpu_cores: bench_cpu / wall,
        cpu_us_per_delivery: Some(sender_cpu * 1e6 / frames),
        note: format!(
            "a bare sender thread, one write per socket per tick: {:.2} µs per write of {} bytes",
            sender_cpu * 1e6 / writes,
            FRAME_BYTES * per_write
        ),
        ..Default::default()
    })
}

/// `per_write` unmasked text frames of [`FRAME_BYTES`] each, back to back.
fn frames(per_write: usize) -> Vec<u8> {
    let payload = FRAME_BYTES - 4;
    let mut frame = vec![0x81, 126];
    frame.extend_from_slice(&(payload as u16).to_be_bytes());
    frame.resize(FRAME_BYTES, b'x');
    frame.repeat(per_write)
}

/// `sockets` connected pairs: the accepted ends (blocking, for the sender) and the
/// connecting ends (for the readers).
async fn connect(sockets: usize) -> Result<(Vec<std::net::TcpStream>, Vec<TcpStream>), String> {
    let socket = TcpSocket::new_v4().map_err(|e| e.to_string())?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], 0))).map_err(|e| e.to_string())?;
    let listener: TcpListener = socket.listen(4096).map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let accepting = tokio::spawn(async move {
        let mut accepted = Vec::with_capacity(sockets);
        while accepted.len() < sockets {
            let (s, _) = listener.accept().await.map_err(|e| e.to_string())?;
            s.set_nodelay(true).map_err(|e| e.to_string())?;
            let s = s.into_std().map_err(|e| e.to_string())?;
            s.set_nonblocking(false).map_err(|e| e.to_string())?;
            accepted.push(s);
        }
        Ok::<_, String>(accepted)
    });
    let readers: Vec<Result<TcpStream, String>> = stream::iter(0..sockets)
        .map(|i| ws::tcp_from(port, FIRST_SOURCE, i))
        .buffer_unordered(64)
        .collect()
        .await;
    let readers: Vec<TcpStream> = readers.into_iter().collect::<Result<_, _>>()?;
    let senders = accepting.await.map_err(|e| e.to_string())??;
    Ok((senders, readers))
}

/// Reads until `expected` frames' bytes arrived (or 20 s of silence); `true` if they all did.
async fn read(mut s: TcpStream, expected: u64) -> bool {
    let mut buf = vec![0u8; 64 * 1024];
    let mut left = expected * FRAME_BYTES as u64;
    while left > 0 {
        match tokio::time::timeout(Duration::from_secs(20), s.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => left = left.saturating_sub(n as u64),
            _ => return false,
        }
    }
    true
}

/// Writes `chunk` to every socket `ticks` times, `rate` ticks a second; returns this
/// thread's CPU seconds and the writes that failed.
fn send(mut sockets: Vec<std::net::TcpStream>, chunk: &[u8], ticks: usize, rate: f64) -> (f64, u64) {
    let before = thread_cpu_seconds();
    let start = Instant::now();
    let mut failed = 0;
    for tick in 0..ticks {
        let due = start + Duration::from_secs_f64(tick as f64 / rate);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        for s in &mut sockets {
            if s.write_all(chunk).is_err() {
                failed += 1;
            }
        }
    }
    (thread_cpu_seconds() - before, failed)
}

/// This thread's user + system CPU, from /proc (clock ticks, as the server's figure is).
fn thread_cpu_seconds() -> f64 {
    crate::server::cpu_seconds_of("thread-self")
}

#[cfg(test)]
mod tests {
    use super::per_write;

    #[test]
    fn frames_per_write_follow_the_rooms_flush() {
        assert_eq!(per_write(1000, 200.0, 15.0), 3);
        assert_eq!(per_write(1000, 200.0, 10.0), 2);
        assert_eq!(per_write(10_000, 20.0, 15.0), 1, "events further apart than the interval");
        assert_eq!(per_write(100, 200.0, 15.0), 1, "a room of 100 waits a tenth");
        assert_eq!(per_write(1000, 200.0, 0.0), 1);
    }
}
