//! Idempotency-Key over real HTTP: a retry is answered from the kept response and writes
//! nothing; another request under the same key is refused; concurrent copies write once.

use prodsync_e2e::TestServer;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// (status, replayed?, body)
async fn keyed(
    s: &TestServer,
    method: &str,
    path: &str,
    user: &str,
    key: &str,
    body: Option<&Value>,
) -> (StatusCode, bool, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req =
        s.http.request(method, s.url(path)).header("x-user-id", user).header("idempotency-key", key);
    if let Some(b) = body {
        req = req.json(b);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let replayed = res.headers().get("idempotency-replayed").is_some_and(|v| v == "true");
    (status, replayed, res.json().await.unwrap())
}

#[tokio::test]
async fn a_retry_is_answered_from_the_kept_response_and_writes_nothing() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cams = format!("/api/productions/{pid}/cameras");
    let body = json!({"name": "Cam 1"});
    let (status, replayed, first) = keyed(&s, "POST", &cams, "ann", "create-cam-1", Some(&body)).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false), "{first}");
    let head = s.head_seq(&pid).await;
    let (status, replayed, again) = keyed(&s, "POST", &cams, "ann", "create-cam-1", Some(&body)).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(again, first, "the very same answer");
    assert_eq!(s.head_seq(&pid).await, head, "nothing written again");
    let (_, list) = s.get(&cams).await;
    assert_eq!(list.as_array().unwrap().len(), 1);

    // Another request under the same key is refused, and changes nothing.
    let (status, _, got) =
        keyed(&s, "POST", &cams, "ann", "create-cam-1", Some(&json!({"name": "Cam 2"}))).await;
    assert_eq!(
        (status, got["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("idempotency_key_reused"))
    );
    let cam_path = format!("{cams}/{}", first["id"].as_str().unwrap());
    let (status, _, got) = keyed(&s, "PUT", &cam_path, "ann", "create-cam-1", Some(&body)).await;
    assert_eq!(
        (status, got["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("idempotency_key_reused"))
    );
    // Keys are per user: bob's "create-cam-1" is his own.
    let (status, replayed, _) = keyed(&s, "POST", &cams, "bob", "create-cam-1", Some(&body)).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false));

    // Updates, deletes and member changes replay the same way.
    let (status, _, upd) = keyed(&s, "PUT", &cam_path, "ann", "u1", Some(&json!({"model": "HDC"}))).await;
    assert_eq!(status, StatusCode::OK);
    let (_, replayed, again) = keyed(&s, "PUT", &cam_path, "ann", "u1", Some(&json!({"model": "HDC"}))).await;
    assert!(replayed);
    assert_eq!(again, upd);
    let (status, _, del) = keyed(&s, "DELETE", &cam_path, "ann", "d1", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, replayed, again) = keyed(&s, "DELETE", &cam_path, "ann", "d1", None).await;
    assert_eq!((status, replayed, &again), (StatusCode::OK, true, &del), "a replayed delete is not a 404");
    let member = format!("/api/productions/{pid}/members/zed");
    let (status, _, m) = keyed(&s, "PUT", &member, "ann", "m1", Some(&json!({"role": "viewer"}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        keyed(&s, "PUT", &member, "ann", "m1", Some(&json!({"role": "viewer"}))).await,
        (StatusCode::OK, true, m)
    );

    // The equipment library's writes too.
    let gear = json!({"manufacturer": "Acme", "model": "Cam X", "category": "camera"});
    let (status, _, made) = keyed(&s, "POST", "/api/equipment", "ann", "gear-1", Some(&gear)).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(
        keyed(&s, "POST", "/api/equipment", "ann", "gear-1", Some(&gear)).await,
        (StatusCode::CREATED, true, made)
    );

    for bad in ["", &"k".repeat(256)] {
        let (status, _, got) = keyed(&s, "POST", &cams, "ann", bad, Some(&body)).await;
        assert_eq!(
            (status, got["details"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("Idempotency-Key")),
            "{bad:?}"
        );
    }
}

#[tokio::test]
async fn a_failed_write_keeps_no_key() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cams = format!("/api/productions/{pid}/cameras");
    let (status, _, _) = keyed(&s, "POST", &cams, "ann", "k", Some(&json!({"model": "no name"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, replayed, _) = keyed(&s, "POST", &cams, "ann", "k", Some(&json!({"name": "fixed"}))).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false));
}

#[tokio::test]
async fn twenty_concurrent_copies_write_once_and_get_the_same_answer() {
    let s = TestServer::start_tuned(|c| c.pool_size = 24).await;
    let pid = s.production("Gala").await;
    let cam = s.create(&pid, "cameras", json!({"name": "Cam 1"})).await;
    let path = format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap());
    let head = s.head_seq(&pid).await;
    let body = json!({"note": "once"});
    let copies = (0..20).map(|_| keyed(&s, "PUT", &path, "ann", "same-put", Some(&body)));
    let answers = futures_util::future::join_all(copies).await;
    assert_eq!(s.head_seq(&pid).await, head + 1, "exactly one write and one event");
    let done: Vec<&Value> =
        answers.iter().filter(|(st, _, _)| *st == StatusCode::OK).map(|(_, _, b)| b).collect();
    assert!(!done.is_empty());
    assert!(done.iter().all(|b| *b == done[0]), "every completed answer is the same");
    assert_eq!(done.iter().filter(|b| b["version"] == 2).count(), done.len());
    for (status, _, b) in &answers {
        if *status != StatusCode::OK {
            assert_eq!(
                (*status, b["error"].as_str()),
                (StatusCode::CONFLICT, Some("idempotency_in_progress")),
                "{b}"
            );
        }
    }
    // Once the first has answered, every retry is a replay.
    let (status, replayed, b) = keyed(&s, "PUT", &path, "ann", "same-put", Some(&body)).await;
    assert_eq!((status, replayed, &b), (StatusCode::OK, true, done[0]));
}

/// Settings writes are commands like the rest: a retry is the kept answer (the same
/// `updatedAt`, nothing written or announced again), another request under the key a 422.
#[tokio::test]
async fn settings_writes_honour_the_key_too() {
    let s = TestServer::start().await;
    let put = "/api/settings/values/theme";
    let body = json!({"value": {"dark": true}});
    let (status, replayed, first) = keyed(&s, "PUT", put, "ann", "theme-1", Some(&body)).await;
    assert_eq!((status, replayed), (StatusCode::OK, false), "{first}");
    let (status, replayed, again) = keyed(&s, "PUT", put, "ann", "theme-1", Some(&body)).await;
    assert_eq!((status, replayed), (StatusCode::OK, true), "{again}");
    assert_eq!(again, first, "the kept answer, updatedAt included: nothing written again");
    let (status, _, got) =
        keyed(&s, "PUT", put, "ann", "theme-1", Some(&json!({"value": {"dark": false}}))).await;
    assert_eq!(
        (status, got["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("idempotency_key_reused"))
    );
    let (_, stored) = s.get(put).await;
    assert_eq!(stored["value"], json!({"dark": true}));

    let restore = "/api/settings/source-types/restore-defaults";
    let (status, replayed, defaults) = keyed(&s, "POST", restore, "ann", "restore-1", None).await;
    assert_eq!((status, replayed), (StatusCode::OK, false), "{defaults}");
    let (status, replayed, again) = keyed(&s, "POST", restore, "ann", "restore-1", None).await;
    assert_eq!((status, replayed, &again), (StatusCode::OK, true, &defaults));

    let (status, replayed, _) = keyed(&s, "DELETE", put, "ann", "theme-gone", None).await;
    assert_eq!((status, replayed), (StatusCode::OK, false));
    let (status, replayed, gone) = keyed(&s, "DELETE", put, "ann", "theme-gone", None).await;
    assert_eq!((status, replayed), (StatusCode::OK, true), "a retried delete is not a 404: {gone}");
}
