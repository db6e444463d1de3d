//! Historian chunk decoding: a chunk read back from disk may be damaged. Whatever decodes must
//! encode and decode again to the same points.

use hearth_historian::{decode_points, decode_rows, encode_points, encode_rows};

pub fn run(data: &[u8]) {
    let mut points = Vec::new();
    if decode_points(data, &mut points).is_ok()
        && let Ok(again) = encode_points(&points)
    {
        let mut back = Vec::new();
        assert!(
            decode_points(&again, &mut back).is_ok(),
            "re-encoded points do not decode"
        );
        assert_eq!(
            format!("{points:?}"),
            format!("{back:?}"),
            "points changed in a round trip"
        );
    }
    let mut rows = Vec::new();
    if decode_rows(data, &mut rows).is_ok()
        && let Ok(again) = encode_rows(&rows)
    {
        let mut back = Vec::new();
        assert!(
            decode_rows(&again, &mut back).is_ok(),
            "re-encoded rows do not decode"
        );
        assert_eq!(
            format!("{rows:?}"),
            format!("{back:?}"),
            "rows changed in a round trip"
        );
    }
}
