//! Register codecs: any registers decode to a finite number or a typed error, and a value that
//! fits a type survives encoding and decoding in every word order.

use hearth_model::codec::{decode_raw, encode_raw};
use hearth_model::config::{DataType, WordOrder};

const TYPES: [DataType; 9] = [
    DataType::Bool,
    DataType::Int16,
    DataType::Uint16,
    DataType::Int32,
    DataType::Uint32,
    DataType::Float32,
    DataType::Int64,
    DataType::Uint64,
    DataType::Float64,
];
const ORDERS: [WordOrder; 4] = [
    WordOrder::ABCD,
    WordOrder::BADC,
    WordOrder::CDAB,
    WordOrder::DCBA,
];

pub fn run(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let ty = TYPES[usize::from(sel) % TYPES.len()];
    let order = ORDERS[usize::from(sel / 16) % ORDERS.len()];
    let regs: Vec<u16> = rest
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]))
        .collect();
    let bit = rest.first().map(|b| b % 20);
    if let Ok(v) = decode_raw(&regs, ty, order, bit) {
        assert!(v.is_finite());
        if ty != DataType::Bool {
            // What was read is representable: writing it back gives the same registers' value.
            let mut out = vec![0u16; usize::from(ty.words())];
            if encode_raw(v, ty, order, &mut out).is_ok() {
                let back = decode_raw(&out, ty, order, None);
                assert!(
                    back.as_ref()
                        .is_ok_and(|b| b.to_bits() == v.to_bits() || (*b == v)),
                    "{ty:?} {order:?}: {v} came back as {back:?}"
                );
            }
        }
    }
}
