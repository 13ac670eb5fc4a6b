//! Who is calling: the `X-User-Id` header on a trusted network (`none` mode), or a verified
//! JWT (`jwt` mode). Verification is `jsonwebtoken`'s; this module only chooses the key,
//! the algorithm and the claims, and turns the result into the domain's `Identity`.
//! Every adapter (REST, `/ws`, the compatibility layer's REST and Socket.IO) asks this one
//! authenticator, and reads a bearer token with the one `bearer` below.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use prodsync_domain::access::{is_valid_user_text, Identity};
use serde::{Deserialize, Serialize};

use std::path::Path;

/// Leeway for clocks that disagree a little about `exp`.
const LEEWAY_SECS: u64 = 30;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    /// Required: `Validation` refuses a token without it (the field is optional here only
    /// so that the refusal says which claim is missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
}

/// Why a request has no identity. Each is a 401 (jwt) or 400 (a malformed header).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("this server needs a bearer token: send Authorization: Bearer <JWT>")]
    MissingToken,
    #[error("the token was refused: {0}")]
    BadToken(String),
    #[error("{0} must be printable text of at most 200 characters")]
    BadName(&'static str),
}

pub enum Authenticator {
    /// Trusted network: the client says who it is.
    None,
    Jwt {
        key: Box<DecodingKey>,
        validation: Box<Validation>,
    },
}

/// What a request or an upgrade offers as credentials.
#[derive(Debug, Default)]
pub struct Credentials<'a> {
    pub bearer: Option<&'a str>,
    pub user_id: Option<&'a str>,
    pub user_name: Option<&'a str>,
}

/// How `jwt` mode verifies tokens: one of a secret or a public key, and the claims it checks.
#[derive(Debug, Default, Clone, Copy)]
pub struct JwtSettings<'a> {
    pub secret: Option<&'a str>,
    pub public_key_file: Option<&'a Path>,
    pub issuer: Option<&'a str>,
    pub audience: Option<&'a str>,
}

/// `Authorization: Bearer <token>` (the scheme in any case, RFC 7235); any other scheme
/// counts as no token.
pub fn bearer(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl Authenticator {
    /// `jwt` mode; refuses settings that would verify nothing.
    pub fn jwt(s: &JwtSettings<'_>) -> Result<Authenticator, String> {
        let (key, algorithm) = match (s.secret, s.public_key_file) {
            (Some(secret), None) if secret.len() >= 32 => {
                (DecodingKey::from_secret(secret.as_bytes()), Algorithm::HS256)
            }
            (Some(_), None) => return Err("jwt_secret must be at least 32 bytes long".into()),
            (None, Some(path)) => public_key(path)?,
            (Some(_), Some(_)) => return Err("give jwt_secret or jwt_public_key_file, not both".into()),
            (None, None) => {
                return Err("auth_mode = jwt needs PRODSYNC_JWT_SECRET or PRODSYNC_JWT_PUBLIC_KEY_FILE".into())
            }
        };
        let mut validation = Validation::new(algorithm);
        validation.leeway = LEEWAY_SECS;
        validation.set_required_spec_claims(&["exp", "sub"]);
        if let Some(iss) = s.issuer {
            validation.set_issuer(&[iss]);
        }
        match s.audience {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        Ok(Authenticator::Jwt { key: Box::new(key), validation: Box::new(validation) })
    }

    /// `jwt` mode: identity only from tokens, never from headers or bodies.
    pub fn requires_token(&self) -> bool {
        matches!(self, Authenticator::Jwt { .. })
    }

    pub fn identify(&self, c: &Credentials<'_>) -> Result<Identity, AuthError> {
        match self {
            Authenticator::None => {
                let user = printable(c.user_id, "X-User-Id")?;
                let name = printable(c.user_name, "X-User-Name")?;
                Ok(Identity::trusted(user, name))
            }
            Authenticator::Jwt { key, validation } => {
                let token = c.bearer.ok_or(AuthError::MissingToken)?;
                let claims = decode::<Claims>(token, key, validation)
                    .map_err(|e| AuthError::BadToken(describe(e.kind())))?
                    .claims;
                let bad_claim = |_| AuthError::BadToken("sub and name must be printable text".into());
                let user = printable(Some(&claims.sub), "sub").map_err(bad_claim)?;
                let name = printable(claims.name.as_deref(), "name").map_err(bad_claim)?;
                let Some(user) = user else { return Err(AuthError::BadToken("sub is empty".into())) };
                let admin = claims.roles.iter().any(|r| r == "admin");
                Ok(Identity { user_id: Some(user), name, admin })
            }
        }
    }
}

fn public_key(path: &Path) -> Result<(DecodingKey, Algorithm), String> {
    let pem =
        std::fs::read(path).map_err(|e| format!("reading jwt_public_key_file {}: {e}", path.display()))?;
    if let Ok(k) = DecodingKey::from_rsa_pem(&pem) {
        return Ok((k, Algorithm::RS256));
    }
    if let Ok(k) = DecodingKey::from_ec_pem(&pem) {
        return Ok((k, Algorithm::ES256));
    }
    if let Ok(k) = DecodingKey::from_ed_pem(&pem) {
        return Ok((k, Algorithm::EdDSA));
    }
    Err(format!("{} is not an RSA, EC (P-256) or Ed25519 public key in PEM form", path.display()))
}

/// A reason a client can act on, without echoing the token.
fn describe(kind: &jsonwebtoken::errors::ErrorKind) -> String {
    use jsonwebtoken::errors::ErrorKind as K;
    match kind {
        K::ExpiredSignature => "it has expired".into(),
        K::InvalidSignature => "its signature does not verify".into(),
        K::InvalidIssuer => "wrong issuer (iss)".into(),
        K::InvalidAudience => "wrong audience (aud)".into(),
        K::ImmatureSignature => "it is not valid yet (nbf)".into(),
        K::MissingRequiredClaim(c) => format!("the {c} claim is required"),
        K::InvalidAlgorithm => "wrong signing algorithm".into(),
        _ => "it is not a valid JWT".into(),
    }
}

/// Trims; empty means not given; control characters or overlong text are refused.
fn printable(raw: Option<&str>, what: &'static str) -> Result<Option<String>, AuthError> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(None) };
    if !is_valid_user_text(s) {
        return Err(AuthError::BadName(what));
    }
    Ok(Some(s.to_owned()))
}

/// An HS256 token for local trials (`prodsync token`).
pub fn mint(
    secret: &str,
    sub: &str,
    name: Option<&str>,
    admin: bool,
    ttl: Duration,
) -> Result<String, String> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|e| e.to_string())?;
    let claims = Claims {
        sub: sub.to_owned(),
        exp: Some((now + ttl).as_secs()),
        name: name.map(str::to_owned),
        roles: if admin { vec!["admin".into()] } else { vec![] },
        iss: None,
        aud: None,
    };
    encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret.as_bytes()))
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    fn jwt() -> Authenticator {
        Authenticator::jwt(&JwtSettings { secret: Some(SECRET), ..Default::default() }).unwrap()
    }

    fn bearer(token: &str) -> Credentials<'_> {
        Credentials { bearer: Some(token), ..Default::default() }
    }

    #[test]
    fn a_minted_token_names_its_user() {
        let t = mint(SECRET, "ann", Some("Ann"), true, Duration::from_secs(60)).unwrap();
        let who = jwt().identify(&bearer(&t)).unwrap();
        assert_eq!(who, Identity { user_id: Some("ann".into()), name: Some("Ann".into()), admin: true });
    }

    #[test]
    fn refuses_expired_forged_and_missing_tokens() {
        let expired = {
            let claims =
                Claims { sub: "ann".into(), exp: Some(1), name: None, roles: vec![], iss: None, aud: None };
            encode(&Header::default(), &claims, &EncodingKey::from_secret(SECRET.as_bytes())).unwrap()
        };
        let forged =
            mint("another-secret-another-secret-xx", "ann", None, true, Duration::from_secs(60)).unwrap();
        let auth = jwt();
        assert_eq!(auth.identify(&bearer(&expired)), Err(AuthError::BadToken("it has expired".into())));
        assert_eq!(
            auth.identify(&bearer(&forged)),
            Err(AuthError::BadToken("its signature does not verify".into()))
        );
        assert_eq!(auth.identify(&Credentials::default()), Err(AuthError::MissingToken));
        assert!(matches!(auth.identify(&bearer("not.a.jwt")), Err(AuthError::BadToken(_))));
        // The header names a user, but in jwt mode only the token counts.
        let header_only = Credentials { user_id: Some("ann"), ..Default::default() };
        assert_eq!(auth.identify(&header_only), Err(AuthError::MissingToken));
    }

    #[test]
    fn a_short_secret_is_refused_at_start() {
        assert!(Authenticator::jwt(&JwtSettings { secret: Some("short"), ..Default::default() }).is_err());
        assert!(Authenticator::jwt(&JwtSettings::default()).is_err());
    }

    #[test]
    fn bearer_takes_the_scheme_in_any_case() {
        let table = [
            ("Bearer abc", Some("abc")),
            ("bearer abc", Some("abc")),
            ("BEARER  abc ", Some("abc")),
            ("Basic abc", None),
            ("Bearer", None),
            ("Bearer   ", None),
            ("abc", None),
        ];
        for (header, token) in table {
            assert_eq!(super::bearer(header), token, "{header:?}");
        }
    }

    #[test]
    fn trusted_network_takes_the_header() {
        let c = Credentials { user_id: Some(" ann "), user_name: Some("Ann"), bearer: None };
        assert_eq!(
            Authenticator::None.identify(&c).unwrap(),
            Identity::trusted(Some("ann".into()), Some("Ann".into()))
        );
        let bad = Credentials { user_id: Some("a\u{7}b"), ..Default::default() };
        assert_eq!(Authenticator::None.identify(&bad), Err(AuthError::BadName("X-User-Id")));
    }
}
