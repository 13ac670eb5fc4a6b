//! Productions and cameras with ids pgbench can compute too: md5('cam' || n)::uuid.

use futures_util::{stream, StreamExt};
use serde_json::json;
use uuid::Uuid;

pub fn uuid_of(label: &str) -> Uuid {
    Uuid::from_bytes(md5::compute(label).0)
}

pub fn production_id(p: usize) -> Uuid {
    uuid_of(&format!("prod{p}"))
}

pub fn camera_id(n: usize) -> Uuid {
    uuid_of(&format!("cam{n}"))
}

/// Camera `n` (1-based) belongs to production `(n - 1) % productions + 1`: the same rule
/// the pgbench script uses.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub production: Uuid,
    pub camera: Uuid,
}

pub async fn create(
    client: &reqwest::Client,
    base: &str,
    productions: usize,
    cameras: usize,
) -> Result<Vec<Target>, String> {
    let created: Vec<Result<(), String>> = stream::iter(1..=productions)
        .map(|p| {
            let body = json!({"id": production_id(p), "showName": format!("Bench {p}"), "client": "bench"});
            post(client, format!("{base}/api/productions"), body)
        })
        .buffer_unordered(16)
        .collect()
        .await;
    created.into_iter().collect::<Result<(), String>>()?;
    let targets: Vec<Target> = (1..=cameras)
        .map(|n| Target { production: production_id((n - 1) % productions + 1), camera: camera_id(n) })
        .collect();
    let created: Vec<Result<(), String>> = stream::iter(targets.iter().enumerate())
        .map(|(i, t)| {
            let body = json!({"id": t.camera, "name": format!("Cam {}", i + 1), "model": "HDC-5500", "note": "start"});
            post(client, format!("{base}/api/productions/{}/cameras", t.production), body)
        })
        .buffer_unordered(16)
        .collect()
        .await;
    created.into_iter().collect::<Result<(), String>>()?;
    Ok(targets)
}

async fn post(client: &reqwest::Client, url: String, body: serde_json::Value) -> Result<(), String> {
    let res = client.post(&url).json(&body).send().await.map_err(|e| e.to_string())?;
    if res.status().as_u16() == 201 {
        Ok(())
    } else {
        Err(format!("POST {url}: {}", res.status()))
    }
}

/// A small fast generator, so clients do not share an RNG.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}
