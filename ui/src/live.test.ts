import { describe, expect, it } from "vitest";
import type { LiveBatch, TagValue } from "./bindings";
import { FrameBatcher, mergeBatches } from "./live";

const tag = (name: string, value: number): TagValue => ({
  name,
  device: "furnace",
  value,
  unit: "degC",
  quality: "Good",
  ts: null,
  ts_ms: null,
  last_good_value: value,
  last_good_ms: null,
});

describe("live batching", () => {
  it("keeps the newest value of each tag", () => {
    const a: LiveBatch = {
      now_ms: 1,
      devices: [],
      tags: [tag("z1", 1), tag("z2", 2)],
      historian_error: null,
      alarms_version: 0,
      clock_skew_ms: 0,
    };
    const b: LiveBatch = { now_ms: 2, devices: [], tags: [tag("z1", 10)], historian_error: null, alarms_version: 3, clock_skew_ms: 0 };
    const m = mergeBatches([a, b]);
    expect(m.now_ms).toBe(2);
    expect(m.tags.get("z1")?.value).toBe(10);
    expect(m.tags.get("z2")?.value).toBe(2);
    expect(m.alarms_version).toBe(3);
  });

  it("follows the newest batch on whether history is being written", () => {
    const full: LiveBatch = { now_ms: 1, devices: [], tags: [], historian_error: "disk full", alarms_version: 0, clock_skew_ms: 0 };
    const ok: LiveBatch = { now_ms: 2, devices: [], tags: [], historian_error: null, alarms_version: 0, clock_skew_ms: 0 };
    expect(mergeBatches([ok, full]).historian_error).toBe("disk full");
    expect(mergeBatches([full, ok]).historian_error).toBeNull();
  });

  it("applies everything pushed within one frame in a single call", () => {
    const frames: (() => void)[] = [];
    const applied: number[][] = [];
    const b = new FrameBatcher<number>((items) => applied.push(items), (cb) => frames.push(cb));
    b.push(1);
    b.push(2);
    b.push(3);
    expect(frames.length).toBe(1);
    expect(applied.length).toBe(0);
    frames[0]!();
    expect(applied).toEqual([[1, 2, 3]]);
    b.push(4);
    expect(frames.length).toBe(2);
    frames[1]!();
    expect(applied).toEqual([[1, 2, 3], [4]]);
  });
});
