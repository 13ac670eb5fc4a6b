//! How an instance proves itself to NATS, kept out of the URL: a URL is printed, copied
//! into dashboards and process lists, while a credentials file or a secret setting is not.
//! NATS's own schemes, as its client takes them: a `.creds` file (a user JWT and its NKey
//! seed, the decentralised scheme), a token, or a user and password.

use std::fmt;
use std::path::PathBuf;

use async_nats::ConnectOptions;

#[derive(Clone, Default, PartialEq, Eq)]
pub enum Auth {
    /// Nothing beyond what the URL carries.
    #[default]
    None,
    Token(String),
    UserPassword {
        user: String,
        password: String,
    },
    CredentialsFile(PathBuf),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("none"),
            Auth::Token(_) => f.write_str("token ***"),
            Auth::UserPassword { user, .. } => write!(f, "user {user} with a password"),
            Auth::CredentialsFile(path) => write!(f, "credentials file {}", path.display()),
        }
    }
}

impl Auth {
    /// The options that present these credentials; a credentials file that cannot be read
    /// is an error naming the file (never its content).
    pub(crate) async fn apply(&self, options: ConnectOptions) -> Result<ConnectOptions, String> {
        Ok(match self {
            Auth::None => options,
            Auth::Token(token) => options.token(token.clone()),
            Auth::UserPassword { user, password } => {
                options.user_and_password(user.clone(), password.clone())
            }
            Auth::CredentialsFile(path) => options
                .credentials_file(path)
                .await
                .map_err(|e| format!("reading the NATS credentials file {}: {e}", path.display()))?,
        })
    }
}
