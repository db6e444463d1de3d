import { describe, expect, it } from "vitest";
import {
  formatAge,
  formatBytes,
  formatPlantTime,
  formatValue,
  plantLocalToUtc,
  qualityClass,
  unitSymbol,
  utcToPlantLocal,
} from "./format";
import { usableLanguage } from "./locale-shim";

describe("format", () => {
  it("classifies every quality the engine sends", () => {
    expect(qualityClass("Good")).toBe("good");
    expect(qualityClass("Uncertain_Stale")).toBe("uncertain");
    expect(qualityClass("Uncertain_EngineeringRange")).toBe("uncertain");
    expect(qualityClass("Bad_NoCommunication")).toBe("bad");
    expect(qualityClass("Bad_DeviceException(2)")).toBe("bad");
  });

  it("formats numbers per locale with the tag's decimals", () => {
    expect(formatValue(129496.75, 0, "en")).toBe("129,497");
    expect(formatValue(1049.56, 1, "en")).toBe("1,049.6");
    expect(formatValue(null, 1, "en")).toBe("—");
    expect(formatValue(Number.NaN, 1, "en")).toBe("—");
  });

  it("says how old a reading is in the largest sensible unit", () => {
    expect(formatAge(0, 4_000)).toBe("4 s");
    expect(formatAge(0, 180_000)).toBe("3 min");
    expect(formatAge(0, 3 * 3_600_000)).toBe("3 h");
    expect(formatAge(0, 3 * 86_400_000)).toBe("3 d");
    expect(formatAge(10_000, 0)).toBe("0 s");
  });

  it("shows times in the plant's zone, not the viewer's", () => {
    // 2026-11-28T10:00:00Z is 18:00 in Shanghai (UTC+8, no DST).
    const ms = Date.UTC(2026, 10, 28, 10, 0, 0);
    expect(formatPlantTime(ms, "Asia/Shanghai")).toBe("2026-11-28 18:00:00");
    expect(formatPlantTime(ms, "Europe/Berlin")).toBe("2026-11-28 11:00:00");
    // Midnight is 00, never 24.
    expect(formatPlantTime(Date.UTC(2026, 10, 28, 16, 0, 5), "Asia/Shanghai")).toBe("2026-11-29 00:00:05");
  });

  it("shows unit symbols", () => {
    expect(unitSymbol("degC")).toBe("°C");
    expect(unitSymbol("Nm3/h")).toBe("Nm³/h");
    expect(unitSymbol("%")).toBe("%");
  });
});

describe("browser language", () => {
  it("keeps a valid tag and replaces LANG=C's", () => {
    expect(usableLanguage("zh-CN")).toBe("zh-CN");
    expect(usableLanguage("C")).toBe("en-US");
  });
});

describe("formatBytes", () => {
  it("uses decimal units with a decimal below 100", () => {
    expect(formatBytes(0, "en")).toBe("0 B");
    expect(formatBytes(999, "en")).toBe("999 B");
    expect(formatBytes(1_500, "en")).toBe("1.5 KB");
    expect(formatBytes(250_000_000, "en")).toBe("250 MB");
    expect(formatBytes(3_400_000_000, "en")).toBe("3.4 GB");
  });
});

describe("plant-local times", () => {
  it("reads a datetime-local value in the plant's zone", () => {
    expect(plantLocalToUtc("2026-11-28T08:00", "Asia/Shanghai")).toBe(Date.parse("2026-11-28T00:00:00Z"));
    expect(plantLocalToUtc("2026-07-01 12:30", "Europe/Berlin")).toBe(Date.parse("2026-07-01T10:30:00Z"));
    expect(plantLocalToUtc("2026-01-15T12:30", "Europe/Berlin")).toBe(Date.parse("2026-01-15T11:30:00Z"));
    expect(plantLocalToUtc("yesterday", "Asia/Shanghai")).toBeNull();
  });

  it("takes the first of a repeated hour when clocks go back", () => {
    // Europe/Berlin 2026-10-25: 02:30 happens twice, first at 00:30Z (CEST).
    expect(plantLocalToUtc("2026-10-25T02:30", "Europe/Berlin")).toBe(Date.parse("2026-10-25T00:30:00Z"));
  });

  it("round-trips through the input format", () => {
    const ms = Date.parse("2026-03-29T05:15:00Z");
    expect(plantLocalToUtc(utcToPlantLocal(ms, "Europe/Berlin"), "Europe/Berlin")).toBe(ms);
    expect(utcToPlantLocal(Date.parse("2026-11-28T00:00:00Z"), "Asia/Shanghai")).toBe("2026-11-28T08:00");
  });
});
