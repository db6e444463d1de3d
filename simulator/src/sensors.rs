//! Instruments as the PLC sees them: thermocouple lag and noise, analyser dead time and T90,
//! flow-meter noise. All randomness comes from the simulation's seeded generator.

use std::collections::VecDeque;

/// First-order lag: `tau dy/dt = x - y`.
#[derive(Debug, Clone)]
pub struct Lag {
    tau_s: f64,
    y: Option<f64>,
}

impl Lag {
    pub fn new(tau_s: f64) -> Self {
        Lag { tau_s, y: None }
    }

    pub fn update(&mut self, x: f64, dt: f64) -> f64 {
        let y = match self.y {
            None => x,
            Some(y) if self.tau_s <= 0.0 => {
                let _ = y;
                x
            }
            Some(y) => y + (x - y) * (1.0 - (-dt / self.tau_s).exp()),
        };
        self.y = Some(y);
        y
    }
}

/// Pure transport delay with a resolution of one update.
#[derive(Debug, Clone)]
pub struct DeadTime {
    delay_s: f64,
    buf: VecDeque<(f64, f64)>,
    t: f64,
}

impl DeadTime {
    pub fn new(delay_s: f64) -> Self {
        DeadTime {
            delay_s,
            buf: VecDeque::new(),
            t: 0.0,
        }
    }

    pub fn update(&mut self, x: f64, dt: f64) -> f64 {
        self.t += dt;
        self.buf.push_back((self.t, x));
        let mut out = self.buf.front().map_or(x, |p| p.1);
        while let Some(&(ts, v)) = self.buf.front() {
            if self.t - ts >= self.delay_s {
                out = v;
                self.buf.pop_front();
            } else {
                break;
            }
        }
        out
    }
}

/// An analyser: dead time, then a lag whose T90 is given (T90 = 2.3 tau).
#[derive(Debug, Clone)]
pub struct Analyser {
    dead: DeadTime,
    lag: Lag,
}

impl Analyser {
    pub fn new(dead_time_s: f64, t90_s: f64) -> Self {
        Analyser {
            dead: DeadTime::new(dead_time_s),
            lag: Lag::new(t90_s / 2.303),
        }
    }

    pub fn update(&mut self, x: f64, dt: f64) -> f64 {
        let d = self.dead.update(x, dt);
        self.lag.update(d, dt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lag_reaches_63_percent_after_one_time_constant() {
        let mut l = Lag::new(10.0);
        l.update(0.0, 1.0);
        let mut y = 0.0;
        for _ in 0..10 {
            y = l.update(100.0, 1.0);
        }
        assert!((y - 63.2).abs() < 0.5, "{y}");
    }

    #[test]
    fn dead_time_holds_the_old_value_until_the_delay_passes() {
        let mut d = DeadTime::new(5.0);
        for _ in 0..10 {
            d.update(1.0, 1.0);
        }
        assert_eq!(d.update(2.0, 1.0), 1.0);
        for _ in 0..4 {
            assert_eq!(d.update(2.0, 1.0), 1.0);
        }
        assert_eq!(d.update(2.0, 1.0), 2.0);
    }
}
