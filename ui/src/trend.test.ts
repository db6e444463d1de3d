import { describe, expect, it } from "vitest";
import type { History, HistoryBucket, TagInfo } from "./bindings";
import {
  deleteView,
  exportProgress,
  loadViews,
  loadWindow,
  pan,
  plotData,
  presetWindow,
  saveView,
  searchTags,
  sparkPaths,
  unitScales,
  zoom,
  zoomAt,
} from "./trend";

function tag(name: string, unit: string, description = ""): TagInfo {
  return { name, device: "furnace", unit, description, poll_group: "fast", range: null, decimals: 1, derived: false };
}

function bucket(start_ms: number, v: number | null, good = 1): HistoryBucket {
  return { start_ms, min: v, max: v, mean: v, first: v, last: v, good, other: 0 };
}

function history(tag: string, buckets: HistoryBucket[]): History {
  return { tag, from_ms: 0, to_ms: 3000, bucket_ms: 1000, source: "raw", buckets };
}

describe("trend windows", () => {
  it("a preset ends now and spans its length", () => {
    expect(presetWindow("1h", 10_000_000)).toEqual({ from: 6_400_000, to: 10_000_000 });
    expect(presetWindow("7d", 1e12).to - presetWindow("7d", 1e12).from).toBe(7 * 86_400_000);
  });

  it("pans by a fraction of the width and zooms about the middle", () => {
    expect(pan({ from: 1000, to: 3000 }, -0.5)).toEqual({ from: 0, to: 2000 });
    expect(zoom({ from: 10_000, to: 20_000 }, 2)).toEqual({ from: 5000, to: 25_000 });
    // Never narrower than a second.
    expect(zoom({ from: 10_000, to: 10_010 }, 0.1)).toEqual({ from: 9005, to: 11_005 });
  });
});

describe("plot data", () => {
  it("keeps gaps as nulls and puts bucket starts in seconds", () => {
    const d = plotData([
      history("a", [bucket(0, 1), bucket(1000, null, 0), bucket(2000, 3)]),
      history("b", [bucket(0, 7), bucket(1000, 8), bucket(2000, 9)]),
    ]);
    expect(d.xs).toEqual([0, 1, 2]);
    expect(d.pens.map((p) => p.tag)).toEqual(["a", "b"]);
    expect(d.pens[0]?.mean).toEqual([1, null, 3]);
    expect(d.pens[1]?.max).toEqual([7, 8, 9]);
  });

  it("is empty without pens", () => {
    expect(plotData([])).toEqual({ xs: [], pens: [] });
  });
});

describe("tags", () => {
  const tags = [
    tag("zone1_temp", "degC", "Preheat zone gas temperature"),
    tag("zone1_sp", "degC", "Preheat zone setpoint"),
    tag("o2", "%", "Flue gas oxygen"),
    tag("air_flow", "Nm3/h", "Combustion air flow"),
  ];
  const info = Object.fromEntries(tags.map((t) => [t.name, t]));

  it("gives one scale per unit in order of appearance", () => {
    expect(unitScales(["zone1_temp", "o2", "zone1_sp", "air_flow"], info)).toEqual(["degC", "%", "Nm3/h"]);
  });

  it("searches names and descriptions, names first", () => {
    expect(searchTags("zone1", tags).map((t) => t.name)).toEqual(["zone1_sp", "zone1_temp"]);
    expect(searchTags("oxygen", tags).map((t) => t.name)).toEqual(["o2"]);
    expect(searchTags("preheat setpoint", tags).map((t) => t.name)).toEqual(["zone1_sp"]);
    expect(searchTags("  ", tags)).toEqual([]);
  });
});

describe("sparklines", () => {
  const b = (mean: number | null, min = mean, max = mean) => ({ mean, min, max });

  it("scales the envelope to the box and breaks the line at gaps", () => {
    const p = sparkPaths([b(0, 0, 0), b(5, 0, 10), b(null), b(10, 10, 10)], 30, 12);
    expect(p?.line).toBe("M0.0,11.0L10.0,6.0M30.0,1.0");
    // Two runs, two closed shapes.
    expect(p?.band.split("Z").filter(Boolean).length).toBe(2);
    expect(p?.band.startsWith("M0.0,11.0L10.0,1.0L10.0,11.0")).toBe(true);
  });

  it("draws nothing without data", () => {
    expect(sparkPaths([b(null), b(null)], 30, 12)).toBeNull();
  });
});

describe("mouse zoom and saved views", () => {
  it("zooms about the cursor", () => {
    const w = { from: 0, to: 100_000 };
    expect(zoomAt(w, 0.5, 0.5)).toEqual({ from: 25_000, to: 75_000 });
    expect(zoomAt(w, 0.5, 0)).toEqual({ from: 0, to: 50_000 });
    expect(zoomAt(w, 2, 1)).toEqual({ from: -100_000, to: 100_000 });
  });

  it("never zooms below ten seconds", () => {
    const z = zoomAt({ from: 0, to: 20_000 }, 0.01, 0.5);
    expect(z.to - z.from).toBe(10_000);
  });

  it("loads a window's width either side", () => {
    expect(loadWindow({ from: 100, to: 200 })).toEqual({ from: 0, to: 300 });
  });

  it("saves, replaces by name, and deletes views; damaged storage is skipped", () => {
    const mem = new Map<string, string>();
    const storage = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) };
    const a = { name: "zones", tags: ["zone1_temp"], preset: "1h" as const, from: 0, to: 1 };
    saveView(storage, a);
    saveView(storage, { ...a, name: "air", tags: ["air_flow"] });
    const replaced = saveView(storage, { ...a, tags: ["zone2_temp"] });
    expect(replaced.map((v) => v.name)).toEqual(["air", "zones"]);
    expect(loadViews(storage).find((v) => v.name === "zones")?.tags).toEqual(["zone2_temp"]);
    expect(deleteView(storage, "air").map((v) => v.name)).toEqual(["zones"]);
    mem.set("hearth.trendViews", '[{"name":1},{"name":"ok","tags":[],"preset":null,"from":5,"to":1}]');
    expect(loadViews(storage)).toEqual([]);
    mem.set("hearth.trendViews", "not json");
    expect(loadViews(storage)).toEqual([]);
  });

  it("reads export progress from the newest row time", () => {
    const from = Date.parse("2026-11-28T00:00:00Z");
    const to = from + 4 * 3_600_000;
    const csv = "time,zone1_temp\n2026-11-28T00:00:00Z,1\n2026-11-28T01:00:00.000Z,2\n2026-11-28T02:00:00Z,3\n";
    expect(exportProgress(csv, from, to)).toBe(0.5);
    expect(exportProgress("time,zone1_temp\n", from, to)).toBeNull();
  });
});
