//! Register codecs: the one place that knows how a value sits in 16-bit Modbus registers. The
//! simulator encodes with it and acquisition decodes with it, so the two can never disagree.
//! Decoding allocates nothing.

use crate::config::{DataType, WordOrder};

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("{ty} needs {need} registers, got {got}")]
    TooFewRegisters {
        ty: &'static str,
        need: usize,
        got: usize,
    },
    #[error("the raw value is not a number (NaN or infinity)")]
    NotFinite,
    #[error("bit {0} is outside 0-15")]
    BadBit(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum EncodeError {
    #[error("{value} does not fit in {ty}")]
    OutOfRange { value: f64, ty: &'static str },
    #[error("a bool is written as a coil or a bit, not as a register value")]
    Bool,
}

/// Where big-endian word `i` of `n` lands, and whether its two bytes are swapped.
fn placement(order: WordOrder, i: usize, n: usize) -> (usize, bool) {
    match order {
        WordOrder::ABCD => (i, false),
        WordOrder::BADC => (i, true),
        WordOrder::CDAB => (n - 1 - i, false),
        WordOrder::DCBA => (n - 1 - i, true),
    }
}

/// Big-endian bytes (A first) into registers in `order`. `out` must hold `bytes.len() / 2`.
fn put(bytes: &[u8], order: WordOrder, out: &mut [u16]) {
    let n = bytes.len() / 2;
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        let (pos, swap) = placement(order, i, n);
        let w = if swap {
            u16::from_le_bytes([pair[0], pair[1]])
        } else {
            u16::from_be_bytes([pair[0], pair[1]])
        };
        if let Some(dst) = out.get_mut(pos) {
            *dst = w;
        }
    }
}

/// Registers in `order` back to big-endian bytes (A first).
fn take<const N: usize>(regs: &[u16], order: WordOrder) -> [u8; N] {
    let n = N / 2;
    let mut bytes = [0u8; N];
    for i in 0..n {
        let (pos, swap) = placement(order, i, n);
        let w = regs.get(pos).copied().unwrap_or(0);
        let pair = if swap {
            w.to_le_bytes()
        } else {
            w.to_be_bytes()
        };
        bytes[2 * i] = pair[0];
        bytes[2 * i + 1] = pair[1];
    }
    bytes
}

/// The raw (unscaled) number held in `regs` as `ty` in `order`. For `Bool`, `bit` picks the bit
/// of the first register.
pub fn decode_raw(
    regs: &[u16],
    ty: DataType,
    order: WordOrder,
    bit: Option<u8>,
) -> Result<f64, DecodeError> {
    let need = usize::from(ty.words());
    if regs.len() < need {
        return Err(DecodeError::TooFewRegisters {
            ty: ty.name(),
            need,
            got: regs.len(),
        });
    }
    let first = regs[0];
    let v = match ty {
        DataType::Bool => {
            let b = bit.unwrap_or(0);
            if b > 15 {
                return Err(DecodeError::BadBit(b));
            }
            f64::from((first >> b) & 1)
        }
        // A single register has no word order; BADC/DCBA still swap its two bytes.
        DataType::Int16 => f64::from(i16::from_be_bytes(take::<2>(regs, order))),
        DataType::Uint16 => f64::from(u16::from_be_bytes(take::<2>(regs, order))),
        DataType::Int32 => f64::from(i32::from_be_bytes(take::<4>(regs, order))),
        DataType::Uint32 => f64::from(u32::from_be_bytes(take::<4>(regs, order))),
        DataType::Float32 => f64::from(f32::from_be_bytes(take::<4>(regs, order))),
        DataType::Int64 => i64::from_be_bytes(take::<8>(regs, order)) as f64,
        DataType::Uint64 => u64::from_be_bytes(take::<8>(regs, order)) as f64,
        DataType::Float64 => f64::from_be_bytes(take::<8>(regs, order)),
    };
    if v.is_finite() {
        Ok(v)
    } else {
        Err(DecodeError::NotFinite)
    }
}

/// Encode a raw (unscaled) number as `ty` in `order` into `out` (which must hold `ty.words()`
/// registers). Integers are rounded to nearest.
pub fn encode_raw(
    value: f64,
    ty: DataType,
    order: WordOrder,
    out: &mut [u16],
) -> Result<(), EncodeError> {
    let range_err = || EncodeError::OutOfRange {
        value,
        ty: ty.name(),
    };
    let int = |lo: f64, hi: f64| -> Result<f64, EncodeError> {
        let r = value.round();
        if r.is_finite() && r >= lo && r <= hi {
            Ok(r)
        } else {
            Err(range_err())
        }
    };
    match ty {
        DataType::Bool => return Err(EncodeError::Bool),
        DataType::Int16 => put(
            &(int(f64::from(i16::MIN), f64::from(i16::MAX))? as i16).to_be_bytes(),
            order,
            out,
        ),
        DataType::Uint16 => put(
            &(int(0.0, f64::from(u16::MAX))? as u16).to_be_bytes(),
            order,
            out,
        ),
        DataType::Int32 => put(
            &(int(f64::from(i32::MIN), f64::from(i32::MAX))? as i32).to_be_bytes(),
            order,
            out,
        ),
        DataType::Uint32 => put(
            &(int(0.0, f64::from(u32::MAX))? as u32).to_be_bytes(),
            order,
            out,
        ),
        DataType::Int64 => put(
            &(int(-9.223_372_036_854_775e18, 9.223_372_036_854_775e18)? as i64).to_be_bytes(),
            order,
            out,
        ),
        DataType::Uint64 => put(
            &(int(0.0, 1.844_674_407_370_955e19)? as u64).to_be_bytes(),
            order,
            out,
        ),
        DataType::Float32 => {
            if value.is_finite() && value.abs() > f64::from(f32::MAX) {
                return Err(range_err());
            }
            put(&(value as f32).to_be_bytes(), order, out);
        }
        DataType::Float64 => put(&value.to_be_bytes(), order, out),
    }
    Ok(())
}

/// Engineering value from raw: `raw * scale + offset`.
pub fn to_engineering(raw: f64, scale: f64, offset: f64) -> f64 {
    raw * scale + offset
}

/// Raw from engineering value: the inverse of [`to_engineering`].
pub fn to_raw(value: f64, scale: f64, offset: f64) -> f64 {
    (value - offset) / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDERS: [WordOrder; 4] = [
        WordOrder::ABCD,
        WordOrder::CDAB,
        WordOrder::BADC,
        WordOrder::DCBA,
    ];

    #[test]
    fn float32_word_orders_match_the_vendor_names() {
        // 123.456 as float32 is 0x42F6E979: bytes A=42 B=F6 C=E9 D=79.
        let mut r = [0u16; 2];
        encode_raw(123.456, DataType::Float32, WordOrder::ABCD, &mut r).ok();
        assert_eq!(r, [0x42F6, 0xE979]);
        encode_raw(123.456, DataType::Float32, WordOrder::CDAB, &mut r).ok();
        assert_eq!(r, [0xE979, 0x42F6]);
        encode_raw(123.456, DataType::Float32, WordOrder::BADC, &mut r).ok();
        assert_eq!(r, [0xF642, 0x79E9]);
        encode_raw(123.456, DataType::Float32, WordOrder::DCBA, &mut r).ok();
        assert_eq!(r, [0x79E9, 0xF642]);
    }

    #[test]
    fn every_type_and_order_round_trips() {
        let cases: [(DataType, &[f64]); 8] = [
            (DataType::Int16, &[-32768.0, -1.0, 0.0, 12345.0, 32767.0]),
            (DataType::Uint16, &[0.0, 1.0, 65535.0]),
            (
                DataType::Int32,
                &[-2_147_483_648.0, -70000.0, 2_147_483_647.0],
            ),
            (DataType::Uint32, &[0.0, 70000.0, 4_294_967_295.0]),
            (DataType::Int64, &[-9.0e15, -1.0, 9.0e15]),
            (DataType::Uint64, &[0.0, 1.8e12, 9.0e15]),
            (DataType::Float32, &[-1.5, 0.0, 1234.5, 3.0e38]),
            (DataType::Float64, &[-1.0e300, 0.1, 1.8e12]),
        ];
        for (ty, values) in cases {
            for order in ORDERS {
                for &v in values {
                    let mut regs = [0u16; 4];
                    assert!(
                        encode_raw(v, ty, order, &mut regs).is_ok(),
                        "{ty:?} {order:?} {v}"
                    );
                    let back = decode_raw(&regs, ty, order, None);
                    let expect = if ty == DataType::Float32 {
                        f64::from(v as f32)
                    } else {
                        v
                    };
                    assert_eq!(back, Ok(expect), "{ty:?} {order:?} {v}");
                }
            }
        }
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let mut regs = [0u16; 4];
        assert!(encode_raw(70000.0, DataType::Uint16, WordOrder::ABCD, &mut regs).is_err());
        assert!(encode_raw(-1.0, DataType::Uint32, WordOrder::ABCD, &mut regs).is_err());
        assert!(encode_raw(f64::NAN, DataType::Int16, WordOrder::ABCD, &mut regs).is_err());
        assert!(encode_raw(1.0e39, DataType::Float32, WordOrder::ABCD, &mut regs).is_err());
    }

    #[test]
    fn nan_and_infinity_are_decode_errors() {
        assert_eq!(
            decode_raw(&[0x7FC0, 0], DataType::Float32, WordOrder::ABCD, None),
            Err(DecodeError::NotFinite)
        );
        assert_eq!(
            decode_raw(&[0x7F80, 0], DataType::Float32, WordOrder::ABCD, None),
            Err(DecodeError::NotFinite)
        );
    }

    #[test]
    fn short_input_is_an_error_not_a_panic() {
        assert!(matches!(
            decode_raw(&[1], DataType::Float64, WordOrder::ABCD, None),
            Err(DecodeError::TooFewRegisters {
                need: 4,
                got: 1,
                ..
            })
        ));
    }

    #[test]
    fn bits_are_read_from_the_least_significant_end() {
        assert_eq!(
            decode_raw(&[0b1000], DataType::Bool, WordOrder::ABCD, Some(3)),
            Ok(1.0)
        );
        assert_eq!(
            decode_raw(&[0b1000], DataType::Bool, WordOrder::ABCD, Some(2)),
            Ok(0.0)
        );
        assert_eq!(
            decode_raw(&[0], DataType::Bool, WordOrder::ABCD, Some(16)),
            Err(DecodeError::BadBit(16))
        );
    }

    #[test]
    fn scale_and_offset_invert() {
        let raw = to_raw(1234.5, 0.1, -10.0);
        assert!((to_engineering(raw, 0.1, -10.0) - 1234.5).abs() < 1e-9);
    }
}
