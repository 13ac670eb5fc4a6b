//! Who is calling: the application layer's authenticator (`prodsync_app::identity`),
//! re-exported under the name this crate's users (the CLI, the tests) know it by.

pub use prodsync_app::identity::*;
