//! One alarm's state machine. The condition (already past its limit and deadband) must hold for
//! the on-delay before the alarm is raised and be gone for the off-delay before it returns. An
//! active, unacknowledged alarm only leaves that state by an acknowledgement or by returning to
//! normal, and a returned one still waits for its acknowledgement. Shelved, suppressed and
//! out-of-service alarms raise nothing; their returns still count, so nothing stays stuck.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlarmState {
    Normal,
    ActiveUnacked,
    ActiveAcked,
    ReturnedUnacked,
}

/// Milliseconds. The re-alarm time raises an acknowledged alarm again if it is still active.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Delays {
    pub on_ms: i64,
    pub off_ms: i64,
    pub realarm_ms: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shelve {
    /// Until this time (epoch ms), then back in service.
    Timed { until_ms: i64 },
    /// Until the alarm next returns to normal.
    OneShot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransitionKind {
    Raise,
    Clear,
    Ack,
    Realarm,
    Shelve,
    Unshelve,
    ShelveExpired,
    Suppress,
    Unsuppress,
    OutOfService,
    InService,
}

/// What happened to an alarm, for the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub kind: TransitionKind,
    pub at_ms: i64,
    pub from: AlarmState,
    pub to: AlarmState,
}

#[derive(Debug, Clone)]
pub struct Alarm {
    state: AlarmState,
    /// The condition after the delays: what the state follows.
    condition: bool,
    /// Since when the raw condition has differed from `condition` (a delay running).
    pending_since: Option<i64>,
    delays: Delays,
    shelved: Option<Shelve>,
    suppressed: bool,
    out_of_service: bool,
    /// When it was last raised or re-alarmed, for the re-alarm time.
    raised_ms: Option<i64>,
}

impl Alarm {
    pub fn new(delays: Delays) -> Alarm {
        Alarm {
            state: AlarmState::Normal,
            condition: false,
            pending_since: None,
            delays,
            shelved: None,
            suppressed: false,
            out_of_service: false,
            raised_ms: None,
        }
    }

    pub fn state(&self) -> AlarmState {
        self.state
    }

    /// The condition after the delays.
    pub fn condition(&self) -> bool {
        self.condition
    }

    pub fn shelved(&self) -> Option<Shelve> {
        self.shelved
    }

    pub fn suppressed(&self) -> bool {
        self.suppressed
    }

    pub fn out_of_service(&self) -> bool {
        self.out_of_service
    }

    /// Raises nothing now: shelved, suppressed by design, or out of service.
    fn silenced(&self) -> bool {
        self.shelved.is_some() || self.suppressed || self.out_of_service
    }

    /// Shown to the operator: not normal, and not silenced.
    pub fn annunciated(&self) -> bool {
        self.state != AlarmState::Normal && !self.silenced()
    }

    fn go(&mut self, kind: TransitionKind, to: AlarmState, now: i64) -> Transition {
        let t = Transition {
            kind,
            at_ms: now,
            from: self.state,
            to,
        };
        self.state = to;
        t
    }

    /// A new evaluation of the raw condition at `now` (ms, never going back); pushes what
    /// happened onto `out`. Also runs timed shelving and re-alarm, so call it for every sample.
    pub fn update(&mut self, raw: bool, now: i64, out: &mut Vec<Transition>) {
        self.tick(now, out);
        if raw == self.condition {
            self.pending_since = None;
            return;
        }
        let since = *self.pending_since.get_or_insert(now);
        let delay = if raw {
            self.delays.on_ms
        } else {
            self.delays.off_ms
        };
        if now - since < delay {
            return;
        }
        self.pending_since = None;
        self.condition = raw;
        if raw {
            self.raise(now, out);
        } else {
            self.returned(now, out);
        }
    }

    fn raise(&mut self, now: i64, out: &mut Vec<Transition>) {
        if self.silenced() {
            return;
        }
        if matches!(self.state, AlarmState::Normal | AlarmState::ReturnedUnacked) {
            out.push(self.go(TransitionKind::Raise, AlarmState::ActiveUnacked, now));
            self.raised_ms = Some(now);
        }
    }

    fn returned(&mut self, now: i64, out: &mut Vec<Transition>) {
        match self.state {
            AlarmState::ActiveUnacked => {
                out.push(self.go(TransitionKind::Clear, AlarmState::ReturnedUnacked, now))
            }
            AlarmState::ActiveAcked => {
                out.push(self.go(TransitionKind::Clear, AlarmState::Normal, now))
            }
            AlarmState::Normal | AlarmState::ReturnedUnacked => {}
        }
        if self.shelved == Some(Shelve::OneShot) {
            self.shelved = None;
            out.push(self.go(TransitionKind::Unshelve, self.state, now));
        }
    }

    /// Timed shelving expiring and re-alarm, without a new sample.
    pub fn tick(&mut self, now: i64, out: &mut Vec<Transition>) {
        if let Some(Shelve::Timed { until_ms }) = self.shelved
            && now >= until_ms
        {
            self.shelved = None;
            out.push(self.go(TransitionKind::ShelveExpired, self.state, now));
            if self.condition {
                self.raise(now, out);
            }
        }
        if let (AlarmState::ActiveAcked, Some(every), Some(raised)) =
            (self.state, self.delays.realarm_ms, self.raised_ms)
            && !self.silenced()
            && now - raised >= every
        {
            self.raised_ms = Some(now);
            out.push(self.go(TransitionKind::Realarm, AlarmState::ActiveUnacked, now));
        }
    }

    /// The operator acknowledges it. Nothing to acknowledge in the other states.
    pub fn ack(&mut self, now: i64) -> Option<Transition> {
        match self.state {
            AlarmState::ActiveUnacked => {
                Some(self.go(TransitionKind::Ack, AlarmState::ActiveAcked, now))
            }
            AlarmState::ReturnedUnacked => {
                Some(self.go(TransitionKind::Ack, AlarmState::Normal, now))
            }
            AlarmState::Normal | AlarmState::ActiveAcked => None,
        }
    }

    pub fn shelve(&mut self, how: Shelve, now: i64) -> Transition {
        self.shelved = Some(how);
        self.go(TransitionKind::Shelve, self.state, now)
    }

    /// Back in service before the shelf ends: an active condition raises again.
    pub fn unshelve(&mut self, now: i64, out: &mut Vec<Transition>) {
        if self.shelved.take().is_some() {
            out.push(self.go(TransitionKind::Unshelve, self.state, now));
            if self.condition {
                self.raise(now, out);
            }
        }
    }

    /// Suppression by design (its device lost comms, or a fan trip explains it).
    pub fn set_suppressed(&mut self, on: bool, now: i64, out: &mut Vec<Transition>) {
        if on == self.suppressed {
            return;
        }
        self.suppressed = on;
        let kind = if on {
            TransitionKind::Suppress
        } else {
            TransitionKind::Unsuppress
        };
        out.push(self.go(kind, self.state, now));
        if !on && self.condition {
            self.raise(now, out);
        }
    }

    /// Out of service: maintenance on the instrument. Its state is kept (an unacknowledged alarm
    /// still needs its acknowledgement) but nothing is raised or shown until it is back.
    pub fn set_out_of_service(&mut self, on: bool, now: i64, out: &mut Vec<Transition>) {
        if on == self.out_of_service {
            return;
        }
        self.out_of_service = on;
        if on {
            out.push(self.go(TransitionKind::OutOfService, self.state, now));
        } else {
            out.push(self.go(TransitionKind::InService, self.state, now));
            if self.condition {
                self.raise(now, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::condition::{Limit, LimitKind};
    use proptest::prelude::*;

    fn run(a: &mut Alarm, raw: bool, now: i64) -> Vec<Transition> {
        let mut out = Vec::new();
        a.update(raw, now, &mut out);
        out
    }

    #[test]
    fn raise_return_and_acknowledge_in_either_order() {
        let mut a = Alarm::new(Delays::default());
        assert_eq!(run(&mut a, true, 0)[0].kind, TransitionKind::Raise);
        assert_eq!(a.state(), AlarmState::ActiveUnacked);
        run(&mut a, false, 10);
        assert_eq!(
            a.state(),
            AlarmState::ReturnedUnacked,
            "still waits for its ack"
        );
        assert!(a.ack(20).is_some());
        assert_eq!(a.state(), AlarmState::Normal);

        run(&mut a, true, 30);
        a.ack(40);
        assert_eq!(a.state(), AlarmState::ActiveAcked);
        run(&mut a, false, 50);
        assert_eq!(a.state(), AlarmState::Normal);
    }

    #[test]
    fn on_and_off_delays_hold() {
        let mut a = Alarm::new(Delays {
            on_ms: 15_000,
            off_ms: 5_000,
            realarm_ms: None,
        });
        assert!(run(&mut a, true, 0).is_empty());
        assert!(run(&mut a, true, 14_999).is_empty());
        assert_eq!(run(&mut a, true, 15_000)[0].kind, TransitionKind::Raise);
        assert!(run(&mut a, false, 20_000).is_empty());
        assert!(
            run(&mut a, true, 21_000).is_empty(),
            "back before the off-delay: no return"
        );
        assert!(run(&mut a, false, 22_000).is_empty());
        assert_eq!(run(&mut a, false, 27_000)[0].kind, TransitionKind::Clear);
    }

    #[test]
    fn a_timed_shelf_expires_and_an_active_condition_raises_then() {
        let mut a = Alarm::new(Delays::default());
        a.shelve(Shelve::Timed { until_ms: 1_000 }, 0);
        assert!(run(&mut a, true, 100).is_empty(), "shelved: nothing raised");
        assert!(!a.annunciated());
        let t = run(&mut a, true, 1_000);
        let kinds: Vec<_> = t.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            vec![TransitionKind::ShelveExpired, TransitionKind::Raise]
        );
        assert!(a.annunciated());
    }

    #[test]
    fn a_one_shot_shelf_ends_when_the_alarm_returns() {
        let mut a = Alarm::new(Delays::default());
        run(&mut a, true, 0);
        a.ack(1);
        a.shelve(Shelve::OneShot, 2);
        run(&mut a, false, 3);
        assert_eq!(a.shelved(), None);
        assert_eq!(run(&mut a, true, 4)[0].kind, TransitionKind::Raise);
    }

    #[test]
    fn an_acknowledged_alarm_still_active_realarms() {
        let mut a = Alarm::new(Delays {
            on_ms: 0,
            off_ms: 0,
            realarm_ms: Some(60_000),
        });
        run(&mut a, true, 0);
        a.ack(1_000);
        assert!(run(&mut a, true, 59_999).is_empty());
        assert_eq!(run(&mut a, true, 60_000)[0].kind, TransitionKind::Realarm);
        assert_eq!(a.state(), AlarmState::ActiveUnacked);
    }

    #[test]
    fn suppressed_alarms_raise_nothing_until_released() {
        let mut a = Alarm::new(Delays::default());
        let mut out = Vec::new();
        a.set_suppressed(true, 0, &mut out);
        assert!(run(&mut a, true, 1).is_empty());
        out.clear();
        a.set_suppressed(false, 2, &mut out);
        let kinds: Vec<_> = out.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            vec![TransitionKind::Unsuppress, TransitionKind::Raise]
        );
    }

    #[derive(Debug, Clone)]
    enum Step {
        Sample(bool, i64),
        Ack,
        Shelve(i64),
        Unshelve,
        Suppress(bool),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            6 => (any::<bool>(), 0i64..30_000).prop_map(|(b, dt)| Step::Sample(b, dt)),
            1 => Just(Step::Ack),
            1 => (1i64..60_000).prop_map(Step::Shelve),
            1 => Just(Step::Unshelve),
            1 => any::<bool>().prop_map(Step::Suppress),
        ]
    }

    proptest! {
        /// An active, unacknowledged alarm leaves that state only by an acknowledgement (to
        /// active-acknowledged) or by returning (to returned-unacknowledged), and a returned
        /// one reaches normal only by an acknowledgement: nothing disappears unseen.
        #[test]
        fn unacknowledged_alarms_never_vanish(
            steps in proptest::collection::vec(step(), 1..200),
            on in 0i64..20_000, off in 0i64..20_000,
            realarm in proptest::option::of(1i64..120_000),
        ) {
            let mut a = Alarm::new(Delays { on_ms: on, off_ms: off, realarm_ms: realarm });
            let mut now = 0;
            let mut out = Vec::new();
            for s in steps {
                out.clear();
                match s {
                    Step::Sample(raw, dt) => { now += dt; a.update(raw, now, &mut out); }
                    Step::Ack => out.extend(a.ack(now)),
                    Step::Shelve(d) => out.push(a.shelve(Shelve::Timed { until_ms: now + d }, now)),
                    Step::Unshelve => a.unshelve(now, &mut out),
                    Step::Suppress(on) => a.set_suppressed(on, now, &mut out),
                }
                for t in &out {
                    match (t.from, t.to) {
                        (AlarmState::ActiveUnacked, AlarmState::ActiveUnacked) => {}
                        (AlarmState::ActiveUnacked, AlarmState::ActiveAcked) =>
                            prop_assert_eq!(t.kind, TransitionKind::Ack),
                        (AlarmState::ActiveUnacked, AlarmState::ReturnedUnacked) =>
                            prop_assert_eq!(t.kind, TransitionKind::Clear),
                        (AlarmState::ActiveUnacked, to) => prop_assert!(false, "unacked alarm went to {:?} by {:?}", to, t.kind),
                        (AlarmState::ReturnedUnacked, AlarmState::Normal) =>
                            prop_assert_eq!(t.kind, TransitionKind::Ack),
                        _ => {}
                    }
                    prop_assert!(t.at_ms == now);
                }
            }
        }

        /// A signal oscillating inside the deadband after the alarm is raised never clears it,
        /// so it cannot chatter.
        #[test]
        fn the_deadband_stops_chattering(
            wobble in proptest::collection::vec(-0.999f64..3.0, 1..300),
        ) {
            let limit = Limit { kind: LimitKind::High, value: 930.0, deadband: 10.0 };
            let mut a = Alarm::new(Delays::default());
            let mut out = Vec::new();
            a.update(limit.abnormal(931.0, false), 0, &mut out);
            prop_assert_eq!(a.state(), AlarmState::ActiveUnacked);
            for (i, w) in wobble.iter().enumerate() {
                // Between 920.01 and 960: inside the deadband or above the limit.
                let v = 930.0 + w * 10.0;
                out.clear();
                a.update(limit.abnormal(v, a.condition()), (i as i64 + 1) * 1000, &mut out);
                prop_assert!(out.is_empty(), "transition at {}: {:?}", v, out);
            }
        }

        /// The on-delay holds: a condition shorter than it never raises; one that lasts raises
        /// exactly once, at the first sample at or after the delay.
        #[test]
        fn the_on_delay_holds(delay in 1i64..60_000, dts in proptest::collection::vec(1i64..5_000, 1..100)) {
            let mut a = Alarm::new(Delays { on_ms: delay, off_ms: 0, realarm_ms: None });
            let mut out = Vec::new();
            let mut now = 0;
            a.update(true, now, &mut out);
            for dt in dts {
                now += dt;
                a.update(true, now, &mut out);
                let raised = out.iter().filter(|t| t.kind == TransitionKind::Raise).count();
                prop_assert_eq!(raised, usize::from(now >= delay));
            }
        }
    }
}
