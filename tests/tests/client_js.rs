//! The browser client (clients/js) against a real server: its vitest suite (order, resume,
//! resync, offline queue, generated types) and the demo page in real Chromium, two users.
//! Both run with Node; scripts/test installs the npm packages, builds the page and
//! installs Debian's chromium when missing.

use std::process::Command;

use prodsync_e2e::TestServer;

fn clients_js() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../clients/js")
}

/// Runs a Node tool in clients/js against the server; fails with its whole report.
fn node(s: &TestServer, program: &str, args: &[&str]) -> String {
    let dir = clients_js();
    assert!(dir.join("node_modules").exists(), "run `npm ci` in clients/js first (scripts/test does)");
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let out = Command::new(program)
        .args(args)
        .current_dir(&dir)
        .env("PRODSYNC_URL", s.url(""))
        .env("SCREENSHOT_DIR", &shots)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{program} {args:?} failed:\n{report}");
    report
}

#[tokio::test]
async fn the_client_library_keeps_order_resumes_resyncs_and_replays_offline_writes_once() {
    let s = TestServer::start().await;
    let out = std::env::temp_dir().join(format!("prodsync-vitest-{}.json", std::process::id()));
    let out_arg = format!("--outputFile={}", out.display());
    let report = node(&s, "npx", &["vitest", "run", "test/client.test.ts", "--reporter=json", &out_arg]);
    // vitest's own JSON report: counts as numbers, not matched in text.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("vitest wrote its report")).expect("JSON");
    let count = |k: &str| summary[k].as_u64();
    assert_eq!(
        (count("numTotalTests"), count("numPassedTests"), count("numFailedTests")),
        (Some(7), Some(7), Some(0)),
        "{report}"
    );
    std::fs::remove_file(out).ok();
}

#[tokio::test]
async fn two_people_edit_one_production_on_the_demo_page_in_chromium() {
    let root = clients_js().join("dist");
    assert!(
        root.join("index.html").exists(),
        "build the page first: npm run build in clients/js (scripts/test does)"
    );
    let s = TestServer::start_tuned(|settings| settings.web_root = root.to_string_lossy().into_owned()).await;
    let report = node(&s, "node", &["test/browser.mjs"]);
    assert!(report.contains("browser test passed"), "{report}");
}
