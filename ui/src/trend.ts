// The Trends page's logic, free of the DOM so it is unit-tested: time windows, presets, and
// turning history answers into the column arrays uPlot draws (gaps stay gaps, never joined).
import type { History, TagInfo } from "./bindings";

export interface Window {
  from: number;
  to: number;
}

export const PRESETS = [
  { key: "15m", ms: 15 * 60_000 },
  { key: "1h", ms: 3_600_000 },
  { key: "8h", ms: 8 * 3_600_000 },
  { key: "24h", ms: 24 * 3_600_000 },
  { key: "7d", ms: 7 * 86_400_000 },
  { key: "30d", ms: 30 * 86_400_000 },
  { key: "1y", ms: 365 * 86_400_000 },
] as const;

export type PresetKey = (typeof PRESETS)[number]["key"];

/** The window of a preset ending now. */
export function presetWindow(key: PresetKey, now: number): Window {
  const p = PRESETS.find((x) => x.key === key) ?? PRESETS[1];
  return { from: now - p.ms, to: now };
}

/** Move a window by a fraction of its width (negative: back in time). */
export function pan(w: Window, fraction: number): Window {
  const d = Math.round((w.to - w.from) * fraction);
  return { from: w.from + d, to: w.to + d };
}

/** Widen (factor > 1) or narrow a window about its middle. */
export function zoom(w: Window, factor: number): Window {
  const mid = (w.from + w.to) / 2;
  const half = Math.max(1000, ((w.to - w.from) * factor) / 2);
  return { from: Math.round(mid - half), to: Math.round(mid + half) };
}

export type Column = (number | null)[];

export interface PlotData {
  /** Bucket starts, in seconds (uPlot's time axis). */
  xs: number[];
  /** Per tag, in the order asked: mean, min and max per bucket, null where nothing was recorded. */
  pens: { tag: string; mean: Column; min: Column; max: Column }[];
}

/** Columns for uPlot from one history answer per tag (all over the same window and buckets). */
export function plotData(histories: readonly History[]): PlotData {
  const first = histories[0];
  if (!first) return { xs: [], pens: [] };
  const xs = first.buckets.map((b) => b.start_ms / 1000);
  const pens = histories.map((h) => ({
    tag: h.tag,
    mean: h.buckets.map((b) => b.mean),
    min: h.buckets.map((b) => b.min),
    max: h.buckets.map((b) => b.max),
  }));
  return { xs, pens };
}

/** One y scale per unit, in the order units first appear; the first on the left. */
export function unitScales(tags: readonly string[], info: Record<string, TagInfo>): string[] {
  const units: string[] = [];
  for (const t of tags) {
    const u = info[t]?.unit || "-";
    if (!units.includes(u)) units.push(u);
  }
  return units;
}

/** Tags whose name or description contains every word of the query, best (name) matches first. */
export function searchTags(query: string, tags: readonly TagInfo[], limit = 12): TagInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const hits = tags.filter((t) => {
    const text = `${t.name} ${t.description}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
  const byName = (t: TagInfo) => (words.every((w) => t.name.toLowerCase().includes(w)) ? 0 : 1);
  return hits.sort((a, b) => byName(a) - byName(b) || a.name.localeCompare(b.name)).slice(0, limit);
}

/**
 * SVG paths of a sparkline: the mean as a line broken at gaps, and the min/max envelope as one
 * closed shape per unbroken run. `null` when nothing was recorded.
 */
export function sparkPaths(
  buckets: readonly { min: number | null; max: number | null; mean: number | null }[],
  width: number,
  height: number,
): { line: string; band: string } | null {
  const lows = buckets.map((b) => b.min ?? b.mean).filter((v): v is number => v !== null);
  const highs = buckets.map((b) => b.max ?? b.mean).filter((v): v is number => v !== null);
  if (lows.length === 0 || highs.length === 0) return null;
  const lo = Math.min(...lows);
  const hi = Math.max(...highs);
  const span = hi - lo || 1;
  const n = Math.max(1, buckets.length - 1);
  const x = (i: number) => ((i / n) * width).toFixed(1);
  const y = (v: number) => (height - 1 - ((v - lo) / span) * (height - 2)).toFixed(1);
  let line = "";
  let band = "";
  let run: { i: number; min: number; max: number }[] = [];
  const flush = () => {
    if (run.length > 0) {
      band += `M${run.map((r) => `${x(r.i)},${y(r.max)}`).join("L")}`;
      band += `L${[...run].reverse().map((r) => `${x(r.i)},${y(r.min)}`).join("L")}Z`;
    }
    run = [];
  };
  let pen = false;
  buckets.forEach((b, i) => {
    if (b.mean === null) {
      pen = false;
      flush();
      return;
    }
    line += `${pen ? "L" : "M"}${x(i)},${y(b.mean)}`;
    pen = true;
    run.push({ i, min: b.min ?? b.mean, max: b.max ?? b.mean });
  });
  flush();
  return { line, band };
}

/** Zoom by `factor` (< 1 narrows) keeping the instant under the cursor (`at`, 0..1) in place. */
export function zoomAt(w: Window, factor: number, at: number): Window {
  const span = w.to - w.from;
  const next = Math.max(10_000, Math.min(5 * 365 * 86_400_000, span * factor));
  const anchor = w.from + span * Math.min(1, Math.max(0, at));
  const from = Math.round(anchor - (anchor - w.from) * (next / span));
  return { from, to: from + Math.round(next) };
}

/** What to load for a window: a width either side too, so a pan shows data at once. */
export function loadWindow(w: Window): Window {
  const span = w.to - w.from;
  return { from: w.from - span, to: w.to + span };
}

/** A trend as saved by the engineer: the tags and either a preset (following now) or a range. */
export interface SavedView {
  name: string;
  tags: string[];
  preset: PresetKey | null;
  from: number;
  to: number;
}

const VIEWS_KEY = "hearth.trendViews";

function isView(v: unknown): v is SavedView {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.name === "string" &&
    Array.isArray(o.tags) &&
    o.tags.every((t) => typeof t === "string") &&
    (o.preset === null || PRESETS.some((p) => p.key === o.preset)) &&
    typeof o.from === "number" &&
    typeof o.to === "number" &&
    o.from < o.to
  );
}

/** Saved views from storage; anything damaged or from another version is skipped, not fatal. */
export function loadViews(storage: Pick<Storage, "getItem">): SavedView[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(VIEWS_KEY) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter(isView) : [];
  } catch {
    return [];
  }
}

/** Save `view`, replacing one of the same name; returns the list as stored, sorted by name. */
export function saveView(storage: Pick<Storage, "getItem" | "setItem">, view: SavedView): SavedView[] {
  const views = loadViews(storage).filter((v) => v.name !== view.name);
  views.push(view);
  views.sort((a, b) => a.name.localeCompare(b.name));
  storage.setItem(VIEWS_KEY, JSON.stringify(views));
  return views;
}

export function deleteView(storage: Pick<Storage, "getItem" | "setItem">, name: string): SavedView[] {
  const views = loadViews(storage).filter((v) => v.name !== name);
  storage.setItem(VIEWS_KEY, JSON.stringify(views));
  return views;
}

/** How far a streamed CSV export has got (0..1), from the newest time in the text received. */
export function exportProgress(chunk: string, from: number, to: number): number | null {
  // Rows start with an RFC 3339 time; the last complete one tells where the export is.
  const matches = chunk.match(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))/gm);
  const last = matches?.[matches.length - 1];
  if (!last) return null;
  const t = Date.parse(last);
  if (!Number.isFinite(t) || to <= from) return null;
  return Math.min(1, Math.max(0, (t - from) / (to - from)));
}
