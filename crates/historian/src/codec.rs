//! Chunk encodings. A raw chunk holds one series' points over a stretch of time: timestamps and
//! values each compressed with pcodec (which finds the regular cadence of timestamps and the 0.1
//! quantum of noisy instrument values), quality and value presence run-length encoded. A rollup
//! chunk holds one series' rows at one resolution, column by column, the same way.
//! Decoding is bit-exact: NaN payloads and -0.0 come back as they went in.

use hearth_model::{Quality, Timestamp};
use pco::ChunkConfig;
use pco::standalone::{DecompressorItem, FileDecompressor, simple_compress};

use crate::rollup::Row;
use crate::{HistorianError, Point};

const RAW_V1: u8 = 1;
const ROLLUP_V1: u8 = 2;

/// More points or rows than any chunk Hearth writes holds (a raw chunk closes at 14,400): a
/// damaged length above it is refused before anything is allocated for it.
pub const MAX_CHUNK_ITEMS: usize = 1 << 20;

fn corrupt(what: impl Into<String>) -> HistorianError {
    HistorianError::Corrupt(what.into())
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn u8(&mut self) -> Result<u8, HistorianError> {
        let b = *self
            .buf
            .get(self.pos)
            .ok_or_else(|| corrupt("chunk ends early"))?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, HistorianError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(corrupt("varint too long"))
    }

    fn len(&mut self) -> Result<usize, HistorianError> {
        usize::try_from(self.varint()?).map_err(|_| corrupt("length too large"))
    }

    fn bytes(&mut self, n: usize) -> Result<&'a [u8], HistorianError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.buf.len())
            .ok_or_else(|| corrupt("chunk ends early"))?;
        let b = &self.buf[self.pos..end];
        self.pos = end;
        Ok(b)
    }
}

fn put_column<T: pco::data_types::Number>(
    out: &mut Vec<u8>,
    nums: &[T],
) -> Result<(), HistorianError> {
    if nums.is_empty() {
        put_varint(out, 0);
        return Ok(());
    }
    let bytes = simple_compress(nums, &ChunkConfig::default())
        .map_err(|e| corrupt(format!("compressing a column: {e}")))?;
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(&bytes);
    Ok(())
}

fn get_column<T: pco::data_types::Number + Default>(
    r: &mut Reader<'_>,
    expect: usize,
) -> Result<Vec<T>, HistorianError> {
    let len = r.len()?;
    if len == 0 {
        return if expect == 0 {
            Ok(Vec::new())
        } else {
            Err(corrupt("column missing"))
        };
    }
    let bad = |e: pco::errors::PcoError| corrupt(format!("decompressing a column: {e}"));
    // Chunk by chunk, each checked against what is left to expect: a damaged header cannot
    // make pco produce (or reserve) more numbers than the column should hold.
    let (file, mut src) = FileDecompressor::new(r.bytes(len)?).map_err(bad)?;
    let mut nums: Vec<T> = Vec::with_capacity(expect.min(MAX_CHUNK_ITEMS));
    loop {
        match file.chunk_decompressor::<T, _>(src).map_err(bad)? {
            DecompressorItem::EndOfData(_) => break,
            DecompressorItem::Chunk(mut chunk) => {
                let n = chunk.n();
                let start = nums.len();
                if n > expect - start {
                    return Err(corrupt(format!(
                        "column holds more than the {expect} numbers expected"
                    )));
                }
                nums.resize(start + n, T::default());
                let progress = chunk.read(&mut nums[start..]).map_err(bad)?;
                if progress.n_processed != n {
                    return Err(corrupt("column ends early"));
                }
                src = chunk.into_src();
            }
        }
    }
    if nums.len() != expect {
        return Err(corrupt(format!(
            "column holds {} numbers, expected {expect}",
            nums.len()
        )));
    }
    Ok(nums)
}

/// Encode points (in time order) as one raw chunk.
pub fn encode_points(points: &[Point]) -> Result<Vec<u8>, HistorianError> {
    let mut out = Vec::with_capacity(16 + points.len());
    out.push(RAW_V1);
    put_varint(&mut out, points.len() as u64);
    let ts: Vec<i64> = points.iter().map(|p| p.ts.0).collect();
    put_column(&mut out, &ts)?;

    let mut runs: Vec<(u16, u64)> = Vec::new();
    for p in points {
        let code = p.quality.code();
        match runs.last_mut() {
            Some((c, n)) if *c == code => *n += 1,
            _ => runs.push((code, 1)),
        }
    }
    put_varint(&mut out, runs.len() as u64);
    for (code, n) in &runs {
        put_varint(&mut out, u64::from(*code));
        put_varint(&mut out, *n);
    }

    // Presence runs alternate present, absent, present... starting with present (maybe 0 long).
    let mut presence: Vec<u64> = vec![0];
    for p in points {
        let present_run = presence.len() % 2 == 1;
        if p.value.is_some() == present_run {
            if let Some(n) = presence.last_mut() {
                *n += 1;
            }
        } else {
            presence.push(1);
        }
    }
    put_varint(&mut out, presence.len() as u64);
    for n in &presence {
        put_varint(&mut out, *n);
    }
    let values: Vec<f64> = points.iter().filter_map(|p| p.value).collect();
    put_column(&mut out, &values)?;
    Ok(out)
}

/// Decode a raw chunk, appending its points to `out`.
pub fn decode_points(buf: &[u8], out: &mut Vec<Point>) -> Result<(), HistorianError> {
    let mut r = Reader { buf, pos: 0 };
    if r.u8()? != RAW_V1 {
        return Err(corrupt("unknown raw chunk version"));
    }
    let n = r.len()?;
    if n > MAX_CHUNK_ITEMS {
        return Err(corrupt(format!("a chunk of {n} points")));
    }
    let ts: Vec<i64> = get_column(&mut r, n)?;

    let nruns = r.len()?;
    let mut qualities = Vec::with_capacity(n);
    for _ in 0..nruns {
        let code = u16::try_from(r.varint()?).map_err(|_| corrupt("quality code"))?;
        let q = Quality::from_code(code).ok_or_else(|| corrupt(format!("quality {code}")))?;
        let run = r.len()?;
        if run > n - qualities.len() {
            return Err(corrupt("quality runs exceed the chunk"));
        }
        qualities.extend(std::iter::repeat_n(q, run));
    }
    if qualities.len() != n {
        return Err(corrupt("quality runs do not cover the chunk"));
    }

    let npresence = r.len()?;
    let mut present = Vec::with_capacity(n);
    for i in 0..npresence {
        let run = r.len()?;
        if run > n - present.len() {
            return Err(corrupt("presence runs exceed the chunk"));
        }
        present.extend(std::iter::repeat_n(i % 2 == 0, run));
    }
    if present.len() != n {
        return Err(corrupt("presence runs do not cover the chunk"));
    }
    let nvalues = present.iter().filter(|p| **p).count();
    let values: Vec<f64> = get_column(&mut r, nvalues)?;

    out.reserve(n);
    let mut v = values.into_iter();
    for i in 0..n {
        out.push(Point {
            ts: Timestamp(ts[i]),
            value: if present[i] { v.next() } else { None },
            quality: qualities[i],
        });
    }
    Ok(())
}

fn opt(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

fn unopt(v: f64) -> Option<f64> {
    // Aggregates are only ever taken over finite values, so NaN can only mean "none".
    (!v.is_nan()).then_some(v)
}

/// Encode rollup rows (in time order) as one chunk.
pub fn encode_rows(rows: &[Row]) -> Result<Vec<u8>, HistorianError> {
    let mut out = Vec::with_capacity(16 + rows.len() * 8);
    out.push(ROLLUP_V1);
    put_varint(&mut out, rows.len() as u64);
    put_column(
        &mut out,
        &rows.iter().map(|r| r.start.0).collect::<Vec<_>>(),
    )?;
    put_column(&mut out, &rows.iter().map(|r| r.good).collect::<Vec<_>>())?;
    put_column(&mut out, &rows.iter().map(|r| r.other).collect::<Vec<_>>())?;
    put_column(
        &mut out,
        &rows.iter().map(|r| r.weight_ms).collect::<Vec<_>>(),
    )?;
    put_column(
        &mut out,
        &rows.iter().map(|r| r.integral).collect::<Vec<_>>(),
    )?;
    put_column(
        &mut out,
        &rows.iter().map(|r| opt(r.min)).collect::<Vec<_>>(),
    )?;
    put_column(
        &mut out,
        &rows.iter().map(|r| opt(r.max)).collect::<Vec<_>>(),
    )?;
    put_column(
        &mut out,
        &rows.iter().map(|r| opt(r.first)).collect::<Vec<_>>(),
    )?;
    put_column(
        &mut out,
        &rows.iter().map(|r| opt(r.last)).collect::<Vec<_>>(),
    )?;
    Ok(out)
}

/// Decode a rollup chunk, appending its rows to `out`.
pub fn decode_rows(buf: &[u8], out: &mut Vec<Row>) -> Result<(), HistorianError> {
    let mut r = Reader { buf, pos: 0 };
    if r.u8()? != ROLLUP_V1 {
        return Err(corrupt("unknown rollup chunk version"));
    }
    let n = r.len()?;
    if n > MAX_CHUNK_ITEMS {
        return Err(corrupt(format!("a chunk of {n} rows")));
    }
    let start: Vec<i64> = get_column(&mut r, n)?;
    let good: Vec<u32> = get_column(&mut r, n)?;
    let other: Vec<u32> = get_column(&mut r, n)?;
    let weight: Vec<i64> = get_column(&mut r, n)?;
    let integral: Vec<f64> = get_column(&mut r, n)?;
    let min: Vec<f64> = get_column(&mut r, n)?;
    let max: Vec<f64> = get_column(&mut r, n)?;
    let first: Vec<f64> = get_column(&mut r, n)?;
    let last: Vec<f64> = get_column(&mut r, n)?;
    out.reserve(n);
    for i in 0..n {
        out.push(Row {
            start: Timestamp(start[i]),
            good: good[i],
            other: other[i],
            weight_ms: weight[i],
            integral: integral[i],
            min: unopt(min[i]),
            max: unopt(max[i]),
            first: unopt(first[i]),
            last: unopt(last[i]),
        });
    }
    Ok(())
}
