//! Key layout of the `data` tree: `kind (u8) ++ series (u32 BE) ++ time (i64 BE, sign bit
//! flipped)`, so that within one kind and series, key order is time order and one range scan reads
//! a window. Deltas of a series' open chunk add a sequence number (u32 BE): they sort after every
//! sealed chunk of the series, because the open chunk starts after all of them.

use crate::SeriesId;

/// What a key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Raw = 0,
    Minute = 1,
    Hour = 2,
    Day = 3,
}

pub const CHUNK_KEY_LEN: usize = 13;
pub const DELTA_KEY_LEN: usize = 17;

pub fn flip(ts: i64) -> [u8; 8] {
    ((ts as u64) ^ (1 << 63)).to_be_bytes()
}

pub fn chunk_key(kind: Kind, series: SeriesId, ts: i64) -> [u8; CHUNK_KEY_LEN] {
    let mut k = [0u8; CHUNK_KEY_LEN];
    k[0] = kind as u8;
    k[1..5].copy_from_slice(&series.0.to_be_bytes());
    k[5..13].copy_from_slice(&flip(ts));
    k
}

pub fn delta_key(series: SeriesId, first_ts: i64, seq: u32) -> [u8; DELTA_KEY_LEN] {
    let mut k = [0u8; DELTA_KEY_LEN];
    k[..CHUNK_KEY_LEN].copy_from_slice(&chunk_key(Kind::Raw, series, first_ts));
    k[CHUNK_KEY_LEN..].copy_from_slice(&seq.to_be_bytes());
    k
}

/// The prefix shared by every key of one kind and series.
pub fn prefix(kind: Kind, series: SeriesId) -> [u8; 5] {
    let mut k = [0u8; 5];
    k[0] = kind as u8;
    k[1..5].copy_from_slice(&series.0.to_be_bytes());
    k
}

/// The time in a chunk or delta key.
pub fn time_of(key: &[u8]) -> Option<i64> {
    let b: [u8; 8] = key.get(5..13)?.try_into().ok()?;
    Some((u64::from_be_bytes(b) ^ (1 << 63)) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn key_order_is_time_order(a in any::<i64>(), b in any::<i64>(), s in any::<u32>()) {
            let (ka, kb) = (chunk_key(Kind::Raw, SeriesId(s), a), chunk_key(Kind::Raw, SeriesId(s), b));
            prop_assert_eq!(ka.cmp(&kb), a.cmp(&b));
            prop_assert_eq!(time_of(&ka), Some(a));
        }

        #[test]
        fn deltas_sort_after_the_chunks_before_them(a in any::<i64>(), b in any::<i64>(), seq in any::<u32>()) {
            prop_assume!(a < b);
            let s = SeriesId(7);
            prop_assert!(chunk_key(Kind::Raw, s, a).as_slice() < delta_key(s, b, seq).as_slice());
            prop_assert!(delta_key(s, a, seq).as_slice() < chunk_key(Kind::Raw, s, b).as_slice());
        }

        #[test]
        fn series_never_interleave(a in any::<i64>(), b in any::<i64>(), s in 0u32..u32::MAX) {
            prop_assert!(chunk_key(Kind::Raw, SeriesId(s), a) < chunk_key(Kind::Raw, SeriesId(s + 1), b));
            prop_assert!(chunk_key(Kind::Day, SeriesId(0), a) > chunk_key(Kind::Hour, SeriesId(u32::MAX), b));
        }
    }
}
