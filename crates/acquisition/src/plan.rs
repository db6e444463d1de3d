//! Read planning: coalesce a poll group's tags into as few Modbus requests as the limits allow,
//! bridging small gaps where one larger read is cheaper than two.

use hearth_model::TagId;
use hearth_model::config::{RegisterKind, Tag};

/// Registers worth reading for nothing to save a request (a request costs far more than a few
/// extra bytes on the wire).
pub const MAX_GAP_REGISTERS: u16 = 8;
pub const MAX_GAP_BITS: u16 = 64;
pub const MAX_REGISTERS: u16 = 125;
pub const MAX_BITS: u16 = 2000;

/// One Modbus read and the tags it feeds.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadBlock {
    pub register: RegisterKind,
    pub start: u16,
    pub count: u16,
    /// Tags with their offset into the block.
    pub tags: Vec<(TagId, u16)>,
}

/// Plan the reads for `tags` (any order, one device).
pub fn plan_reads<'a>(tags: impl IntoIterator<Item = &'a Tag>) -> Vec<ReadBlock> {
    let mut sorted: Vec<&Tag> = tags.into_iter().collect();
    sorted.sort_by_key(|t| (t.register, t.address));
    let mut blocks: Vec<ReadBlock> = Vec::new();
    for t in sorted {
        let (max, gap) = if t.register.is_bit() {
            (MAX_BITS, MAX_GAP_BITS)
        } else {
            (MAX_REGISTERS, MAX_GAP_REGISTERS)
        };
        let end = u32::from(t.address) + u32::from(t.span());
        if let Some(b) = blocks.last_mut()
            && b.register == t.register
        {
            let b_end = u32::from(b.start) + u32::from(b.count);
            let new_count = end.max(b_end) - u32::from(b.start);
            if u32::from(t.address) <= b_end + u32::from(gap) && new_count <= u32::from(max) {
                b.count = new_count as u16;
                b.tags.push((t.id, t.address - b.start));
                continue;
            }
        }
        blocks.push(ReadBlock {
            register: t.register,
            start: t.address,
            count: t.span(),
            tags: vec![(t.id, 0)],
        });
    }
    blocks
}

/// Split a block's tags in two halves, each read on its own. `None` for a single-tag block.
pub fn split_block(block: &ReadBlock, tags: &[Tag]) -> Option<(ReadBlock, ReadBlock)> {
    if block.tags.len() < 2 {
        return None;
    }
    let mid = block.tags.len() / 2;
    let part = |part: &[(TagId, u16)]| -> Option<ReadBlock> {
        let spans: Vec<(u16, u16)> = part
            .iter()
            .map(|(id, _)| tags.get(id.index()).map(|t| (t.address, t.span())))
            .collect::<Option<_>>()?;
        let start = spans.iter().map(|s| s.0).min()?;
        let end = spans
            .iter()
            .map(|(a, n)| u32::from(*a) + u32::from(*n))
            .max()?;
        Some(ReadBlock {
            register: block.register,
            start,
            count: u16::try_from(end - u32::from(start)).ok()?,
            tags: part
                .iter()
                .map(|(id, _)| (*id, tags[id.index()].address - start))
                .collect(),
        })
    };
    Some((part(&block.tags[..mid])?, part(&block.tags[mid..])?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_model::config::DataType;

    fn tag(id: u32, register: RegisterKind, address: u16, data_type: DataType) -> Tag {
        Tag::synthetic(id, &format!("t{id}"), register, address, data_type)
    }

    #[test]
    fn contiguous_tags_become_one_read() {
        let tags = [
            tag(0, RegisterKind::Input, 0, DataType::Int16),
            tag(1, RegisterKind::Input, 1, DataType::Float32),
            tag(2, RegisterKind::Input, 3, DataType::Uint16),
        ];
        let plan = plan_reads(&tags);
        assert_eq!(plan.len(), 1);
        assert_eq!((plan[0].start, plan[0].count), (0, 4));
        assert_eq!(
            plan[0].tags,
            vec![(TagId(0), 0), (TagId(1), 1), (TagId(2), 3)]
        );
    }

    #[test]
    fn small_gaps_are_bridged_and_large_ones_split() {
        let tags = [
            tag(0, RegisterKind::Holding, 0, DataType::Int16),
            tag(1, RegisterKind::Holding, 5, DataType::Int16),
            tag(2, RegisterKind::Holding, 100, DataType::Int16),
        ];
        let plan = plan_reads(&tags);
        assert_eq!(plan.len(), 2);
        assert_eq!((plan[0].start, plan[0].count), (0, 6));
        assert_eq!((plan[1].start, plan[1].count), (100, 1));
    }

    #[test]
    fn no_read_exceeds_the_modbus_limits() {
        let tags: Vec<Tag> = (0..300)
            .map(|i| tag(i, RegisterKind::Input, (i * 2) as u16, DataType::Float32))
            .collect();
        let plan = plan_reads(&tags);
        assert!(plan.iter().all(|b| b.count <= MAX_REGISTERS));
        let covered: usize = plan.iter().map(|b| b.tags.len()).sum();
        assert_eq!(covered, 300);
        let bits: Vec<Tag> = (0..3000)
            .map(|i| tag(i, RegisterKind::Coil, i as u16, DataType::Bool))
            .collect();
        assert!(plan_reads(&bits).iter().all(|b| b.count <= MAX_BITS));
    }

    #[test]
    fn a_split_covers_every_tag_once_with_tight_blocks() {
        let tags = [
            tag(0, RegisterKind::Input, 0, DataType::Int16),
            tag(1, RegisterKind::Input, 2, DataType::Float32),
            tag(2, RegisterKind::Input, 6, DataType::Uint16),
            tag(3, RegisterKind::Input, 8, DataType::Int16),
        ];
        let plan = plan_reads(&tags);
        assert_eq!(plan.len(), 1);
        let (a, b) = split_block(&plan[0], &tags).unwrap_or_else(|| panic!("no split"));
        assert_eq!(
            (a.start, a.count, a.tags.clone()),
            (0, 4, vec![(TagId(0), 0), (TagId(1), 2)])
        );
        assert_eq!(
            (b.start, b.count, b.tags.clone()),
            (6, 3, vec![(TagId(2), 0), (TagId(3), 2)])
        );
        let (single, _) = split_block(&a, &tags).unwrap_or_else(|| panic!("no split"));
        assert!(split_block(&single, &tags).is_none());
    }

    #[test]
    fn register_kinds_are_never_mixed() {
        let tags = [
            tag(0, RegisterKind::Input, 0, DataType::Int16),
            tag(1, RegisterKind::Holding, 1, DataType::Int16),
        ];
        assert_eq!(plan_reads(&tags).len(), 2);
    }
}
