//! Property tests: every codec round-trips bit-exactly for every type and word order, scale and
//! offset invert, and no register content makes decoding panic.

use hearth_model::codec::{decode_raw, encode_raw, to_engineering, to_raw};
use hearth_model::config::{DataType, WordOrder};
use proptest::prelude::*;

fn order() -> impl Strategy<Value = WordOrder> {
    prop_oneof![
        Just(WordOrder::ABCD),
        Just(WordOrder::CDAB),
        Just(WordOrder::BADC),
        Just(WordOrder::DCBA)
    ]
}

fn round_trip(v: f64, ty: DataType, o: WordOrder) -> Option<f64> {
    let mut regs = [0u16; 4];
    encode_raw(v, ty, o, &mut regs).ok()?;
    decode_raw(&regs, ty, o, None).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn sixteen_bit_types_round_trip(v in any::<i16>(), u in any::<u16>(), o in order()) {
        prop_assert_eq!(round_trip(f64::from(v), DataType::Int16, o), Some(f64::from(v)));
        prop_assert_eq!(round_trip(f64::from(u), DataType::Uint16, o), Some(f64::from(u)));
    }

    #[test]
    fn thirty_two_bit_types_round_trip(v in any::<i32>(), u in any::<u32>(), f in any::<f32>(), o in order()) {
        prop_assert_eq!(round_trip(f64::from(v), DataType::Int32, o), Some(f64::from(v)));
        prop_assert_eq!(round_trip(f64::from(u), DataType::Uint32, o), Some(f64::from(u)));
        if f.is_finite() {
            let back = round_trip(f64::from(f), DataType::Float32, o);
            prop_assert_eq!(back.map(|b| (b as f32).to_bits()), Some(f.to_bits()));
        }
    }

    #[test]
    fn sixty_four_bit_types_round_trip(v in -(1i64 << 53)..(1i64 << 53), u in 0u64..(1u64 << 53), f in any::<f64>(), o in order()) {
        // Values are carried as f64: integers round-trip exactly up to 2^53.
        prop_assert_eq!(round_trip(v as f64, DataType::Int64, o), Some(v as f64));
        prop_assert_eq!(round_trip(u as f64, DataType::Uint64, o), Some(u as f64));
        if f.is_finite() {
            prop_assert_eq!(round_trip(f, DataType::Float64, o).map(f64::to_bits), Some(f.to_bits()));
        }
    }

    #[test]
    fn word_orders_are_distinct_encodings_of_the_same_bytes(u in any::<u32>()) {
        let enc = |o| { let mut r = [0u16; 2]; let _ = encode_raw(f64::from(u), DataType::Uint32, o, &mut r); r };
        let abcd = enc(WordOrder::ABCD);
        prop_assert_eq!(enc(WordOrder::CDAB), [abcd[1], abcd[0]]);
        prop_assert_eq!(enc(WordOrder::BADC), [abcd[0].swap_bytes(), abcd[1].swap_bytes()]);
        prop_assert_eq!(enc(WordOrder::DCBA), [abcd[1].swap_bytes(), abcd[0].swap_bytes()]);
    }

    #[test]
    fn any_register_content_decodes_or_errs_without_panicking(regs in proptest::collection::vec(any::<u16>(), 0..6), o in order(), bit in 0u8..20) {
        for ty in [DataType::Bool, DataType::Int16, DataType::Uint16, DataType::Int32, DataType::Uint32, DataType::Float32, DataType::Int64, DataType::Uint64, DataType::Float64] {
            if let Ok(v) = decode_raw(&regs, ty, o, Some(bit)) {
                prop_assert!(v.is_finite());
            }
        }
    }

    #[test]
    fn scale_and_offset_invert(raw in -1.0e6f64..1.0e6, scale in prop_oneof![Just(0.1), Just(0.01), Just(10.0), Just(-0.5)], offset in -1000.0f64..1000.0) {
        let eng = to_engineering(raw, scale, offset);
        prop_assert!((to_raw(eng, scale, offset) - raw).abs() < 1e-6 * raw.abs().max(1.0));
    }
}
