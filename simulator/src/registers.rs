//! The PLC's register image, laid out by the register map in `config/` (the only copy of it),
//! and the rules a PLC applies to reads and writes: unmapped addresses, bad counts and
//! out-of-range setpoints are Modbus exceptions, never silence and never a panic.

use hearth_model::codec;
use hearth_model::config::{RegisterKind, Tag};

use crate::simulation::{Signal, Simulation};

/// A register map for load tests: `n` consecutive int16 input registers from address 0, each
/// carrying the preheat zone temperature (x0.1 C). The simulator maps tags to its signals by
/// name, so one signal may fill many registers.
pub fn load_test_map(n: u16) -> Vec<Tag> {
    (0..n)
        .map(|a| Tag {
            scale: 0.1,
            unit: "degC".into(),
            ..Tag::synthetic(
                u32::from(a),
                "zone1_temp",
                RegisterKind::Input,
                a,
                hearth_model::config::DataType::Int16,
            )
        })
        .collect()
}

/// Modbus limits per request.
pub const MAX_READ_REGISTERS: u16 = 125;
pub const MAX_WRITE_REGISTERS: u16 = 123;
pub const MAX_READ_BITS: u16 = 2000;
pub const MAX_WRITE_BITS: u16 = 1968;

/// Why a request is refused, as the Modbus exception a PLC would send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 02: an address in the request is not mapped.
    IllegalDataAddress,
    /// 03: a count of 0 or over the limit, or a value outside the engineering range.
    IllegalDataValue,
}

#[derive(Debug, Clone)]
struct Point {
    tag: Tag,
    signal: Signal,
}

#[derive(Debug, Clone, Default)]
struct Space {
    words: Vec<u16>,
    bits: Vec<bool>,
    /// Which point (index into `points`) covers each address, if any.
    owner: Vec<Option<usize>>,
}

impl Space {
    fn mapped(&self, start: u16, count: u16) -> bool {
        let (s, e) = (usize::from(start), usize::from(start) + usize::from(count));
        e <= self.owner.len() && self.owner[s..e].iter().all(Option::is_some)
    }
}

/// The register image. `refresh` copies the simulation's signals in; writes go back out.
#[derive(Debug, Clone)]
pub struct Image {
    points: Vec<Point>,
    coils: Space,
    discrete: Space,
    input: Space,
    holding: Space,
}

impl Image {
    /// Lay out the image from a register map. Every tag must name a signal the simulator knows.
    pub fn new(map: &[Tag]) -> Result<Image, String> {
        let mut unknown = Vec::new();
        let mut points = Vec::new();
        for t in map {
            match Signal::from_name(&t.name) {
                Some(signal) => points.push(Point {
                    tag: t.clone(),
                    signal,
                }),
                None => unknown.push(t.name.clone()),
            }
        }
        if !unknown.is_empty() {
            return Err(format!(
                "the simulator has no signal for tag(s): {}",
                unknown.join(", ")
            ));
        }
        let mut image = Image {
            points,
            coils: Space::default(),
            discrete: Space::default(),
            input: Space::default(),
            holding: Space::default(),
        };
        for (i, p) in image.points.iter().enumerate() {
            let end = usize::from(p.tag.address) + usize::from(p.tag.span());
            let space = match p.tag.register {
                RegisterKind::Coil => &mut image.coils,
                RegisterKind::Discrete => &mut image.discrete,
                RegisterKind::Input => &mut image.input,
                RegisterKind::Holding => &mut image.holding,
            };
            if space.owner.len() < end {
                space.owner.resize(end, None);
                space.words.resize(end, 0);
                space.bits.resize(end, false);
            }
            for a in usize::from(p.tag.address)..end {
                space.owner[a] = Some(i);
            }
        }
        Ok(image)
    }

    /// Copy the simulation's current values into the registers.
    pub fn refresh(&mut self, sim: &Simulation) {
        for p in &self.points {
            let value = sim.read(p.signal);
            let start = usize::from(p.tag.address);
            let space = match p.tag.register {
                RegisterKind::Coil => &mut self.coils,
                RegisterKind::Discrete => &mut self.discrete,
                RegisterKind::Input => &mut self.input,
                RegisterKind::Holding => &mut self.holding,
            };
            if p.tag.register.is_bit() {
                if let Some(b) = space.bits.get_mut(start) {
                    *b = value >= 0.5;
                }
                continue;
            }
            let raw = codec::to_raw(value, p.tag.scale, p.tag.offset);
            let span = usize::from(p.tag.span());
            if let Some(dst) = space.words.get_mut(start..start + span) {
                // Out-of-range values saturate the way a PLC's scaling block clamps them.
                if codec::encode_raw(raw, p.tag.data_type, p.tag.word_order, dst).is_err() {
                    let clamped = if raw.is_nan() {
                        0.0
                    } else {
                        raw.clamp(-2.0e9, 2.0e9)
                    };
                    let lim = match p.tag.data_type {
                        hearth_model::config::DataType::Int16 => clamped.clamp(-32768.0, 32767.0),
                        hearth_model::config::DataType::Uint16 => clamped.clamp(0.0, 65535.0),
                        _ => clamped.max(0.0),
                    };
                    let _ = codec::encode_raw(lim, p.tag.data_type, p.tag.word_order, dst);
                }
            }
        }
    }

    fn words(space: &Space, start: u16, count: u16, max: u16) -> Result<Vec<u16>, Refusal> {
        if count == 0 || count > max {
            return Err(Refusal::IllegalDataValue);
        }
        if !space.mapped(start, count) {
            return Err(Refusal::IllegalDataAddress);
        }
        let s = usize::from(start);
        Ok(space.words[s..s + usize::from(count)].to_vec())
    }

    fn bits(space: &Space, start: u16, count: u16) -> Result<Vec<bool>, Refusal> {
        if count == 0 || count > MAX_READ_BITS {
            return Err(Refusal::IllegalDataValue);
        }
        if !space.mapped(start, count) {
            return Err(Refusal::IllegalDataAddress);
        }
        let s = usize::from(start);
        Ok(space.bits[s..s + usize::from(count)].to_vec())
    }

    pub fn read_input(&self, start: u16, count: u16) -> Result<Vec<u16>, Refusal> {
        Self::words(&self.input, start, count, MAX_READ_REGISTERS)
    }

    pub fn read_holding(&self, start: u16, count: u16) -> Result<Vec<u16>, Refusal> {
        Self::words(&self.holding, start, count, MAX_READ_REGISTERS)
    }

    pub fn read_coils(&self, start: u16, count: u16) -> Result<Vec<bool>, Refusal> {
        Self::bits(&self.coils, start, count)
    }

    pub fn read_discrete(&self, start: u16, count: u16) -> Result<Vec<bool>, Refusal> {
        Self::bits(&self.discrete, start, count)
    }

    /// Write holding registers: every tag touched must be covered whole, writable and in range;
    /// nothing is applied unless all of it is valid.
    pub fn write_holding(
        &mut self,
        start: u16,
        values: &[u16],
        sim: &mut Simulation,
    ) -> Result<(), Refusal> {
        let count = u16::try_from(values.len()).map_err(|_| Refusal::IllegalDataValue)?;
        if count == 0 || count > MAX_WRITE_REGISTERS {
            return Err(Refusal::IllegalDataValue);
        }
        if !self.holding.mapped(start, count) {
            return Err(Refusal::IllegalDataAddress);
        }
        let (s, e) = (usize::from(start), usize::from(start) + values.len());
        let mut touched: Vec<usize> = self.holding.owner[s..e].iter().flatten().copied().collect();
        touched.dedup();
        let mut staged = self.holding.words.clone();
        staged[s..e].copy_from_slice(values);
        let mut writes = Vec::new();
        for i in touched {
            let p = &self.points[i];
            let (a, span) = (usize::from(p.tag.address), usize::from(p.tag.span()));
            if a < s || a + span > e || !p.signal.writable() {
                return Err(Refusal::IllegalDataAddress);
            }
            let raw = codec::decode_raw(
                &staged[a..a + span],
                p.tag.data_type,
                p.tag.word_order,
                p.tag.bit,
            )
            .map_err(|_| Refusal::IllegalDataValue)?;
            let value = codec::to_engineering(raw, p.tag.scale, p.tag.offset);
            if let Some((lo, hi)) = p.tag.range
                && !(lo..=hi).contains(&value)
            {
                return Err(Refusal::IllegalDataValue);
            }
            writes.push((p.signal, value));
        }
        for (signal, value) in writes {
            sim.write(signal, value);
        }
        self.refresh(sim);
        Ok(())
    }

    pub fn write_coils(
        &mut self,
        start: u16,
        values: &[bool],
        sim: &mut Simulation,
    ) -> Result<(), Refusal> {
        let count = u16::try_from(values.len()).map_err(|_| Refusal::IllegalDataValue)?;
        if count == 0 || count > MAX_WRITE_BITS {
            return Err(Refusal::IllegalDataValue);
        }
        if !self.coils.mapped(start, count) {
            return Err(Refusal::IllegalDataAddress);
        }
        let s = usize::from(start);
        let mut writes = Vec::new();
        for (k, v) in values.iter().enumerate() {
            let Some(Some(i)) = self.coils.owner.get(s + k) else {
                return Err(Refusal::IllegalDataAddress);
            };
            let signal = self.points[*i].signal;
            if !signal.writable() {
                return Err(Refusal::IllegalDataAddress);
            }
            writes.push((signal, if *v { 1.0 } else { 0.0 }));
        }
        for (signal, value) in writes {
            sim.write(signal, value);
        }
        self.refresh(sim);
        Ok(())
    }
}
