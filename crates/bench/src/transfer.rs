//! Scenario: a production of N entities (CCUs, cameras pointing at them, ports and cables
//! between the ports) exported as a file, imported from it with new ids, and duplicated:
//! the time of each request and entities per second.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::server::{CpuMeter, ServerProc};
use crate::stats::{Latency, Row};

/// The production's bodies: a quarter CCUs with two ports each, half cameras on them, and
/// a cable per CCU between its ports.
fn bodies(entities: usize) -> Vec<(&'static str, Value)> {
    let ccus = (entities / 5).max(1);
    let mut out = Vec::with_capacity(entities);
    for c in 0..ccus {
        let ccu = uuid::Uuid::new_v4();
        let (a, b) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
        out.push(("ccus", json!({"id": ccu, "displayId": format!("CCU {c}"), "name": format!("CCU {c}")})));
        for (port, dir) in [(a, "output"), (b, "input")] {
            out.push((
                "device-ports",
                json!({"id": port, "displayId": format!("CCU {c} {dir}"), "deviceId": ccu,
                "portLabel": dir, "ioType": "SDI", "direction": dir}),
            ));
        }
        out.push((
            "cables",
            json!({"displayId": format!("CBL {c}"), "outputPortId": a, "inputPortId": b, "cableType": "SDI"}),
        ));
    }
    let mut n = 0;
    while out.len() < entities {
        out.push(("cameras", json!({"displayId": format!("CAM {n}"), "name": format!("Camera {n}")})));
        n += 1;
    }
    out
}

fn row(label: &str, entities: usize, took: Duration, ok: bool, cpu: &CpuMeter, server: &ServerProc) -> Row {
    let ms = took.as_secs_f64() * 1000.0;
    Row {
        scenario: label.into(),
        params: format!("{entities} entities"),
        throughput: entities as f64 / took.as_secs_f64(),
        unit: "entities/s".into(),
        latency: Latency { count: 1, p50_ms: ms, p90_ms: ms, p99_ms: ms, max_ms: ms },
        errors: u64::from(!ok),
        lost: 0,
        server_cpu_cores: cpu.cores(server),
        client_cpu_cores: cpu.bench_cores(),
        server_peak_rss_mib: server.peak_rss_kib() as f64 / 1024.0,
        cpu_us_per_delivery: None,
        note: format!("one request, {ms:.0} ms"),
    }
}

pub async fn run(server: &ServerProc, entities: usize) -> Vec<Row> {
    let http = reqwest::Client::new();
    let base = &server.base;
    let fail = |note: String| vec![Row { scenario: "export".into(), errors: 1, note, ..Default::default() }];
    let made = http
        .post(format!("{base}/api/productions"))
        .json(&json!({"showName": "Transfer", "client": "bench"}))
        .send()
        .await;
    let Some(pid) = (match made {
        Ok(r) => r.json::<Value>().await.ok().and_then(|p| p["id"].as_str().map(str::to_owned)),
        Err(_) => None,
    }) else {
        return fail("could not create the production".into());
    };
    for chunk in bodies(entities).chunks(1000) {
        let ops: Vec<Value> =
            chunk.iter().map(|(path, b)| json!({"op": "create", "entity": path, "body": b})).collect();
        let url = format!("{base}/api/productions/{pid}/batch");
        match http.post(url).json(&json!({"operations": ops})).send().await {
            Ok(r) if r.status().is_success() => {}
            other => return fail(format!("loading the production failed: {:?}", other.map(|r| r.status()))),
        }
    }
    let mut rows = Vec::new();
    let cpu = CpuMeter::start(server);
    let started = Instant::now();
    let file = http.get(format!("{base}/api/productions/{pid}/export")).send().await;
    let file: Option<Value> = match file {
        Ok(r) if r.status().is_success() => r.json().await.ok(),
        _ => None,
    };
    rows.push(row("export", entities, started.elapsed(), file.is_some(), &cpu, server));
    let Some(file) = file else { return rows };

    let cpu = CpuMeter::start(server);
    let started = Instant::now();
    let imported = http.post(format!("{base}/api/productions/import")).json(&file).send().await;
    let ok = imported.is_ok_and(|r| r.status().as_u16() == 201);
    rows.push(row("import", entities, started.elapsed(), ok, &cpu, server));

    let cpu = CpuMeter::start(server);
    let started = Instant::now();
    let copied = http.post(format!("{base}/api/productions/{pid}/duplicate")).json(&json!({})).send().await;
    let ok = copied.is_ok_and(|r| r.status().as_u16() == 201);
    rows.push(row("duplicate", entities, started.elapsed(), ok, &cpu, server));
    rows
}
