//! jwt mode with a public key file: RS256, ES256 and EdDSA tokens verify with the matching
//! key, the algorithm comes from the key (never from the token), and iss/aud are checked.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use prodsync_api::auth::{AuthError, Authenticator, Credentials};
use prodsync_api::config::{AuthMode, Secret, Settings};
use serde_json::json;

fn key(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/keys").join(name)
}

fn settings(public: &str) -> Settings {
    Settings { auth_mode: AuthMode::Jwt, jwt_public_key_file: Some(key(public)), ..Default::default() }
}

fn exp() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() + 600
}

fn sign(alg: Algorithm, private: &str, claims: serde_json::Value) -> String {
    let pem = std::fs::read(key(private)).unwrap();
    let k = match alg {
        Algorithm::RS256 => EncodingKey::from_rsa_pem(&pem),
        Algorithm::ES256 => EncodingKey::from_ec_pem(&pem),
        _ => EncodingKey::from_ed_pem(&pem),
    }
    .unwrap();
    encode(&Header::new(alg), &claims, &k).unwrap()
}

fn who(auth: &Authenticator, token: &str) -> Result<Option<String>, AuthError> {
    auth.identify(&Credentials { bearer: Some(token), ..Default::default() }).map(|i| i.user_id)
}

#[test]
fn each_key_type_verifies_its_own_tokens_and_only_those() {
    let cases = [(Algorithm::RS256, "rsa"), (Algorithm::ES256, "ec"), (Algorithm::EdDSA, "ed")];
    for (alg, name) in cases {
        let auth = settings(&format!("{name}.pub")).authenticator().unwrap();
        let token = sign(alg, &format!("{name}.key"), json!({"sub": "ann", "exp": exp()}));
        assert_eq!(who(&auth, &token), Ok(Some("ann".into())), "{name}");
        // The same claims signed by another key type, or with an HMAC over the public key
        // (the classic algorithm-confusion forgery), are refused.
        for (other_alg, other) in cases.iter().filter(|(_, n)| *n != name) {
            let forged = sign(*other_alg, &format!("{other}.key"), json!({"sub": "ann", "exp": exp()}));
            assert!(who(&auth, &forged).is_err(), "{name} accepted a {other} token");
        }
        let public = std::fs::read(key(&format!("{name}.pub"))).unwrap();
        let hmac = encode(
            &Header::new(Algorithm::HS256),
            &json!({"sub": "ann", "exp": exp()}),
            &EncodingKey::from_secret(&public),
        )
        .unwrap();
        assert!(who(&auth, &hmac).is_err(), "{name} accepted an HS256 token keyed with its public key");
    }
}

#[test]
fn issuer_and_audience_are_checked_when_configured() {
    let s = Settings {
        jwt_issuer: Some("https://id.example".into()),
        jwt_audience: Some("prodsync".into()),
        ..settings("ed.pub")
    };
    let auth = s.authenticator().unwrap();
    let good = sign(
        Algorithm::EdDSA,
        "ed.key",
        json!({"sub": "ann", "exp": exp(), "iss": "https://id.example", "aud": "prodsync"}),
    );
    assert_eq!(who(&auth, &good), Ok(Some("ann".into())));
    for (claims, why) in [
        (
            json!({"sub": "ann", "exp": exp(), "iss": "https://evil.example", "aud": "prodsync"}),
            "wrong issuer (iss)",
        ),
        (
            json!({"sub": "ann", "exp": exp(), "iss": "https://id.example", "aud": "other"}),
            "wrong audience (aud)",
        ),
        (json!({"sub": "ann", "iss": "https://id.example", "aud": "prodsync"}), "the exp claim is required"),
    ] {
        let token = sign(Algorithm::EdDSA, "ed.key", claims);
        assert_eq!(who(&auth, &token), Err(AuthError::BadToken(why.into())));
    }
}

#[test]
fn a_key_file_that_is_not_a_public_key_is_refused_at_start() {
    assert!(settings("README").authenticator().is_err());
    assert!(settings("missing.pub").authenticator().is_err());
    let both = Settings { jwt_secret: Some(Secret("x".repeat(32))), ..settings("ed.pub") };
    assert!(both.authenticator().is_err());
}
