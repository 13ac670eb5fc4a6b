//! The browser client (clients/js) against a real server: its vitest suites (order, resume,
//! resync, the per-author queue, rollback, the cache; the overlay rules as tables;
//! generated types), the demo page in real Chromium with two users, and the local-first
//! scenarios in Chromium against a jwt-mode server.
//! Both run with Node; scripts/test installs the npm packages, builds the page and
//! installs Debian's chromium when missing.

use std::process::Command;

use prodsync_e2e::TestServer;

fn clients_js() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../clients/js")
}

/// Runs a Node tool in clients/js against the server; fails with its whole report.
fn node(s: &TestServer, program: &str, args: &[&str]) -> String {
    node_with(s, program, args, &[])
}

fn node_with(s: &TestServer, program: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    node_in(&clients_js(), s, program, args, env)
}

fn node_in(
    dir: &std::path::Path,
    s: &TestServer,
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> String {
    assert!(dir.join("node_modules").exists(), "run `npm ci` in {} first (scripts/test does)", dir.display());
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PRODSYNC_URL", s.url(""))
        .env("SCREENSHOT_DIR", &shots)
        .envs(env.iter().copied())
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
    let report = node(
        &s,
        "npx",
        &["vitest", "run", "test/client.test.ts", "test/overlay.test.ts", "--reporter=json", &out_arg],
    );
    // vitest's own JSON report: counts as numbers, not matched in text.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("vitest wrote its report")).expect("JSON");
    let count = |k: &str| summary[k].as_u64();
    assert_eq!(
        (count("numTotalTests"), count("numPassedTests"), count("numFailedTests")),
        (Some(30), Some(30), Some(0)),
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

#[tokio::test]
async fn the_local_first_client_in_chromium_cache_queue_rollback_and_tabs() {
    let root = clients_js().join("dist");
    assert!(
        root.join("sw.js").exists(),
        "build the page first: npm run build in clients/js (scripts/test does)"
    );
    let s = TestServer::start_jwt(|settings| settings.web_root = root.to_string_lossy().into_owned()).await;
    let report = node_with(
        &s,
        "node",
        &["test/local-first.mjs"],
        &[("PRODSYNC_JWT_SECRET", prodsync_e2e::JWT_SECRET)],
    );
    assert!(report.contains("local-first test passed"), "{report}");
}

#[tokio::test]
async fn the_react_hooks_render_a_production_and_only_what_changed() {
    let s = TestServer::start().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../clients/react");
    let out = std::env::temp_dir().join(format!("prodsync-vitest-react-{}.json", std::process::id()));
    let out_arg = format!("--outputFile={}", out.display());
    let report = node_in(&dir, &s, "npx", &["vitest", "run", "--reporter=json", &out_arg], &[]);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("vitest wrote its report")).expect("JSON");
    let count = |k: &str| summary[k].as_u64();
    assert_eq!(
        (count("numTotalTests"), count("numPassedTests"), count("numFailedTests")),
        (Some(2), Some(2), Some(0)),
        "{report}"
    );
    std::fs::remove_file(out).ok();
}
