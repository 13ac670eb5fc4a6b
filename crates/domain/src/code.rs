//! Every stable error code a client can see, as one enum: a misspelt code does not
//! compile, and the strings on the wire are written once, here. The strings are the
//! contract (docs/rest.md); the variant names are ours to change.

use serde::{Serialize, Serializer};

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $text:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $text,)*
                }
            }
        }
    };
}

codes! {
    // A field of a body, a header, a path or a query.
    UnknownField = "unknown_field",
    InvalidType = "invalid_type",
    OutOfRange = "out_of_range",
    TooLong = "too_long",
    TooDeep = "too_deep",
    TooMany = "too_many",
    InvalidValue = "invalid_value",
    InvalidUuid = "invalid_uuid",
    MissingField = "missing_field",
    /// A stored value the server could not read back (docs/security.md).
    UnreadableValue = "unreadable_value",
    DuplicateModel = "duplicate_model",
    // A request as a whole.
    InvalidBody = "invalid_body",
    InvalidHeader = "invalid_header",
    InvalidPath = "invalid_path",
    InvalidQuery = "invalid_query",
    MalformedJson = "malformed_json",
    PayloadTooLarge = "payload_too_large",
    UnsupportedMediaType = "unsupported_media_type",
    MethodNotAllowed = "method_not_allowed",
    OriginNotAllowed = "origin_not_allowed",
    TooManyOperations = "too_many_operations",
    UnknownEntityType = "unknown_entity_type",
    // Who may do what.
    Unauthorized = "unauthorized",
    Forbidden = "forbidden",
    // What the request meets.
    NotFound = "not_found",
    MemberNotFound = "member_not_found",
    IdConflict = "id_conflict",
    IdMismatch = "id_mismatch",
    ProductionMismatch = "production_mismatch",
    VersionConflict = "version_conflict",
    InvalidReference = "invalid_reference",
    DuplicateValue = "duplicate_value",
    InUse = "in_use",
    LastOwner = "last_owner",
    NothingToUndo = "nothing_to_undo",
    NothingToRedo = "nothing_to_redo",
    ResyncRequired = "resync_required",
    IdempotencyKeyReused = "idempotency_key_reused",
    IdempotencyInProgress = "idempotency_in_progress",
    // The server's side.
    DatabaseUnavailable = "database_unavailable",
    Internal = "internal",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_distinct_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{s}");
            assert!(seen.insert(s), "{s} twice");
        }
        assert_eq!(serde_json::to_value(ErrorCode::OutOfRange).unwrap(), "out_of_range");
    }
}
