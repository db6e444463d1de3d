// The header's alarm summary, free of the DOM: which alarm the banner shows and the counts by
// priority, from the engine's list of alarms (not normal, shelved or out of service).
import type { ActiveAlarm, Priority } from "./bindings";

export const PRIORITIES: Priority[] = ["urgent", "high", "medium", "low"];

export interface AlarmSummary {
  /** The highest-priority unacknowledged alarm shown to the operator, newest first on a tie. */
  top: ActiveAlarm | null;
  /** Unacknowledged, shown alarms per priority. */
  counts: Record<Priority, number>;
}

const rank = (p: Priority) => PRIORITIES.indexOf(p);

export function summarise(alarms: readonly ActiveAlarm[]): AlarmSummary {
  const counts: Record<Priority, number> = { urgent: 0, high: 0, medium: 0, low: 0 };
  let top: ActiveAlarm | null = null;
  for (const a of alarms) {
    // Silenced alarms, and those normal but listed because shelved or out of service, are not news.
    if (a.suppressed || a.shelved || a.out_of_service || a.state === "active_acked" || a.state === "normal") continue;
    counts[a.priority]++;
    if (!top || rank(a.priority) < rank(top.priority) || (a.priority === top.priority && a.since_ms > top.since_ms)) {
      top = a;
    }
  }
  return { top, counts };
}
