//! A TCP proxy in front of PostgreSQL that a test can cut and restore, to show what the
//! server does while its database is unreachable.

use std::sync::Arc;

use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct Proxy {
    pub port: u16,
    target: String,
    up: Arc<watch::Sender<bool>>,
    accept: Option<JoinHandle<()>>,
}

impl Proxy {
    /// Listens on a free local port and forwards to `target` ("host:port").
    pub async fn start(target: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy bind");
        let port = listener.local_addr().expect("addr").port();
        let mut p =
            Proxy { port, target: target.to_owned(), up: Arc::new(watch::channel(true).0), accept: None };
        p.accept = Some(p.spawn(listener));
        p
    }

    fn spawn(&self, listener: TcpListener) -> JoinHandle<()> {
        let (target, up) = (self.target.clone(), self.up.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let (target, mut down) = (target.clone(), up.subscribe());
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&target).await else { return };
                    tokio::select! {
                        _ = copy_bidirectional(&mut client, &mut server) => {}
                        _ = down.wait_for(|up| !*up) => {}
                    }
                });
            }
        })
    }

    /// Closes every connection and stops accepting: the database "goes away".
    pub fn cut(&mut self) {
        let _ = self.up.send(false);
        if let Some(a) = self.accept.take() {
            a.abort();
        }
    }

    /// Accepts again on the same port: the database "comes back".
    pub async fn restore(&mut self) {
        self.up = Arc::new(watch::channel(true).0);
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.expect("proxy rebind");
        self.accept = Some(self.spawn(listener));
    }
}

/// `host:port` of a PostgreSQL URL (5432 when it names none).
pub fn host_port(url: &str) -> String {
    let after = url.split("://").nth(1).unwrap_or(url);
    let host = after.rsplit('@').next().unwrap_or(after);
    let host = host.split('/').next().unwrap_or(host);
    if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    }
}

/// The URL of database `name` on the test server, reached through the proxy on `port`.
pub fn via(port: u16, name: &str) -> String {
    let server = crate::test_db::server_url();
    crate::test_db::with_database(&server.replace(&host_port(&server), &format!("127.0.0.1:{port}")), name)
}
