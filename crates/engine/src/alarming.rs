//! The engine's alarms: every configured alarm evaluated on each sample as it arrives, comms loss
//! from each device's status, and suppression by design (a device that lost comms raises one
//! comms alarm; its tags' alarms are suppressed, not raised). Acknowledgement by id or all at
//! once; shelving and out of service. Every transition is returned to the caller, which
//! journals it.

use hearth_alarms::{Alarm, AlarmState, Delays, Limit, LimitKind, Priority, Transition};
use hearth_model::config::{AlarmDef, AlarmKind, Config};
use hearth_model::{Quality, Sample};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An alarm that is not normal, as the Alarms page and `hearth alarms` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ActiveAlarm {
    /// `TAG.TYPE` or `DEVICE.comms_loss`.
    pub id: String,
    pub tag: Option<String>,
    pub kind: String,
    pub priority: Priority,
    /// `active_unacked`, `active_acked` or `returned_unacked`.
    pub state: String,
    pub message: String,
    pub response: Option<String>,
    /// The tag's latest value.
    pub value: Option<f64>,
    /// When it was last raised, epoch ms.
    pub since_ms: i64,
    pub shelved: bool,
    /// A timed shelve's expiry, epoch ms; None for one-shot or not shelved.
    pub shelved_until_ms: Option<i64>,
    pub suppressed: bool,
    /// Taken out of service (instrument maintenance): evaluated, never annunciated.
    pub out_of_service: bool,
}

/// Take an alarm out of service (maintenance on its instrument) or return it to service. Taking
/// it out needs a reason: it is the one way to silence an alarm with no expiry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ServiceRequest {
    pub id: String,
    pub out_of_service: bool,
    pub user: String,
    #[serde(default)]
    pub comment: String,
}

/// Shelve an alarm for a while, or until it next returns (one-shot); `minutes: null` unshelves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ShelveRequest {
    pub id: String,
    /// How long; with `one_shot`, ignored.
    pub minutes: Option<f64>,
    #[serde(default)]
    pub one_shot: bool,
    pub user: String,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AckRequest {
    /// One alarm, or every annunciated one when absent.
    pub id: Option<String>,
    pub user: String,
    #[serde(default)]
    pub comment: String,
}

pub(crate) struct AlarmTable {
    defs: Vec<AlarmDef>,
    alarms: Vec<Alarm>,
    since: Vec<i64>,
    /// Latest value per tag (deviation alarms need their setpoint's).
    last: Vec<Option<f64>>,
    /// Tag index -> alarms on that tag or using it as their setpoint.
    by_tag: Vec<Vec<usize>>,
    /// Device index -> the alarms on its tags, and its comms-loss alarm.
    by_device: Vec<Vec<usize>>,
    comms: Vec<Option<usize>>,
    /// Per device: its comms alarm stands.
    lost: Vec<bool>,
    /// Alarm -> the device of its tag.
    device_of: Vec<Option<usize>>,
    /// Alarms with `suppressed_by`: checked after every batch.
    dependents: Vec<usize>,
    /// Per alarm: explained at its last judgement, and until when it stays suppressed after
    /// the alarm that explained it cleared.
    was_explained: Vec<bool>,
    held_until: Vec<i64>,
    /// How long that is, ms.
    release_ms: i64,
    tag_names: Vec<String>,
}

fn delays(d: &AlarmDef) -> Delays {
    let ms = |x: std::time::Duration| i64::try_from(x.as_millis()).unwrap_or(i64::MAX);
    Delays {
        on_ms: ms(d.on_delay),
        off_ms: ms(d.off_delay),
        realarm_ms: d.realarm.map(ms),
    }
}

impl AlarmTable {
    pub(crate) fn new(config: &Config) -> AlarmTable {
        let defs = config.alarms.definitions.clone();
        let tags = config.tags.len();
        let mut by_tag = vec![Vec::new(); tags];
        let mut by_device = vec![Vec::new(); config.devices.len()];
        let mut comms = vec![None; config.devices.len()];
        let tag_device: Vec<usize> = config.tags.iter().map(|t| t.device).collect();
        for (i, d) in defs.iter().enumerate() {
            if let Some(t) = d.tag {
                if let Some(v) = by_tag.get_mut(t.index()) {
                    v.push(i);
                }
                if let Some(dev) = tag_device
                    .get(t.index())
                    .and_then(|d| by_device.get_mut(*d))
                {
                    dev.push(i);
                }
            }
            match d.kind {
                AlarmKind::DeviationHigh { setpoint, .. }
                | AlarmKind::DeviationLow { setpoint, .. } => {
                    if let Some(v) = by_tag.get_mut(setpoint.index()) {
                        v.push(i);
                    }
                }
                AlarmKind::CommsLoss { device } => {
                    if let Some(c) = comms.get_mut(device) {
                        *c = Some(i);
                    }
                }
                _ => {}
            }
        }
        let device_of = defs
            .iter()
            .map(|d| {
                d.tag
                    .and_then(|t| config.tags.get(t.index()))
                    .map(|t| t.device)
            })
            .collect();
        let dependents = (0..defs.len())
            .filter(|i| defs.get(*i).is_some_and(|d| !d.suppressed_by.is_empty()))
            .collect();
        AlarmTable {
            lost: vec![false; config.devices.len()],
            device_of,
            dependents,
            was_explained: vec![false; defs.len()],
            held_until: vec![i64::MIN; defs.len()],
            release_ms: i64::try_from(config.alarms.suppression_release.as_millis()).unwrap_or(0),
            alarms: defs.iter().map(|d| Alarm::new(delays(d))).collect(),
            since: vec![0; defs.len()],
            defs,
            last: vec![None; tags],
            by_tag,
            by_device,
            comms,
            tag_names: config.tags.iter().map(|t| t.name.clone()).collect(),
        }
    }

    /// The raw condition of alarm `i` now, or None when the sample says nothing about it.
    fn raw(&self, i: usize, quality: Quality) -> Option<bool> {
        let d = self.defs.get(i)?;
        let a = self.alarms.get(i)?;
        let value = d.tag.and_then(|t| *self.last.get(t.index())?);
        let limit = |kind, value: f64| Limit {
            kind,
            value,
            deadband: d.deadband,
        };
        match d.kind {
            AlarmKind::BadQuality => Some(quality.is_bad()),
            AlarmKind::CommsLoss { .. }
            | AlarmKind::Permit { .. }
            | AlarmKind::WriteReadback
            | AlarmKind::HistorianWrite => None,
            _ if quality.is_bad() => None,
            AlarmKind::Hi { limit: l } | AlarmKind::HiHi { limit: l } => {
                Some(limit(LimitKind::High, l).abnormal(value?, a.condition()))
            }
            AlarmKind::Lo { limit: l } | AlarmKind::LoLo { limit: l } => {
                Some(limit(LimitKind::Low, l).abnormal(value?, a.condition()))
            }
            AlarmKind::DeviationHigh { setpoint, by } => {
                let sp = (*self.last.get(setpoint.index())?)?;
                Some(limit(LimitKind::High, sp + by).abnormal(value?, a.condition()))
            }
            AlarmKind::DeviationLow { setpoint, by } => {
                let sp = (*self.last.get(setpoint.index())?)?;
                Some(limit(LimitKind::Low, sp - by).abnormal(value?, a.condition()))
            }
            AlarmKind::Digital { when } => Some((value? != 0.0) == when),
        }
    }

    /// Evaluate every alarm the samples touch; transitions go to `out` with the alarm's index.
    /// Alarms that others explain go last, so a fan trip in the same poll as the flame
    /// failures it causes suppresses them before they are raised.
    pub(crate) fn on_samples(&mut self, samples: &[Sample], out: &mut Vec<(usize, Transition)>) {
        // (alarm, the quality its own tag came with, when)
        let mut touched: Vec<(usize, Quality, i64)> = Vec::new();
        for s in samples {
            let t = s.tag.index();
            if !s.quality.is_bad()
                && let Some(slot) = self.last.get_mut(t)
            {
                *slot = s.value;
            }
            for &i in self.by_tag.get(t).map_or(&[][..], Vec::as_slice) {
                // A deviation alarm on its setpoint's sample is judged on its own tag's quality.
                let own = self
                    .defs
                    .get(i)
                    .and_then(|d| d.tag)
                    .is_some_and(|x| x.index() == t);
                touched.push((i, if own { s.quality } else { Quality::Good }, s.ts.0));
            }
        }
        touched.sort_by_key(|(i, _, _)| {
            self.defs
                .get(*i)
                .is_some_and(|d| !d.suppressed_by.is_empty())
        });
        let mut buf = Vec::new();
        for (i, quality, at) in touched {
            let dependent = self
                .defs
                .get(i)
                .is_some_and(|d| !d.suppressed_by.is_empty());
            // Suppress before judging (a trip and the failures it causes in one poll), release
            // only after (a restart and the recovery in one poll raise nothing).
            if dependent {
                self.resuppress(i, at, false, out);
            }
            if let Some(raw) = self.raw(i, quality)
                && let Some(a) = self.alarms.get_mut(i)
            {
                a.update(raw, at, &mut buf);
            }
            for tr in buf.drain(..) {
                self.note_raised(i, &tr);
                out.push((i, tr));
            }
            if dependent {
                self.resuppress(i, at, true, out);
            }
        }
        // An explaining alarm that cleared releases its dependents even if they saw no sample.
        let now = samples.last().map_or(0, |s| s.ts.0);
        for i in self.dependents.clone() {
            self.resuppress(i, now, true, out);
        }
    }

    fn note_raised(&mut self, i: usize, tr: &Transition) {
        if tr.to == AlarmState::ActiveUnacked
            && let Some(since) = self.since.get_mut(i)
        {
            *since = tr.at_ms;
        }
    }

    /// Suppressed by design while its device's comms alarm stands or any alarm that explains
    /// it is active.
    /// With `release` false, only ever suppresses.
    fn resuppress(
        &mut self,
        i: usize,
        now: i64,
        release: bool,
        out: &mut Vec<(usize, Transition)>,
    ) {
        let lost = self
            .device_of
            .get(i)
            .copied()
            .flatten()
            .is_some_and(|d| self.lost.get(d).copied().unwrap_or(false));
        let explained = self.defs.get(i).is_some_and(|d| {
            d.suppressed_by
                .iter()
                .any(|p| self.alarms.get(*p).is_some_and(Alarm::condition))
        });
        // Still held a while after the cause cleared: what it caused takes time to recover.
        if let Some(was) = self.was_explained.get_mut(i) {
            if *was
                && !explained
                && let Some(h) = self.held_until.get_mut(i)
            {
                *h = now.saturating_add(self.release_ms);
            }
            *was = explained;
        }
        let held = self.held_until.get(i).is_some_and(|h| now < *h);
        let suppress = lost || explained || held;
        if !suppress && !release {
            return;
        }
        let mut buf = Vec::new();
        if let Some(a) = self.alarms.get_mut(i) {
            a.set_suppressed(suppress, now, &mut buf);
        }
        for t in buf {
            self.note_raised(i, &t);
            out.push((i, t));
        }
    }

    /// A device's connection: its comms alarm follows it, and its tags' alarms are suppressed
    /// while it is lost.
    pub(crate) fn on_device(
        &mut self,
        device: usize,
        lost: bool,
        now: i64,
        out: &mut Vec<(usize, Transition)>,
    ) {
        let mut buf = Vec::new();
        if let Some(Some(c)) = self.comms.get(device).copied()
            && let Some(a) = self.alarms.get_mut(c)
        {
            a.update(lost, now, &mut buf);
            // Suppression follows the comms alarm's condition (after its on-delay).
            let suppress = a.condition();
            out.extend(buf.drain(..).map(|t| (c, t)));
            if let Some(since) = out
                .iter()
                .rev()
                .find(|(i, t)| *i == c && t.to == AlarmState::ActiveUnacked)
                .map(|(_, t)| t.at_ms)
                && let Some(s) = self.since.get_mut(c)
            {
                *s = since;
            }
            if let Some(l) = self.lost.get_mut(device) {
                *l = suppress;
            }
            for i in self.by_device.get(device).cloned().unwrap_or_default() {
                self.resuppress(i, now, true, out);
            }
        }
    }

    /// Acknowledge one alarm by id, or every annunciated one.
    pub(crate) fn ack(
        &mut self,
        id: Option<&str>,
        now: i64,
    ) -> Result<Vec<(usize, Transition)>, String> {
        let mut out = Vec::new();
        match id {
            Some(id) => {
                let i = self.index_of(id)?;
                if let Some(t) = self.alarms.get_mut(i).and_then(|a| a.ack(now)) {
                    out.push((i, t));
                }
            }
            None => {
                for (i, a) in self.alarms.iter_mut().enumerate() {
                    if a.annunciated()
                        && let Some(t) = a.ack(now)
                    {
                        out.push((i, t));
                    }
                }
            }
        }
        Ok(out)
    }

    /// A journal entry for transition `t` of alarm `i`.
    pub(crate) fn entry(
        &self,
        i: usize,
        t: &Transition,
        user: Option<&str>,
        comment: Option<&str>,
    ) -> crate::journal::JournalEntry {
        let d = self.defs.get(i);
        let word = |s: AlarmState| match s {
            AlarmState::Normal => "normal",
            AlarmState::ActiveUnacked => "active_unacked",
            AlarmState::ActiveAcked => "active_acked",
            AlarmState::ReturnedUnacked => "returned_unacked",
        };
        crate::journal::JournalEntry {
            at_ms: t.at_ms,
            alarm: self.id(i).to_owned(),
            transition: serde_json::to_value(t.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            from: word(t.from).to_owned(),
            to: word(t.to).to_owned(),
            priority: d.map_or(Priority::Low, |d| d.priority),
            value: d
                .and_then(|d| d.tag)
                .and_then(|t| *self.last.get(t.index())?),
            limit: d.and_then(|d| self.limit_of(d)),
            message: d.map(|d| d.message.clone()).unwrap_or_default(),
            user: user.map(str::to_owned),
            comment: comment.filter(|c| !c.is_empty()).map(str::to_owned),
        }
    }

    /// The limit an alarm is judged against now.
    fn limit_of(&self, d: &AlarmDef) -> Option<f64> {
        match d.kind {
            AlarmKind::Hi { limit }
            | AlarmKind::HiHi { limit }
            | AlarmKind::Lo { limit }
            | AlarmKind::LoLo { limit }
            | AlarmKind::Permit { limit, .. } => Some(limit),
            AlarmKind::DeviationHigh { setpoint, by } => {
                Some((*self.last.get(setpoint.index())?)? + by)
            }
            AlarmKind::DeviationLow { setpoint, by } => {
                Some((*self.last.get(setpoint.index())?)? - by)
            }
            _ => None,
        }
    }

    /// The permit alarms: (index, pollutant, daily).
    pub(crate) fn permits(&self) -> Vec<(usize, hearth_model::config::Pollutant, bool)> {
        self.defs
            .iter()
            .enumerate()
            .filter_map(|(i, d)| match d.kind {
                AlarmKind::Permit {
                    pollutant, daily, ..
                } => Some((i, pollutant, daily)),
                _ => None,
            })
            .collect()
    }

    /// A condition judged outside the samples (a permit average heading over its limit).
    pub(crate) fn judge(
        &mut self,
        i: usize,
        abnormal: bool,
        now: i64,
        out: &mut Vec<(usize, Transition)>,
    ) {
        let mut buf = Vec::new();
        if let Some(a) = self.alarms.get_mut(i) {
            a.update(abnormal, now, &mut buf);
        }
        for t in buf {
            self.note_raised(i, &t);
            out.push((i, t));
        }
    }

    /// Limits and messages changed at run time. The alarms themselves (ids, tags, order) are
    /// the same, so each keeps its state and is judged on its new limit from the next sample.
    pub(crate) fn retune(&mut self, defs: &[AlarmDef]) -> Result<(), String> {
        let same = defs.len() == self.defs.len()
            && defs
                .iter()
                .zip(&self.defs)
                .all(|(a, b)| a.id == b.id && a.tag == b.tag);
        if !same {
            return Err("the alarms themselves changed: a restart applies that".into());
        }
        self.defs = defs.to_vec();
        Ok(())
    }

    pub(crate) fn index(&self, id: &str) -> Option<usize> {
        self.defs.iter().position(|d| d.id == id)
    }

    fn index_of(&self, id: &str) -> Result<usize, String> {
        self.defs
            .iter()
            .position(|d| d.id == id)
            .ok_or_else(|| format!("no alarm `{id}`"))
    }

    /// The id of alarm `i`, for logs.
    pub(crate) fn id(&self, i: usize) -> &str {
        self.defs.get(i).map_or("", |d| d.id.as_str())
    }

    /// Shelve (or, with neither minutes nor one-shot, unshelve) one alarm.
    pub(crate) fn shelve(
        &mut self,
        req: &ShelveRequest,
        now: i64,
    ) -> Result<Vec<(usize, Transition)>, String> {
        let i = self.index_of(&req.id)?;
        let a = self.alarms.get_mut(i).ok_or("no such alarm")?;
        let mut out = Vec::new();
        let how = match (req.one_shot, req.minutes) {
            (true, _) => Some(hearth_alarms::Shelve::OneShot),
            (false, Some(m)) if m.is_finite() && m > 0.0 && m <= 7.0 * 24.0 * 60.0 => {
                Some(hearth_alarms::Shelve::Timed {
                    until_ms: now + (m * 60_000.0) as i64,
                })
            }
            (false, Some(m)) => return Err(format!("{m} minutes: shelve for 0 to 7 days")),
            (false, None) => None,
        };
        match how {
            Some(h) => out.push((i, a.shelve(h, now))),
            None => {
                let mut buf = Vec::new();
                a.unshelve(now, &mut buf);
                out.extend(buf.into_iter().map(|t| (i, t)));
            }
        }
        Ok(out)
    }

    /// Take one alarm out of service or return it.
    pub(crate) fn set_service(
        &mut self,
        req: &ServiceRequest,
        now: i64,
    ) -> Result<Vec<(usize, Transition)>, String> {
        let i = self.index_of(&req.id)?;
        if req.out_of_service && req.comment.trim().is_empty() {
            return Err(format!(
                "taking `{}` out of service needs a reason in the comment",
                req.id
            ));
        }
        let a = self.alarms.get_mut(i).ok_or("no such alarm")?;
        let mut buf = Vec::new();
        a.set_out_of_service(req.out_of_service, now, &mut buf);
        Ok(buf.into_iter().map(|t| (i, t)).collect())
    }

    /// Alarms not normal, plus every alarm shelved or out of service (an operator must be able
    /// to see what has been silenced, and return it); with `all`, every configured alarm (to
    /// take one out of service before its instrument's maintenance).
    pub(crate) fn active(&self, all: bool) -> Vec<ActiveAlarm> {
        let mut v: Vec<ActiveAlarm> = self
            .defs
            .iter()
            .zip(&self.alarms)
            .zip(&self.since)
            .filter(|((_, a), _)| {
                all || a.state() != AlarmState::Normal
                    || a.shelved().is_some()
                    || a.out_of_service()
            })
            .map(|((d, a), since)| ActiveAlarm {
                id: d.id.clone(),
                tag: d.tag.and_then(|t| self.tag_names.get(t.index()).cloned()),
                kind: d.kind.name().to_owned(),
                priority: d.priority,
                state: match a.state() {
                    AlarmState::ActiveUnacked => "active_unacked",
                    AlarmState::ActiveAcked => "active_acked",
                    AlarmState::ReturnedUnacked => "returned_unacked",
                    AlarmState::Normal => "normal",
                }
                .to_owned(),
                message: d.message.clone(),
                response: d.response.clone(),
                value: d.tag.and_then(|t| *self.last.get(t.index())?),
                since_ms: *since,
                shelved: a.shelved().is_some(),
                shelved_until_ms: match a.shelved() {
                    Some(hearth_alarms::Shelve::Timed { until_ms }) => Some(until_ms),
                    _ => None,
                },
                suppressed: a.suppressed(),
                out_of_service: a.out_of_service(),
            })
            .collect();
        // Highest priority first, then newest.
        v.sort_by(|a, b| {
            b.priority
                .cmp(&a.priority)
                .then(b.since_ms.cmp(&a.since_ms))
        });
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_model::{TagId, Timestamp};

    fn config() -> Config {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/plant.toml");
        Config::load(&path).unwrap_or_else(|e| panic!("default config: {e}"))
    }

    fn sample(c: &Config, tag: &str, value: f64, ts: i64) -> Sample {
        let t = c.tag_by_name(tag).map_or(TagId(0), |t| t.id);
        Sample {
            tag: t,
            ts: Timestamp(ts),
            value: Some(value),
            quality: Quality::Good,
        }
    }

    #[test]
    fn a_fan_trip_raises_its_alarm_and_an_ack_acknowledges_it() {
        let c = config();
        let mut table = AlarmTable::new(&c);
        let mut out = Vec::new();
        table.on_samples(&[sample(&c, "fan_running", 1.0, 0)], &mut out);
        assert!(table.active(false).is_empty());
        table.on_samples(&[sample(&c, "fan_running", 0.0, 1000)], &mut out);
        let active = table.active(false);
        assert_eq!(active.len(), 1, "{active:?}");
        assert_eq!(active[0].id, "fan_running.digital");
        assert_eq!(active[0].state, "active_unacked");
        assert_eq!(active[0].priority, Priority::Urgent);
        assert!(
            table
                .ack(Some("fan_running.digital"), 2000)
                .is_ok_and(|t| t.len() == 1)
        );
        assert_eq!(table.active(false)[0].state, "active_acked");
        assert!(table.ack(Some("nonesuch"), 2000).is_err());
    }

    #[test]
    fn a_deviation_alarm_follows_the_setpoint() {
        let c = config();
        let mut table = AlarmTable::new(&c);
        let mut out = Vec::new();
        table.on_samples(
            &[
                sample(&c, "zone1_sp", 1050.0, 0),
                sample(&c, "zone1_temp", 1070.0, 0),
            ],
            &mut out,
        );
        // On-delay 60 s: 30 K above for a minute raises it.
        table.on_samples(&[sample(&c, "zone1_temp", 1080.0, 1000)], &mut out);
        table.on_samples(&[sample(&c, "zone1_temp", 1080.0, 61_000)], &mut out);
        assert!(
            table
                .active(false)
                .iter()
                .any(|a| a.id == "zone1_temp.deviation_high")
        );
        // The setpoint is raised: the same temperature is now normal (after the off-delay of 0).
        table.on_samples(&[sample(&c, "zone1_sp", 1080.0, 62_000)], &mut out);
        assert!(
            table
                .active(false)
                .iter()
                .all(|a| a.id != "zone1_temp.deviation_high" || a.state == "returned_unacked")
        );
    }

    #[test]
    fn a_fan_trip_suppresses_the_flame_failures_it_causes() {
        let c = config();
        let mut table = AlarmTable::new(&c);
        let mut out = Vec::new();
        table.on_samples(
            // The flame failure first in the batch: ordering must not matter.
            &[
                sample(&c, "flame_ok_zone2", 0.0, 0),
                sample(&c, "fan_running", 0.0, 0),
            ],
            &mut out,
        );
        let shown: Vec<String> = table
            .active(false)
            .into_iter()
            .filter(|a| !a.suppressed)
            .map(|a| a.id)
            .collect();
        assert_eq!(shown, vec!["fan_running.digital".to_owned()]);
        assert!(
            !out.iter()
                .any(|(i, t)| table.id(*i) == "flame_ok_zone2.digital"
                    && t.kind == hearth_alarms::TransitionKind::Raise),
            "suppressed, not raised: {out:?}"
        );
        // The fan back and the flames with it in one poll: nothing to tell.
        let mut restart = Vec::new();
        table.on_samples(
            &[
                sample(&c, "fan_running", 1.0, 500),
                sample(&c, "flame_ok_zone2", 1.0, 500),
            ],
            &mut restart,
        );
        assert!(
            !restart
                .iter()
                .any(|(_, t)| t.kind == hearth_alarms::TransitionKind::Raise),
            "a restart raised: {restart:?}"
        );
        table.on_samples(
            &[
                sample(&c, "fan_running", 0.0, 700),
                sample(&c, "flame_ok_zone2", 0.0, 700),
            ],
            &mut out,
        );
        // The fan back, the flame still out: the burners get the release time to relight...
        table.on_samples(&[sample(&c, "fan_running", 1.0, 1000)], &mut out);
        let flame = |t: &AlarmTable| {
            t.active(false)
                .into_iter()
                .find(|a| a.id == "flame_ok_zone2.digital")
        };
        // Suppressed and never raised: not listed.
        assert!(flame(&table).is_none(), "{:?}", flame(&table));
        let release = i64::try_from(c.alarms.suppression_release.as_millis()).unwrap_or(0);
        table.on_samples(
            &[sample(&c, "fan_running", 1.0, 1000 + release - 1)],
            &mut out,
        );
        assert!(flame(&table).is_none(), "{:?}", flame(&table));
        // ...and a flame still out after it is the news.
        table.on_samples(&[sample(&c, "fan_running", 1.0, 1000 + release)], &mut out);
        assert!(
            flame(&table).is_some_and(|a| !a.suppressed && a.state == "active_unacked"),
            "{:?}",
            flame(&table)
        );
    }

    #[test]
    fn burners_relit_within_the_release_time_raise_nothing() {
        let c = config();
        assert!(
            c.alarms.suppression_release.as_secs() >= 5,
            "the default gives time to relight"
        );
        let mut table = AlarmTable::new(&c);
        let mut out = Vec::new();
        table.on_samples(
            &[
                sample(&c, "fan_running", 0.0, 0),
                sample(&c, "flame_ok_zone1", 0.0, 0),
            ],
            &mut out,
        );
        table.on_samples(&[sample(&c, "fan_running", 1.0, 10_000)], &mut out);
        // The flame comes back 3 s after the fan, then time passes.
        table.on_samples(&[sample(&c, "flame_ok_zone1", 1.0, 13_000)], &mut out);
        table.on_samples(&[sample(&c, "fan_running", 1.0, 100_000)], &mut out);
        assert!(
            !out.iter()
                .any(|(i, t)| table.id(*i) == "flame_ok_zone1.digital"
                    && t.kind == hearth_alarms::TransitionKind::Raise),
            "{out:?}"
        );
    }

    #[test]
    fn comms_loss_raises_one_alarm_and_suppresses_the_devices_alarms() {
        let c = config();
        let mut table = AlarmTable::new(&c);
        let mut out = Vec::new();
        table.on_device(0, true, 0, &mut out);
        table.on_device(0, true, 5_000, &mut out);
        let active = table.active(false);
        assert_eq!(active.len(), 1, "{active:?}");
        assert_eq!(active[0].id, "furnace.comms_loss");
        // While lost, a fan reading of 0 (say, the last one before the drop) raises nothing.
        table.on_samples(&[sample(&c, "fan_running", 0.0, 6_000)], &mut out);
        assert_eq!(table.active(false).len(), 1);
        // Back: the comms alarm returns, and the fan alarm, still true, is raised then.
        table.on_device(0, false, 7_000, &mut out);
        let ids: Vec<_> = table
            .active(false)
            .into_iter()
            .map(|a| (a.id, a.state))
            .collect();
        assert!(
            ids.contains(&("furnace.comms_loss".into(), "returned_unacked".into())),
            "{ids:?}"
        );
        assert!(
            ids.contains(&("fan_running.digital".into(), "active_unacked".into())),
            "{ids:?}"
        );
    }
}
