//! Key layout of the `data` tree. Three regions, told apart by the first byte:
//!
//! - chunks, `0x01 ++ kind ++ time ++ series`: time-major, so that sealed chunks are added at the
//!   right edge of the tree. sled rewrites a leaf with every value in it when the leaf takes more
//!   entries, so inserting all over the key space (series-major) wrote each chunk several times
//!   and left the garbage on disk: measured, 2.6 bytes/point on disk for 0.95 of chunks; inserting
//!   at the edge, 1.3-1.4 (see `benches/historian.rs`).
//! - index, `0x02 ++ kind ++ series ++ time`, empty values: one series' chunks in time order, for
//!   range reads.
//! - deltas, `0x03 ++ series ++ first time ++ seq`: the open chunk of a series, one per flush.
//!
//! Times are i64 big-endian with the sign bit flipped, so that key order is time order.

use crate::SeriesId;

/// What a chunk holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Raw = 0,
    Minute = 1,
    Hour = 2,
    Day = 3,
}

const CHUNK: u8 = 1;
const INDEX: u8 = 2;
const DELTA: u8 = 3;

pub const KEY_LEN: usize = 14;
pub const DELTA_KEY_LEN: usize = 17;

/// Which region a key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Chunk,
    Index,
    Delta,
    Other,
}

pub fn region(key: &[u8]) -> Region {
    match key.first() {
        Some(&CHUNK) => Region::Chunk,
        Some(&INDEX) => Region::Index,
        Some(&DELTA) => Region::Delta,
        _ => Region::Other,
    }
}

pub fn flip(ts: i64) -> [u8; 8] {
    ((ts as u64) ^ (1 << 63)).to_be_bytes()
}

fn unflip(b: &[u8]) -> Option<i64> {
    let b: [u8; 8] = b.try_into().ok()?;
    Some((u64::from_be_bytes(b) ^ (1 << 63)) as i64)
}

pub fn chunk_key(kind: Kind, series: SeriesId, ts: i64) -> [u8; KEY_LEN] {
    let mut k = [0u8; KEY_LEN];
    k[0] = CHUNK;
    k[1] = kind as u8;
    k[2..10].copy_from_slice(&flip(ts));
    k[10..14].copy_from_slice(&series.0.to_be_bytes());
    k
}

pub fn index_key(kind: Kind, series: SeriesId, ts: i64) -> [u8; KEY_LEN] {
    let mut k = [0u8; KEY_LEN];
    k[0] = INDEX;
    k[1] = kind as u8;
    k[2..6].copy_from_slice(&series.0.to_be_bytes());
    k[6..14].copy_from_slice(&flip(ts));
    k
}

/// Every index key of one kind and series starts with this.
pub fn index_prefix(kind: Kind, series: SeriesId) -> [u8; 6] {
    let mut k = [0u8; 6];
    k[0] = INDEX;
    k[1] = kind as u8;
    k[2..6].copy_from_slice(&series.0.to_be_bytes());
    k
}

/// The time in an index key.
pub fn index_time(key: &[u8]) -> Option<i64> {
    unflip(key.get(6..14)?)
}

pub fn delta_key(series: SeriesId, first_ts: i64, seq: u32) -> [u8; DELTA_KEY_LEN] {
    let mut k = [0u8; DELTA_KEY_LEN];
    k[0] = DELTA;
    k[1..5].copy_from_slice(&series.0.to_be_bytes());
    k[5..13].copy_from_slice(&flip(first_ts));
    k[13..17].copy_from_slice(&seq.to_be_bytes());
    k
}

/// Every delta key of one series starts with this.
pub fn delta_prefix(series: SeriesId) -> [u8; 5] {
    let mut k = [0u8; 5];
    k[0] = DELTA;
    k[1..5].copy_from_slice(&series.0.to_be_bytes());
    k
}

/// The first time and sequence number in a delta key.
pub fn delta_parts(key: &[u8]) -> Option<(i64, u32)> {
    let ts = unflip(key.get(5..13)?)?;
    let seq = u32::from_be_bytes(key.get(13..17)?.try_into().ok()?);
    Some((ts, seq))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn key_order_is_time_order(a in any::<i64>(), b in any::<i64>(), s in any::<u32>(), t in any::<u32>()) {
            let (ia, ib) = (index_key(Kind::Raw, SeriesId(s), a), index_key(Kind::Raw, SeriesId(s), b));
            prop_assert_eq!(ia.cmp(&ib), a.cmp(&b));
            prop_assert_eq!(index_time(&ia), Some(a));
            // Chunks are time-major whatever the series.
            if a != b {
                let (ca, cb) = (chunk_key(Kind::Raw, SeriesId(s), a), chunk_key(Kind::Raw, SeriesId(t), b));
                prop_assert_eq!(ca.cmp(&cb), a.cmp(&b));
            }
            let (da, db) = (delta_key(SeriesId(s), a, t), delta_key(SeriesId(s), b, t));
            prop_assert_eq!(da.cmp(&db), a.cmp(&b));
            prop_assert_eq!(delta_parts(&da), Some((a, t)));
        }

        #[test]
        fn regions_and_series_never_interleave(a in any::<i64>(), b in any::<i64>(), s in 0u32..u32::MAX, q in any::<u32>()) {
            prop_assert!(index_key(Kind::Raw, SeriesId(s), a) < index_key(Kind::Raw, SeriesId(s + 1), b));
            prop_assert!(index_key(Kind::Day, SeriesId(0), a) > index_key(Kind::Hour, SeriesId(u32::MAX), b));
            prop_assert!(chunk_key(Kind::Day, SeriesId(s), a).as_slice() < index_key(Kind::Raw, SeriesId(0), b).as_slice());
            prop_assert!(index_key(Kind::Day, SeriesId(s), a).as_slice() < delta_key(SeriesId(0), b, q).as_slice());
            prop_assert!(delta_key(SeriesId(s), a, q) < delta_key(SeriesId(s + 1), b, 0));
            prop_assert_eq!(region(&chunk_key(Kind::Minute, SeriesId(s), a)), Region::Chunk);
        }
    }
}
