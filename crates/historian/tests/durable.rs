//! What the historian acknowledges: each tag's durable mark is its newest point a flush wrote,
//! and the mark over all tags follows the tags still recorded, not one that stopped.

use hearth_historian::{Historian, Options, Point, SledHistorian};
use hearth_model::{Quality, Timestamp};

fn point(ts: i64) -> Point {
    Point {
        ts: Timestamp(ts),
        value: Some(1.0),
        quality: Quality::Good,
    }
}

#[test]
fn the_durable_marks_follow_the_flushes_and_a_stopped_tag_holds_nothing_back()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    {
        let h = SledHistorian::open(dir.path(), Options::default())?;
        let ids = h.series(&["kept", "dropped"])?;
        h.append(&[(ids[0], point(1_000)), (ids[1], point(1_000))])?;
        assert_eq!(h.durable_until("kept"), None, "nothing flushed yet");
        h.flush()?;
        assert_eq!(h.durable_until("kept"), Some(Timestamp(1_000)));
        h.append(&[(ids[0], point(2_000))])?;
        assert_eq!(
            h.durable_until("kept"),
            Some(Timestamp(1_000)),
            "2000 is not flushed"
        );
        h.flush()?;
        assert_eq!(h.durable_until("kept"), Some(Timestamp(2_000)));
        // Both tags recorded in this run: the slower one holds the mark over all.
        assert_eq!(h.health().durable_until, Some(Timestamp(1_000)));
    }
    // Reopened, with only `kept` recorded any more.
    let h = SledHistorian::open(dir.path(), Options::default())?;
    let ids = h.series(&["kept"])?;
    h.append(&[(ids[0], point(3_000))])?;
    h.flush()?;
    assert_eq!(h.health().durable_until, Some(Timestamp(3_000)));
    // What it holds is still on disk, and says so.
    assert_eq!(h.durable_until("dropped"), Some(Timestamp(1_000)));
    Ok(())
}
