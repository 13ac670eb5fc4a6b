//! Tunables of the real-time layer.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct RealtimeSettings {
    /// How often the server pings each socket.
    pub ping_interval: Duration,
    /// A socket that has sent nothing (not even a pong) for this long is closed.
    pub client_timeout: Duration,
    /// Frames waiting for one socket; past this the socket is cut off with a resync code.
    pub send_queue: usize,
    /// How long a room waits for a missing seq before reading it from the database.
    pub gap_timeout: Duration,
    /// Largest client frame accepted (bigger gets an error frame).
    pub max_frame_bytes: usize,
    /// How long a cut-off socket gets to take its close frame before it is dropped.
    pub close_grace: Duration,
    /// Productions one socket may be joined to at once.
    pub max_rooms_per_socket: usize,
    /// Sockets one user may hold open at once (anonymous sockets on a trusted network
    /// are not counted).
    pub max_sockets_per_user: usize,
    /// Token bucket for `join-production`: this many at once, refilled at this rate.
    pub join_burst: u32,
    pub joins_per_second: u32,
    /// A room wakes a socket's writer at most this often: events released within it
    /// leave in one write (one system call per socket instead of one per event). Zero
    /// writes every event at once.
    pub flush_interval: Duration,
}

impl Default for RealtimeSettings {
    fn default() -> Self {
        RealtimeSettings {
            ping_interval: Duration::from_secs(10),
            client_timeout: Duration::from_secs(30),
            send_queue: 1024,
            gap_timeout: Duration::from_millis(200),
            max_frame_bytes: 16 * 1024,
            close_grace: Duration::from_secs(5),
            max_rooms_per_socket: 100,
            max_sockets_per_user: 50,
            join_burst: 20,
            joins_per_second: 5,
            flush_interval: Duration::from_millis(15),
        }
    }
}
