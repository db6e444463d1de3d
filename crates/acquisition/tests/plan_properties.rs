//! Read planning, for any set of tags: every tag is read exactly once at the right offset, no
//! read breaks the Modbus limits or mixes register kinds, and splitting keeps every tag.

use hearth_acquisition::{plan_reads, split_block};
use hearth_model::config::{DataType, RegisterKind, Tag};
use proptest::prelude::*;

fn tag(id: u32, register: RegisterKind, address: u16, data_type: DataType) -> Tag {
    Tag::synthetic(id, &format!("t{id}"), register, address, data_type)
}

fn tags() -> impl Strategy<Value = Vec<Tag>> {
    proptest::collection::vec(
        (
            prop_oneof![
                Just(RegisterKind::Input),
                Just(RegisterKind::Holding),
                Just(RegisterKind::Coil)
            ],
            0u16..3000,
            prop_oneof![
                Just(DataType::Int16),
                Just(DataType::Float32),
                Just(DataType::Float64)
            ],
        ),
        1..300,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (r, a, t))| tag(i as u32, r, a, if r.is_bit() { DataType::Bool } else { t }))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_tag_is_read_once_at_its_offset_within_the_limits(tags in tags()) {
        let plan = plan_reads(&tags);
        let mut seen = vec![0u32; tags.len()];
        for b in &plan {
            let limit = if b.register.is_bit() { 2000 } else { 125 };
            prop_assert!(b.count >= 1 && b.count <= limit);
            for (id, off) in &b.tags {
                let t = &tags[id.index()];
                seen[id.index()] += 1;
                prop_assert_eq!(t.register, b.register);
                prop_assert_eq!(u32::from(b.start) + u32::from(*off), u32::from(t.address));
                prop_assert!(u32::from(*off) + u32::from(t.span()) <= u32::from(b.count));
            }
        }
        prop_assert!(seen.iter().all(|n| *n == 1));
    }

    #[test]
    fn splitting_any_block_keeps_every_tag_at_its_offset(tags in tags()) {
        for b in plan_reads(&tags) {
            if let Some((l, r)) = split_block(&b, &tags) {
                prop_assert_eq!(l.tags.len() + r.tags.len(), b.tags.len());
                for part in [&l, &r] {
                    for (id, off) in &part.tags {
                        prop_assert_eq!(u32::from(part.start) + u32::from(*off), u32::from(tags[id.index()].address));
                        prop_assert!(u32::from(*off) + u32::from(tags[id.index()].span()) <= u32::from(part.count));
                    }
                }
            }
        }
    }
}
