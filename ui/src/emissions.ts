// The Emissions page's logic, free of the DOM: months as calendar weeks (Monday first), how a day
// stands across its pollutants, and names.
import type { MonthReport, Pollutant, Validity } from "./bindings";

export interface DayState {
  pollutant: Pollutant;
  value: number | null;
  validity: Validity;
  exceeded: boolean;
  heading: boolean;
}

export interface DayCell {
  /** `YYYY-MM-DD`. */
  date: string;
  states: DayState[];
}

/** `2026-11` moved by `by` months. */
export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split("-").map(Number);
  const i = (y ?? 1970) * 12 + ((m ?? 1) - 1) + by;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
}

/** The month's days as weeks of seven (Monday first), blanks before the 1st and after the last. */
export function monthGrid(r: MonthReport): (DayCell | null)[][] {
  const first = r.pollutants[0]?.days ?? [];
  const labels = first.length > 0 ? first.map((d) => d.period.label) : r.energy_days.map((k) => k.label);
  const cells: (DayCell | null)[] = labels.map((date, i) => ({
    date,
    states: r.pollutants.map((p) => {
      const d = p.days[i];
      return {
        pollutant: p.pollutant,
        value: d?.average.value ?? null,
        validity: d?.average.validity ?? "invalid",
        exceeded: d?.standing?.exceeded ?? false,
        heading: d?.standing?.heading_over ?? false,
      };
    }),
  }));
  if (labels.length === 0) return [];
  // 0 = Monday.
  const weekday = (new Date(`${labels[0]}T00:00:00Z`).getUTCDay() + 6) % 7;
  const padded = [...Array<null>(weekday).fill(null), ...cells];
  while (padded.length % 7 !== 0) padded.push(null);
  const weeks: (DayCell | null)[][] = [];
  for (let i = 0; i < padded.length; i += 7) weeks.push(padded.slice(i, i + 7));
  return weeks;
}

/** How a day looks: the worst of its pollutants. Colour only for what needs attention. */
export function dayClass(states: readonly DayState[]): "over" | "heading" | "invalid" | "excluded" | "open" | "ok" {
  if (states.some((s) => s.exceeded)) return "over";
  if (states.some((s) => s.heading)) return "heading";
  if (states.some((s) => s.validity === "open")) return "open";
  if (states.some((s) => s.validity === "invalid")) return "invalid";
  if (states.some((s) => s.validity === "excluded")) return "excluded";
  return "ok";
}

export function pollutantLabel(p: Pollutant): string {
  return p === "nox" ? "NOx" : "CO";
}
