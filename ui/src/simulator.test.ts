import { describe, expect, it } from "vitest";
import type { ScenarioEvent } from "./bindings";
import { eventUnit, timelineMarks } from "./simulator";

const ev = (at_min: number, done: boolean): ScenarioEvent => ({
  at_min,
  action: "pace",
  value: 200,
  zone: null,
  fault: null,
  done,
});

describe("scenario timeline", () => {
  it("spans to the last event while the scenario runs", () => {
    const m = timelineMarks([ev(0, true), ev(30, true), ev(120, false)], 60);
    expect(m.events.map((e) => e.pos)).toEqual([0, 0.25, 1]);
    expect(m.now).toBe(0.5);
    expect(m.events.map((e) => e.done)).toEqual([true, true, false]);
  });

  it("stretches to now once every event is past", () => {
    const m = timelineMarks([ev(0, true), ev(50, true)], 200);
    expect(m.events.map((e) => e.pos)).toEqual([0, 0.25]);
    expect(m.now).toBe(1);
  });

  it("copes with a scenario of one event at zero", () => {
    const m = timelineMarks([ev(0, false)], 0);
    expect(m.events[0]?.pos).toBe(0);
    expect(m.now).toBe(0);
  });
});

describe("event units", () => {
  it("names the unit of each action's number", () => {
    expect(eventUnit("pace")).toBe("t/h");
    expect(eventUnit("zone_setpoint")).toBe("°C");
    expect(eventUnit("mill_delay")).toBe("min");
    expect(eventUnit("start_fault")).toBe("");
  });
});
