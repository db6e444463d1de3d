// Live state: batches arrive from the engine at any rate and are applied once per animation
// frame, so hundreds of values never cost more than one render per frame.
import type { DeviceStatus, LiveBatch, TagValue } from "./bindings";

export interface Merged {
  now_ms: number;
  tags: Map<string, TagValue>;
  devices: Map<string, DeviceStatus>;
  /** The newest batch's word on the historian: null while it writes. */
  historian_error: string | null;
  /** The newest batch's alarm-list version: a change means ask for the alarms again. */
  alarms_version: number;
  /** The newest batch's clock skew (ms the stamps run ahead of a clock set back). */
  clock_skew_ms: number;
}

/** Collapse queued batches: the newest value of each tag and device wins. */
export function mergeBatches(batches: readonly LiveBatch[]): Merged {
  const out: Merged = { now_ms: 0, tags: new Map(), devices: new Map(), historian_error: null, alarms_version: 0, clock_skew_ms: 0 };
  for (const b of batches) {
    out.now_ms = Math.max(out.now_ms, b.now_ms);
    out.historian_error = b.historian_error;
    out.alarms_version = b.alarms_version;
    out.clock_skew_ms = b.clock_skew_ms;
    for (const t of b.tags) out.tags.set(t.name, t);
    for (const d of b.devices) out.devices.set(d.name, d);
  }
  return out;
}

export type Scheduler = (cb: () => void) => void;

/** Queues items and hands them over in one call per scheduled frame. */
export class FrameBatcher<T> {
  private queue: T[] = [];
  private scheduled = false;

  constructor(
    private readonly apply: (items: T[]) => void,
    private readonly schedule: Scheduler = (cb) => requestAnimationFrame(() => cb()),
  ) {}

  push(item: T): void {
    this.queue.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      const items = this.queue;
      this.queue = [];
      if (items.length > 0) this.apply(items);
    });
  }
}
