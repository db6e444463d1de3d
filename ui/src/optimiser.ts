// The optimiser page's pure parts: chart paths, how a predicted change is written, the link that
// hands a suggested setpoint to the write path, and a suggestion's realised-against-predicted.
import type { DeltaView, MoveView, OutcomeView, SuggestionView } from "./bindings";

/** An SVG path through `ys` over `xs`, scaled into `w` x `h` with the given y range (top = hi). */
export function linePath(xs: number[], ys: number[], w: number, h: number, lo: number, hi: number): string {
  const x0 = xs[0] ?? 0;
  const x1 = xs[xs.length - 1] ?? 1;
  const sx = (x: number) => ((x - x0) / (x1 - x0 || 1)) * w;
  const sy = (y: number) => h - ((y - lo) / (hi - lo || 1)) * h;
  let d = "";
  let pen = false;
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const y = ys[i];
    if (y === undefined || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${sx(xs[i] ?? 0).toFixed(1)},${sy(y).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** A range covering every finite value, padded by `pad` on both sides. */
export function rangeOf(series: number[][], pad: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series)
    for (const v of s)
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
  if (!Number.isFinite(lo)) return [0, 1];
  return [lo - pad, hi + pad];
}

/** A change with its band: "-640 ± 70". */
export function formatChange(d: DeltaView, decimals: number): string {
  const sign = d.change > 0 ? "+" : d.change < 0 ? "−" : "±";
  const band = d.band > 0 ? ` ± ${d.band.toFixed(decimals)}` : "";
  return `${sign}${Math.abs(d.change).toFixed(decimals)}${band}`;
}

/** The route that opens the write dialog for one setpoint of a suggestion, or of the way back to
 * the standard practice (no suggestion id). */
export function writeLink(m: MoveView, suggestionId: string | null): string | null {
  if (!m.tag) return null;
  const p = new URLSearchParams({ tag: m.tag, value: String(Math.round(m.to * 100) / 100) });
  if (suggestionId === null) p.set("wayback", "1");
  else p.set("suggestion", suggestionId);
  return `#setpoints?${p.toString()}`;
}

/** The setpoints that move (a suggestion keeps some where they are). */
export function moved(s: SuggestionView): MoveView[] {
  return s.moves.filter((m) => Math.abs(m.to - m.from) >= (m.unit === "%" ? 0.01 : 0.5));
}

/** Realised less predicted, as a percentage of predicted; null when not realised. */
export function errorPct(predicted: number, realised: number | null): number | null {
  if (realised === null || !Number.isFinite(realised) || predicted === 0) return null;
  return ((realised - predicted) / predicted) * 100;
}

/** The three comparisons of an outcome, for the history table. */
export function outcomeRows(o: OutcomeView): { key: string; predicted: number; realised: number | null }[] {
  return [
    { key: "fuel", predicted: o.fuel_predicted, realised: o.fuel_realised },
    { key: "nox", predicted: o.nox_predicted, realised: o.nox_realised },
    { key: "discharge", predicted: o.discharge_predicted, realised: o.discharge_realised },
  ];
}
