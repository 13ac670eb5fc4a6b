//! The global library of video formats ("1920 x 1080 @ 59.94"), which device ports point
//! at. Seeded with the broadcast and display formats crews use; users may add their own.

use crate::ErrorCode;
use serde_json::Value;

use crate::error::{FieldError, ValidationError};
use crate::field::FieldDef as F;
use crate::field::FieldType::*;
use crate::kind::EntityKind;

/// Reduced-blanking variants of display timings, or none.
pub const BLANKINGS: &[&str] = &["none", "rbv1", "rbv2", "rbv3"];

pub static FORMAT: EntityKind = EntityKind {
    name: "format",
    path: "formats",
    table: "formats",
    fields: &[
        // Its name, which is how crews refer to it: "1920 x 1080 @ 59.94i".
        F::required("displayId", Text).unique(),
        F::required("hRes", Integer),
        F::required("vRes", Integer),
        F::required("frameRate", Number),
        F::optional("isInterlaced", Bool),
        F::optional("blanking", Enum(BLANKINGS)),
        // Seeded by the server (true) or added by a user.
        F::optional("isSystem", Bool),
    ],
    derived: &[],
};

/// Largest raster side a format may have (16K and then some).
const MAX_PIXELS: i64 = 32_768;
const MAX_RATE: f64 = 1_000.0;

/// Resolutions are positive and plausible; a frame rate is positive.
pub fn validate(fields: &[(usize, Value)]) -> Result<(), ValidationError> {
    let errors: Vec<FieldError> = fields
        .iter()
        .filter_map(|(i, v)| {
            let name = FORMAT.fields[*i].name;
            let ok = match name {
                "hRes" | "vRes" => v.as_i64().is_none_or(|n| (1..=MAX_PIXELS).contains(&n)),
                "frameRate" => v.as_f64().is_none_or(|r| r > 0.0 && r <= MAX_RATE),
                _ => true,
            };
            (!ok).then(|| FieldError {
                field: name.into(),
                code: ErrorCode::OutOfRange,
                message: match name {
                    "frameRate" => format!("frameRate must be above 0 and at most {MAX_RATE}"),
                    _ => format!("{name} must be between 1 and {MAX_PIXELS}"),
                },
            })
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationError { errors })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_create;
    use serde_json::json;

    #[test]
    fn resolutions_and_rates_must_be_plausible() {
        let base = json!({"displayId": "x", "hRes": 1920, "vRes": 1080, "frameRate": 59.94});
        let table = [
            (json!({}), vec![]),
            (json!({"hRes": 0}), vec!["hRes"]),
            (json!({"vRes": 40000}), vec!["vRes"]),
            (json!({"frameRate": 0}), vec!["frameRate"]),
            (json!({"frameRate": -25, "hRes": -1}), vec!["hRes", "frameRate"]),
        ];
        for (patch, expected) in table {
            let mut body = base.clone();
            body.as_object_mut().unwrap().extend(patch.as_object().unwrap().clone());
            let input = parse_create(&FORMAT, &body).unwrap();
            let got: Vec<String> = validate(&input.patch.0)
                .err()
                .map(|e| e.errors.into_iter().map(|e| e.field).collect())
                .unwrap_or_default();
            assert_eq!(got, expected, "{patch}");
        }
    }
}
