import { describe, expect, it } from "vitest";
import type { Average, DayAverage, MonthReport, Validity } from "./bindings";
import { type DayState, dayClass, monthGrid, shiftMonth } from "./emissions";

const state = (more: Partial<DayState> = {}): DayState => ({
  pollutant: "nox",
  value: 150,
  validity: "valid",
  exceeded: false,
  heading: false,
  ...more,
});

function month(labels: string[], validity: Validity = "valid"): MonthReport {
  const average: Average = { start_ms: 0, end_ms: 1, value: 1, validity, counted: 24, expected: 24, excluded: 0, invalid: 0 };
  const days: DayAverage[] = labels.map((label) => ({
    period: { kind: "day", start_ms: 0, end_ms: 1, label, utc_offset: "+08:00" },
    average,
    standing: null,
  }));
  return {
    pollutants: [{ pollutant: "nox", tag: "nox_ref", days, limit: null, mean_of_valid_days: null, valid_days: 0, invalid_days: 0, excluded_days: 0, exceeded_days: 0, invalid_hours: 0, excluded_hours: 0 }],
  } as unknown as MonthReport;
}

describe("emissions page logic", () => {
  it("moves between months across years", () => {
    expect(shiftMonth("2026-11", 1)).toBe("2026-12");
    expect(shiftMonth("2026-12", 1)).toBe("2027-01");
    expect(shiftMonth("2026-01", -1)).toBe("2025-12");
  });

  it("lays a month out Monday first", () => {
    // 1 November 2026 is a Sunday: six blanks before it.
    const labels = Array.from({ length: 30 }, (_, i) => `2026-11-${String(i + 1).padStart(2, "0")}`);
    const weeks = monthGrid(month(labels));
    expect(weeks[0]?.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(weeks[0]?.[6]?.date).toBe("2026-11-01");
    expect(weeks.every((w) => w.length === 7)).toBe(true);
    expect(weeks.flat().filter(Boolean)).toHaveLength(30);
  });

  it("colours a day by its worst pollutant", () => {
    expect(dayClass([state(), state()])).toBe("ok");
    expect(dayClass([state(), state({ exceeded: true })])).toBe("over");
    expect(dayClass([state({ validity: "invalid" }), state({ heading: true, validity: "open" })])).toBe("heading");
    expect(dayClass([state({ validity: "invalid" })])).toBe("invalid");
    expect(dayClass([state({ validity: "excluded" })])).toBe("excluded");
    expect(dayClass([state({ validity: "open" })])).toBe("open");
  });
});
