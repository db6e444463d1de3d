//! Alarm evaluation cost per sample: 20,000 analogue alarms (HI with deadband, on/off delays,
//! re-alarm) fed one sample each per second of plant time, as 100 devices x 200 tags at 1 Hz
//! would. Prints ns per sample and the share of one core at 20,000 samples/s.

use std::hint::black_box;
use std::time::Instant;

use hearth_alarms::{Alarm, Delays, Limit, LimitKind};

fn main() {
    const ALARMS: usize = 20_000;
    const SECONDS: i64 = 300;
    let limits: Vec<Limit> = (0..ALARMS)
        .map(|i| Limit {
            kind: if i % 2 == 0 {
                LimitKind::High
            } else {
                LimitKind::Low
            },
            value: 1000.0,
            deadband: 10.0,
        })
        .collect();
    let mut alarms: Vec<Alarm> = (0..ALARMS)
        .map(|_| {
            Alarm::new(Delays {
                on_ms: 15_000,
                off_ms: 15_000,
                realarm_ms: Some(600_000),
            })
        })
        .collect();
    // Values wandering across the limits, so raises, returns and delays all happen.
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut values: Vec<f64> = (0..ALARMS).map(|_| 1000.0).collect();
    let mut out = Vec::with_capacity(1024);
    let mut transitions = 0usize;
    let started = Instant::now();
    for s in 0..SECONDS {
        let now = s * 1000;
        for ((a, l), v) in alarms.iter_mut().zip(&limits).zip(values.iter_mut()) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            *v += (seed % 2001) as f64 / 100.0 - 10.0;
            let raw = l.abnormal(*v, a.condition());
            a.update(raw, now, &mut out);
            transitions += out.len();
            out.clear();
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let samples = ALARMS as f64 * SECONDS as f64;
    let ns = secs * 1e9 / samples;
    println!(
        "alarm evaluation: {ns:.1} ns per sample ({samples:.0} samples, {transitions} transitions); \
         at 20,000 samples/s: {:.3} % of one core",
        ns * 20_000.0 / 1e9 * 100.0
    );
    black_box(&alarms);
}
