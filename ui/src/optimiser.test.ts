import { describe, expect, it } from "vitest";
import type { DeltaView, MoveView } from "./bindings";
import { errorPct, formatChange, linePath, rangeOf, writeLink } from "./optimiser";

describe("optimiser page", () => {
  it("draws a line through finite points and lifts the pen over gaps", () => {
    const d = linePath([0, 1, 2, 3], [0, 10, Number.NaN, 10], 30, 10, 0, 10);
    expect(d).toBe("M0.0,10.0L10.0,0.0M30.0,0.0");
  });

  it("pads the range of every finite value", () => {
    expect(rangeOf([[1, 5], [Number.NaN, 3]], 1)).toEqual([0, 6]);
    expect(rangeOf([[Number.NaN]], 1)).toEqual([0, 1]);
  });

  it("writes a change with its sign and band", () => {
    const d: DeltaView = { current: 100, suggested: 90, change: -10, band: 2 };
    expect(formatChange(d, 0)).toBe("−10 ± 2");
    expect(formatChange({ ...d, change: 3, band: 0 }, 1)).toBe("+3.0");
  });

  it("hands a suggested setpoint to the write path with its suggestion", () => {
    const m: MoveView = {
      name: "preheat",
      tag: "zone1_sp",
      unit: "C",
      from: 1050,
      to: 1030.004,
      driven_by: "fuel",
      gains: [],
      limited_by: null,
    };
    expect(writeLink(m, "42")).toBe("#setpoints?tag=zone1_sp&value=1030&suggestion=42");
    expect(writeLink({ ...m, tag: null }, "42")).toBeNull();
  });

  it("hands the way back to the write path without a suggestion", () => {
    const m: MoveView = {
      name: "O2",
      tag: "o2_sp",
      unit: "%",
      from: 2.4,
      to: 2.8,
      driven_by: null,
      gains: [],
      limited_by: null,
    };
    expect(writeLink(m, null)).toBe("#setpoints?tag=o2_sp&value=2.8&wayback=1");
  });

  it("measures realised against predicted", () => {
    expect(errorPct(100, 103)).toBeCloseTo(3);
    expect(errorPct(100, null)).toBeNull();
  });
});
