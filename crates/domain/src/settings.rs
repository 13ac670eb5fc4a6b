//! Settings shared by every production: the lookup lists every dropdown of the app reads
//! (connector types, source types, frame rates, resolution presets) and free key/value
//! settings. A change is computed here as "the whole new list", so storage only writes it.

use crate::ErrorCode;
use serde_json::Value;

use crate::error::{SyncError, ValidationError};
use crate::json::JsonProblem;

/// Most values one lookup list may hold, so one client cannot make the server keep a
/// list without end.
pub const MAX_VALUES: usize = 500;
/// Longest lookup value, in characters.
pub const MAX_VALUE_CHARS: usize = 100;
/// Largest key/value setting, as JSON text.
pub const MAX_SETTING_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lookup {
    ConnectorTypes,
    SourceTypes,
    FrameRates,
    Resolutions,
}

impl Lookup {
    pub const ALL: [Lookup; 4] =
        [Lookup::ConnectorTypes, Lookup::SourceTypes, Lookup::FrameRates, Lookup::Resolutions];

    /// URL segment under `/api/settings/` and the list's name in storage.
    pub fn path(self) -> &'static str {
        match self {
            Lookup::ConnectorTypes => "connector-types",
            Lookup::SourceTypes => "source-types",
            Lookup::FrameRates => "frame-rates",
            Lookup::Resolutions => "resolutions",
        }
    }

    pub fn from_path(path: &str) -> Option<Lookup> {
        Lookup::ALL.into_iter().find(|l| l.path() == path)
    }

    /// The event every connected client receives when the list changes (the original
    /// app's names).
    pub fn event(self) -> &'static str {
        match self {
            Lookup::ConnectorTypes => "settings:connector-types-updated",
            Lookup::SourceTypes => "settings:source-types-updated",
            Lookup::FrameRates => "settings:frame-rates-updated",
            Lookup::Resolutions => "settings:resolution-presets-updated",
        }
    }

    /// The body field that carries a new value (`{"name": "HDMI"}`, `{"rate": "50"}`).
    pub fn value_field(self) -> &'static str {
        match self {
            Lookup::FrameRates => "rate",
            _ => "name",
        }
    }

    /// What "restore defaults" brings back: the original app's defaults.
    pub fn defaults(self) -> &'static [&'static str] {
        match self {
            Lookup::ConnectorTypes => &[
                "HDMI 1.4",
                "HDMI 2.0",
                "HDMI 2.1",
                "3G-SDI",
                "6G-SDI",
                "12G-SDI",
                "BNC REF",
                "DP 1.1",
                "DP 1.2",
                "DP 1.4",
                "NDI",
                "USB-C",
                "NETWORK (RJ45)",
                "OPTICON DUO",
                "OPTICON QUAD",
                "SMPTE FIBER",
                "LC - FIBER (SM)",
                "ST - FIBER (SM)",
                "SC - FIBER (SM)",
                "LC - FIBER (MM)",
                "ST - FIBER (MM)",
                "SC - FIBER (MM)",
                "XLR",
                "DMX",
            ],
            Lookup::SourceTypes => &[
                "Laptop - PC MISC",
                "Laptop - PC GFX",
                "Laptop - PC WIDE",
                "Laptop - MAC MISC",
                "Laptop - MAC GFX",
                "Desktop - PC MISC",
                "Desktop - PC GFX",
                "Desktop - PC SERVER",
                "Desktop - MAC MISC",
                "Desktop - MAC GFX",
                "Desktop - MAC SERVER",
            ],
            Lookup::FrameRates => &["60", "59.94", "50", "30", "29.97", "25", "24", "23.98"],
            Lookup::Resolutions => &[
                "8192 x 1080",
                "7680 x 1080",
                "4096 x 2160",
                "3840 x 2160",
                "3840 x 1080",
                "3240 x 1080",
                "1920 x 1200",
                "1920 x 1080",
                "1280 x 720",
            ],
        }
    }
}

/// A key/value setting as stored and served.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Setting {
    pub key: String,
    pub value: Value,
    pub category: Option<String>,
    pub last_modified_by: Option<String>,
    pub updated_at: String,
}

/// One change to a lookup list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupChange {
    Add(String),
    Remove(String),
    /// The same values in a new order.
    Reorder(Vec<String>),
    RestoreDefaults,
}

impl LookupChange {
    /// The `action` the change event carries.
    pub fn action(&self) -> &'static str {
        match self {
            LookupChange::Add(_) => "add",
            LookupChange::Remove(_) => "delete",
            LookupChange::Reorder(_) => "reorder",
            LookupChange::RestoreDefaults => "restore-defaults",
        }
    }
}

/// Checks a value a client wants to add: trimmed, not empty, short, printable; a frame
/// rate must be a positive number.
pub fn parse_value(lookup: Lookup, raw: &Value) -> Result<String, ValidationError> {
    let field = lookup.value_field();
    let bad = |code, message: String| ValidationError::single(field, code, message);
    let s =
        raw.as_str().ok_or_else(|| bad(ErrorCode::InvalidType, format!("{field} must be a string")))?.trim();
    if s.is_empty() {
        return Err(bad(ErrorCode::MissingField, format!("{field} must not be empty")));
    }
    if s.chars().count() > MAX_VALUE_CHARS {
        return Err(bad(ErrorCode::TooLong, format!("{field} is longer than {MAX_VALUE_CHARS} characters")));
    }
    // A value is addressed by its text in a URL path (DELETE /api/settings/<list>/<value>).
    if s.chars().any(|c| c.is_control() || c == '/') {
        return Err(bad(
            ErrorCode::InvalidValue,
            format!("{field} must not contain control characters or '/'"),
        ));
    }
    if lookup == Lookup::FrameRates && !s.parse::<f64>().is_ok_and(|r| r > 0.0 && r <= 1000.0) {
        return Err(bad(ErrorCode::InvalidValue, format!("{field} must be a frame rate such as \"59.94\"")));
    }
    Ok(s.to_owned())
}

/// The list after `change`. Adding a value present, removing one absent, or a reorder
/// that is not exactly the current values are refused; nothing changes then.
pub fn apply(lookup: Lookup, current: &[String], change: &LookupChange) -> Result<Vec<String>, SyncError> {
    let field = lookup.value_field();
    match change {
        LookupChange::Add(v) if current.contains(v) => {
            Err(SyncError::Duplicate { field: field.into(), value: Some(v.clone()) })
        }
        LookupChange::Add(_) if current.len() >= MAX_VALUES => Err(ValidationError::single(
            field,
            ErrorCode::TooMany,
            format!("{} holds at most {MAX_VALUES} values", lookup.path()),
        )
        .into()),
        LookupChange::Add(v) => Ok(current.iter().cloned().chain([v.clone()]).collect()),
        LookupChange::Remove(v) if !current.contains(v) => {
            Err(SyncError::SettingNotFound { what: format!("{} value {v:?}", lookup.path()) })
        }
        LookupChange::Remove(v) => Ok(current.iter().filter(|c| *c != v).cloned().collect()),
        LookupChange::Reorder(order) => {
            let mut a: Vec<&String> = order.iter().collect();
            let mut b: Vec<&String> = current.iter().collect();
            a.sort();
            b.sort();
            if a != b {
                return Err(ValidationError::single(
                    "values",
                    ErrorCode::InvalidValue,
                    format!("a reorder must list each current value of {} exactly once", lookup.path()),
                )
                .into());
            }
            Ok(order.clone())
        }
        LookupChange::RestoreDefaults => Ok(lookup.defaults().iter().map(|s| (*s).to_owned()).collect()),
    }
}

/// A key/value setting's key: short, and safe in a URL.
pub fn check_key(key: &str) -> Result<(), ValidationError> {
    let ok = (1..=100).contains(&key.len())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(ValidationError::single(
            "key",
            ErrorCode::InvalidValue,
            "a setting key is 1 to 100 of A-Z a-z 0-9 . _ -".into(),
        ))
    }
}

/// A key/value setting's value: any JSON PostgreSQL can hold, up to 64 KiB.
pub fn check_value(value: &Value) -> Result<(), ValidationError> {
    if value.is_null() {
        return Err(ValidationError::single("value", ErrorCode::MissingField, "value is required".into()));
    }
    if let Err(problem) = crate::json::check(value) {
        let (code, message) = match problem {
            JsonProblem::NulCharacter => {
                (ErrorCode::InvalidValue, "value must not contain U+0000".to_owned())
            }
            JsonProblem::NumberOutOfRange => {
                (ErrorCode::OutOfRange, format!("value holds a number beyond ±{:e}", crate::json::MAX_NUMBER))
            }
            JsonProblem::TooDeep => {
                (ErrorCode::TooDeep, format!("value nests deeper than {} levels", crate::json::MAX_DEPTH))
            }
        };
        return Err(ValidationError::single("value", code, message));
    }
    if value.to_string().len() > MAX_SETTING_BYTES {
        return Err(ValidationError::single(
            "value",
            ErrorCode::TooLong,
            format!("value is larger than {MAX_SETTING_BYTES} bytes of JSON"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn list(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn changes_give_the_whole_new_list_or_refuse() {
        let cur = list(&["HDMI", "SDI"]);
        let l = Lookup::ConnectorTypes;
        let add = |v: &str| LookupChange::Add(v.into());
        assert_eq!(apply(l, &cur, &add("DP")).unwrap(), list(&["HDMI", "SDI", "DP"]));
        assert!(matches!(apply(l, &cur, &add("SDI")), Err(SyncError::Duplicate { .. })));
        assert_eq!(apply(l, &cur, &LookupChange::Remove("HDMI".into())).unwrap(), list(&["SDI"]));
        assert!(matches!(
            apply(l, &cur, &LookupChange::Remove("DP".into())),
            Err(SyncError::SettingNotFound { .. })
        ));
        let reorder = |v: &[&str]| apply(l, &cur, &LookupChange::Reorder(list(v)));
        assert_eq!(reorder(&["SDI", "HDMI"]).unwrap(), list(&["SDI", "HDMI"]));
        for bad in [&["SDI"][..], &["SDI", "HDMI", "DP"], &["SDI", "SDI"], &[]] {
            assert!(matches!(reorder(bad), Err(SyncError::Invalid(_))), "{bad:?}");
        }
        assert_eq!(apply(l, &cur, &LookupChange::RestoreDefaults).unwrap().len(), 24);
        let full: Vec<String> = (0..MAX_VALUES).map(|i| i.to_string()).collect();
        assert!(matches!(apply(l, &full, &add("one more")), Err(SyncError::Invalid(_))));
    }

    #[test]
    fn values_are_trimmed_short_printable_and_rates_numeric() {
        let table = [
            (Lookup::ConnectorTypes, json!("  HDMI 2.1 "), Ok("HDMI 2.1".to_owned())),
            (Lookup::ConnectorTypes, json!(""), Err("missing_field")),
            (Lookup::ConnectorTypes, json!("   "), Err("missing_field")),
            (Lookup::ConnectorTypes, json!(7), Err("invalid_type")),
            (Lookup::ConnectorTypes, json!("a".repeat(101)), Err("too_long")),
            (Lookup::ConnectorTypes, json!("a\u{0}b"), Err("invalid_value")),
            (Lookup::ConnectorTypes, json!("HDMI/DP"), Err("invalid_value")),
            (Lookup::FrameRates, json!("59.94"), Ok("59.94".to_owned())),
            (Lookup::FrameRates, json!("fast"), Err("invalid_value")),
            (Lookup::FrameRates, json!("-25"), Err("invalid_value")),
        ];
        for (lookup, raw, expected) in table {
            let got = parse_value(lookup, &raw).map_err(|e| e.errors[0].code.as_str());
            assert_eq!(got, expected, "{raw}");
        }
    }

    #[test]
    fn keys_and_values_of_settings() {
        assert!(check_key("theme.dark_mode-2").is_ok());
        for bad in ["", "a/b", "a b", "ü", &"k".repeat(101)] {
            assert!(check_key(bad).is_err(), "{bad:?}");
        }
        assert!(check_value(&json!({"a": [1, 2]})).is_ok());
        assert!(check_value(&Value::Null).is_err());
        assert!(check_value(&json!("x\u{0}")).is_err());
        assert!(check_value(&json!("x".repeat(MAX_SETTING_BYTES))).is_err());
    }

    #[test]
    fn paths_and_events_are_distinct() {
        for l in Lookup::ALL {
            assert_eq!(Lookup::from_path(l.path()), Some(l));
            assert!(l.event().starts_with("settings:"));
            assert!(!l.defaults().is_empty());
        }
    }
}
