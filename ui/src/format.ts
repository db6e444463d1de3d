// Number, age, time and quality formatting: pure functions, unit-tested.
import type { Quality } from "./bindings";

export type QualityClass = "good" | "uncertain" | "bad";

export function qualityClass(q: Quality): QualityClass {
  if (q === "Good") return "good";
  if (q.startsWith("Uncertain_")) return "uncertain";
  return "bad";
}

const numberFormats = new Map<string, Intl.NumberFormat>();

export function formatValue(value: number | null | undefined, decimals: number, locale: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const key = `${locale}|${decimals}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    numberFormats.set(key, f);
  }
  return f.format(value);
}

/** "4 s", "3 min", "2 h", "5 d": how old a reading is. */
export function formatAge(fromMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - fromMs) / 1000));
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} d`;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** Plant-local wall time, always "2026-11-28 18:42:07" (unambiguous in every language). */
export function formatPlantTime(ms: number, timeZone: string): string {
  const key = timeZone;
  let f = timeFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hour12: false,
    });
    timeFormats.set(key, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(ms))) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour === "24" ? "00" : p.hour}:${p.minute}:${p.second}`;
}

export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/** Unit symbols as shown (the config spells them in ASCII). */
export function unitSymbol(unit: string): string {
  switch (unit) {
    case "degC":
      return "°C";
    case "Nm3/h":
      return "Nm³/h";
    case "Nm3":
      return "Nm³";
    case "mg/Nm3":
      return "mg/Nm³";
    case "bool":
    case "count":
    case "mode":
    case "ratio":
      return "";
    default:
      return unit;
  }
}

/** "812 KB", "3.4 GB": sizes in decimal units, as file managers show them. */
export function formatBytes(bytes: number, locale: string): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = Math.max(0, bytes);
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${formatValue(v, i === 0 || v >= 100 ? 0 : 1, locale)} ${units[i]}`;
}

/** Offset of `timeZone` from UTC at instant `ms`, in ms (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const s = formatPlantTime(ms, timeZone);
  const asUtc = Date.parse(`${s.replace(" ", "T")}Z`);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** "2026-11-28T08:00" (a datetime-local input) read as plant time; null if it is not a time.
 * In a DST gap the instant an hour later is used; in the repeated hour, the first. */
export function plantLocalToUtc(local: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m) return null;
  const naive = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  if (!Number.isFinite(naive)) return null;
  // The offset before and after the guess: the first that maps back to the same wall time wins.
  for (const probe of [naive - 86_400_000, naive + 86_400_000]) {
    const guess = naive - zoneOffsetMs(probe, timeZone);
    if (naive - zoneOffsetMs(guess, timeZone) === guess) return guess;
  }
  return naive - zoneOffsetMs(naive, timeZone);
}

/** An instant as a datetime-local input value in plant time ("2026-11-28T08:00"). */
export function utcToPlantLocal(ms: number, timeZone: string): string {
  return formatPlantTime(ms, timeZone).replace(" ", "T").slice(0, 16);
}
