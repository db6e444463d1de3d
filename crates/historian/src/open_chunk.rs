//! The points of one series' open chunk, in memory until the chunk is sealed.
//!
//! A tag polled every second holds up to a chunk's worth of points here (four hours at 1 Hz), so
//! as plain points they grew the process by megabytes an hour until each seal, for every tag.
//! Points already in sled are kept compressed instead, in pieces of [`PIECE_POINTS`] with the
//! codec of sealed chunks (about a byte a point against 32); only the newest points, and those
//! not yet flushed, stay as points. Each piece knows its time span, so a query for the last few
//! minutes decodes none of the older pieces.

use crate::codec::{decode_points, encode_points};
use crate::{HistorianError, Point};

/// Points in one compressed piece: large enough to compress nearly as well as a sealed chunk
/// (0.5 bytes a point against 0.3 for a thermocouple's four hours), small enough that the tail
/// of plain points stays about 32 KiB per series.
pub(crate) const PIECE_POINTS: usize = 512;

#[derive(Debug)]
struct Piece {
    first: i64,
    last: i64,
    bytes: Vec<u8>,
}

#[derive(Debug, Default)]
pub(crate) struct OpenChunk {
    pieces: Vec<Piece>,
    /// Points held in `pieces`.
    packed: usize,
    /// The newest points, in time order, after every piece.
    tail: Vec<Point>,
}

impl OpenChunk {
    pub(crate) fn len(&self) -> usize {
        self.packed + self.tail.len()
    }

    pub(crate) fn first_ts(&self) -> Option<i64> {
        self.pieces
            .first()
            .map(|p| p.first)
            .or_else(|| self.tail.first().map(|p| p.ts.0))
    }

    pub(crate) fn push(&mut self, p: Point) {
        self.tail.push(p);
    }

    /// Replace the whole chunk with `points` (time-ordered), of which the first `persisted` are
    /// in sled.
    pub(crate) fn set(
        &mut self,
        points: Vec<Point>,
        persisted: usize,
    ) -> Result<(), HistorianError> {
        self.clear();
        self.tail = points;
        self.pack(persisted)
    }

    pub(crate) fn clear(&mut self) {
        self.pieces.clear();
        self.packed = 0;
        self.tail.clear();
    }

    /// The points after the first `persisted` of the chunk: those sled does not hold yet.
    /// Points are packed only once persisted, so they are all in the tail.
    pub(crate) fn after(&self, persisted: usize) -> &[Point] {
        let from = persisted.saturating_sub(self.packed).min(self.tail.len());
        &self.tail[from..]
    }

    /// Compress whole pieces out of the first `persisted` points of the chunk (those in sled).
    pub(crate) fn pack(&mut self, persisted: usize) -> Result<(), HistorianError> {
        let ready = persisted.saturating_sub(self.packed).min(self.tail.len());
        let whole = ready / PIECE_POINTS * PIECE_POINTS;
        if whole == 0 {
            return Ok(());
        }
        for run in self.tail[..whole].chunks(PIECE_POINTS) {
            self.pieces.push(Piece {
                first: run[0].ts.0,
                last: run[run.len() - 1].ts.0,
                bytes: {
                    let mut b = encode_points(run)?;
                    b.shrink_to_fit();
                    b
                },
            });
        }
        self.tail.drain(..whole);
        self.packed += whole;
        // A chunk rebuilt from sled at open arrives whole in the tail: give that memory back.
        if self.tail.capacity() > 4 * PIECE_POINTS {
            self.tail.shrink_to(2 * PIECE_POINTS);
        }
        Ok(())
    }

    /// Every point of the chunk, in time order.
    pub(crate) fn all(&self) -> Result<Vec<Point>, HistorianError> {
        let mut out = Vec::with_capacity(self.len());
        for p in &self.pieces {
            decode_points(&p.bytes, &mut out)?;
        }
        out.extend_from_slice(&self.tail);
        Ok(out)
    }

    /// Append the points with `from <= ts < to` to `out`, decoding only the pieces that reach
    /// into the range.
    pub(crate) fn extend_range(
        &self,
        from: i64,
        to: i64,
        out: &mut Vec<Point>,
    ) -> Result<(), HistorianError> {
        let mut buf = Vec::new();
        for p in self
            .pieces
            .iter()
            .filter(|p| p.last >= from && p.first < to)
        {
            buf.clear();
            decode_points(&p.bytes, &mut buf)?;
            out.extend(buf.iter().filter(|p| p.ts.0 >= from && p.ts.0 < to));
        }
        out.extend(self.tail.iter().filter(|p| p.ts.0 >= from && p.ts.0 < to));
        Ok(())
    }

    /// Heap bytes held.
    #[cfg(test)]
    fn heap_bytes(&self) -> usize {
        self.pieces
            .iter()
            .map(|p| p.bytes.capacity())
            .sum::<usize>()
            + self.pieces.capacity() * std::mem::size_of::<Piece>()
            + self.tail.capacity() * std::mem::size_of::<Point>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_model::{Quality, Timestamp};

    /// A zone thermocouple read to 0.1 degC: a slow swing with some noise, and a minute when
    /// the PLC did not answer.
    fn points(n: usize) -> Vec<Point> {
        (0..n)
            .map(|i| {
                let lost = (3_000..3_060).contains(&i);
                let swing = 8.0 * (i as f64 / 900.0).sin();
                let noise = ((i * 7919) % 3) as f64 * 0.1;
                Point {
                    ts: Timestamp(1_790_000_000_000 + i as i64 * 1000),
                    value: (!lost).then(|| ((1200.0 + swing + noise) * 10.0).round() / 10.0),
                    quality: if lost {
                        Quality::BadNoCommunication
                    } else {
                        Quality::Good
                    },
                }
            })
            .collect()
    }

    #[test]
    fn packed_points_read_back_in_order_and_by_range() -> Result<(), HistorianError> {
        let src = points(5 * PIECE_POINTS + 300);
        let mut c = OpenChunk::default();
        for (i, p) in src.iter().enumerate() {
            c.push(*p);
            // Flushed every 17 points, as a flush might land.
            if i % 17 == 16 {
                c.pack(i + 1)?;
            }
        }
        assert_eq!(c.pieces.len(), 5);
        assert_eq!(c.len(), src.len());
        assert_eq!(c.all()?, src);
        assert_eq!(c.first_ts(), Some(src[0].ts.0));

        let (from, to) = (src[1500].ts.0, src[2100].ts.0);
        let mut got = Vec::new();
        c.extend_range(from, to, &mut got)?;
        assert_eq!(got, src[1500..2100].to_vec());
        Ok(())
    }

    #[test]
    fn points_not_yet_in_sled_are_never_packed() -> Result<(), HistorianError> {
        let src = points(3 * PIECE_POINTS);
        let mut c = OpenChunk::default();
        for p in &src {
            c.push(*p);
        }
        c.pack(PIECE_POINTS + 10)?;
        assert_eq!(c.packed, PIECE_POINTS);
        assert_eq!(c.after(PIECE_POINTS + 10), &src[PIECE_POINTS + 10..]);
        assert_eq!(c.after(0).len(), c.tail.len());
        Ok(())
    }

    #[test]
    fn packed_points_take_a_small_part_of_the_memory() -> Result<(), HistorianError> {
        let src = points(14_400);
        let mut plain = OpenChunk::default();
        let mut packed = OpenChunk::default();
        for p in &src {
            plain.push(*p);
            packed.push(*p);
        }
        packed.pack(src.len())?;
        assert!(
            packed.heap_bytes() * 8 < plain.heap_bytes(),
            "{} packed against {} plain",
            packed.heap_bytes(),
            plain.heap_bytes()
        );
        Ok(())
    }
}
