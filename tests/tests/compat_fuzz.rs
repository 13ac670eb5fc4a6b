//! Every route of the compatibility surface against hostile input: each field of each
//! type set to each value a careless or hostile client sends (wrong types, extreme numbers,
//! NUL, huge text, deep nesting), unknown and malformed ids, duplicates, wrong content
//! types, plus seeded random mixes of them. Whatever the answer, it is never a 5xx.
//! `COMPAT_FUZZ_SEED` repeats a run; each run prints the seed it used.

use prodsync_compat::ROUTES;
use prodsync_e2e::TestServer;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A device id that names nothing: its ports are the original's empty list.
const NO_DEVICE: &str = "00000000-0000-0000-0000-00000000000d";

/// Values no field should turn into a 5xx.
fn hostile() -> Vec<Value> {
    let mut deep = json!(1);
    for _ in 0..200 {
        deep = json!([deep]);
    }
    vec![
        Value::Null,
        json!(1.7976931348623157e308),
        json!(-1e300),
        json!(-1),
        json!(2.5),
        json!(""),
        json!("a\u{0}b"),
        json!("x".repeat(200_000)),
        json!("CAM 1"),
        json!("00000000-0000-0000-0000-000000000000"),
        json!(true),
        json!([]),
        json!({"a": {"b": [1, "\u{0}"]}}),
        deep,
    ]
}

/// A tiny xorshift generator: reproducible from its printed seed, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

struct Fuzz<'a> {
    s: &'a TestServer,
    sent: usize,
    failures: Vec<String>,
}

impl Fuzz<'_> {
    async fn send(&mut self, method: &str, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
        let (status, got) = self.s.call(method, &format!("/compat/api{path}"), "", body).await;
        self.check(method, path, status, &got.to_string());
        (status, got)
    }

    async fn raw(&mut self, method: &str, path: &str, content_type: &str, body: &'static str) {
        let url = self.s.url(&format!("/compat/api{path}"));
        let req = self.s.http.request(method.parse().unwrap(), url).header("content-type", content_type);
        let res = req.body(body).send().await.expect("an answer");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        self.check(method, path, status, &text);
    }

    fn check(&mut self, method: &str, path: &str, status: StatusCode, body: &str) {
        self.sent += 1;
        if status.is_server_error() {
            let short: String = body.chars().take(200).collect();
            self.failures.push(format!("{method} {path}: {status} {short}"));
        }
    }
}

#[tokio::test]
async fn no_input_to_any_compat_route_gives_a_5xx() {
    let seed = std::env::var("COMPAT_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
    });
    println!("COMPAT_FUZZ_SEED={seed}");
    let s = TestServer::start().await;
    let mut f = Fuzz { s: &s, sent: 0, failures: Vec::new() };
    let (_, show) =
        f.send("POST", "/productions", Some(&json!({"name": "Fuzz", "client": "c", "userId": "f"}))).await;
    let pid = show["id"].as_str().expect("a show").to_owned();
    let values = hostile();
    let mut rng = Rng(seed);

    for route in ROUTES {
        let seg = route.segment;
        let names: Vec<&str> = route.kind.fields.iter().map(|f| f.name).collect();
        // Something to update and delete: whatever a bare create makes (may be refused).
        let (_, made) =
            f.send("POST", &format!("/{seg}"), Some(&json!({"productionId": pid, "name": "n"}))).await;
        let uuid = made["uuid"].as_str().unwrap_or("00000000-0000-0000-0000-000000000001").to_owned();
        for name in
            names.iter().copied().chain(["id", "uuid", "productionId", "outputs", "version", "fieldVersions"])
        {
            for v in &values {
                let body = json!({"productionId": pid, "name": "n", name: v});
                f.send("POST", &format!("/{seg}"), Some(&body)).await;
                f.send("PUT", &format!("/{seg}/{uuid}"), Some(&json!({ name: v }))).await;
            }
        }
        // Random mixes of several hostile fields at once.
        for _ in 0..20 {
            let mut body = json!({"productionId": pid});
            for _ in 0..4 {
                let name = names[rng.next(names.len())];
                body[name] = values[rng.next(values.len())].clone();
            }
            f.send("POST", &format!("/{seg}"), Some(&body)).await;
            f.send("PUT", &format!("/{seg}/{uuid}"), Some(&body)).await;
        }
        for id in ["not-a-uuid", "00000000-0000-0000-0000-000000000000", &"9".repeat(5000), "%00"] {
            f.send("GET", &format!("/{seg}/{id}"), None).await;
            f.send("PUT", &format!("/{seg}/{id}"), Some(&json!({"name": "x"}))).await;
            f.send("DELETE", &format!("/{seg}/{id}"), None).await;
            f.send("GET", &format!("/{seg}/production/{id}"), None).await;
        }
        f.raw("POST", &format!("/{seg}"), "text/plain", "hello").await;
        f.raw("POST", &format!("/{seg}"), "application/json", "{\"productionId\": ").await;
        f.raw("PUT", &format!("/{seg}/{uuid}"), "application/json", "[1,2,3]").await;
        f.send("DELETE", &format!("/{seg}/{uuid}"), None).await;
        f.send("DELETE", &format!("/{seg}/{uuid}"), None).await;
    }

    // Productions, device ports, settings and the libraries.
    for v in &values {
        for key in ["name", "id", "status", "loadIn", "sourceTypes", "client"] {
            f.send("POST", "/productions", Some(&json!({"name": "P", key: v}))).await;
            f.send("PUT", &format!("/productions/{pid}"), Some(&json!({ key: v }))).await;
        }
        f.send(
            "POST",
            &format!("/device-ports/device/{NO_DEVICE}/sync"),
            Some(&json!({"productionId": pid, "ports": [{"portLabel": v, "direction": v, "ioType": v}]})),
        )
        .await;
        f.send("POST", "/device-ports/device/x/sync", Some(&json!({"productionId": v, "ports": v}))).await;
        for list in ["connector-types", "source-types", "frame-rates", "resolutions", "theme"] {
            f.send(
                "POST",
                &format!("/settings/{list}"),
                Some(&json!({"name": v, "value": v, "type": v, "rate": v, "resolution": v})),
            )
            .await;
            f.send(
                "PUT",
                &format!("/settings/{list}/reorder"),
                Some(&json!({"types": v, "rates": v, "resolutions": v})),
            )
            .await;
        }
    }
    for path in ["/equipment", "/formats", "/settings", "/settings/x", "/device-ports/device/x", "/health"] {
        f.send("GET", path, None).await;
    }
    f.raw("POST", "/productions", "application/x-www-form-urlencoded", "name=P").await;
    f.send("DELETE", "/settings/source-types/%00", None).await;
    f.send("POST", "/settings/source-types/restore-defaults", None).await;

    println!("{} requests", f.sent);
    assert!(f.sent > 5000, "the fuzz ran ({} requests)", f.sent);
    assert!(f.failures.is_empty(), "seed {seed}: {} 5xx:\n{}", f.failures.len(), f.failures.join("\n"));
}
