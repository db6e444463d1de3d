//! The data a suggestion rests on: every tag the model needs must be configured, Good, fresh and
//! inside its range now, and present through most of the calibration window. Otherwise there is
//! no suggestion, and the reason names the tag and what is wrong with it.

use hearth_model::Quality;

/// One input as the engine sees it now.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// What the model uses it for ("zone 2 temperature", "O2").
    pub role: String,
    /// The configured tag, or none when the furnace config does not name one.
    pub tag: Option<String>,
    pub quality: Quality,
    pub value: Option<f64>,
    /// The tag's engineering range, if configured.
    pub range: Option<(f64, f64)>,
}

/// Why these inputs cannot carry a suggestion; empty when they can.
pub fn problems(inputs: &[Input]) -> Vec<String> {
    let mut out = Vec::new();
    for i in inputs {
        let Some(tag) = &i.tag else {
            out.push(format!(
                "{}: no tag has this role in the furnace config",
                i.role
            ));
            continue;
        };
        let why = if i.quality.is_bad() {
            Some(format!("its quality is {}", i.quality))
        } else if i.quality == Quality::UncertainStale {
            Some("it is stale (no good read for several intervals)".to_owned())
        } else if i.quality == Quality::UncertainEngineeringRange {
            Some("it is outside its engineering range".to_owned())
        } else {
            match (i.value, i.range) {
                (None, _) => Some("it has no value".to_owned()),
                (Some(v), _) if !v.is_finite() => Some("its value is not a number".to_owned()),
                (Some(v), Some((lo, hi))) if v < lo || v > hi => {
                    Some(format!("its value {v} is outside its range {lo} to {hi}"))
                }
                _ => None,
            }
        };
        if let Some(why) = why {
            out.push(format!("{} ({tag}): {why}", i.role));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good(role: &str, tag: &str, v: f64) -> Input {
        Input {
            role: role.into(),
            tag: Some(tag.into()),
            quality: Quality::Good,
            value: Some(v),
            range: Some((0.0, 1400.0)),
        }
    }

    #[test]
    fn good_inputs_have_no_problems() {
        assert!(problems(&[good("zone 1 temperature", "zone1_temp", 1050.0)]).is_empty());
    }

    #[test]
    fn each_kind_of_bad_input_is_named_with_its_tag() {
        let mut bad = good("zone 1 temperature", "zone1_temp", 1050.0);
        bad.quality = Quality::BadSensorFailure;
        let mut stale = good("O2", "o2", 2.8);
        stale.quality = Quality::UncertainStale;
        let mut range = good("NOx", "nox", 90.0);
        range.quality = Quality::UncertainEngineeringRange;
        let outside = good("flue", "flue_temp", 1500.0);
        let missing = Input {
            tag: None,
            ..good("discharge temperature", "", 0.0)
        };
        let p = problems(&[bad, stale, range, outside, missing]);
        assert_eq!(p.len(), 5, "{p:?}");
        assert!(p[0].contains("zone1_temp") && p[0].contains("Bad_SensorFailure"));
        assert!(p[1].contains("o2") && p[1].contains("stale"));
        assert!(p[2].contains("nox") && p[2].contains("range"));
        assert!(p[3].contains("1500"));
        assert!(p[4].contains("no tag"));
    }
}
