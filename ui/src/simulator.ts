// Pure logic of the Simulator page: where a scenario's events and "now" sit on its timeline.
import type { ScenarioEvent } from "./bindings";

export interface TimelineMarks {
  /** 0..1 along the bar. */
  events: { pos: number; done: boolean }[];
  now: number;
}

/** The bar spans the scenario from 0 to its last event, or to now once past it. */
export function timelineMarks(events: ScenarioEvent[], elapsedMin: number): TimelineMarks {
  const last = events.reduce((m, e) => Math.max(m, e.at_min), 0);
  const span = Math.max(last, elapsedMin, 1);
  const at = (min: number) => Math.min(1, Math.max(0, min / span));
  return { events: events.map((e) => ({ pos: at(e.at_min), done: e.done })), now: at(elapsedMin) };
}

/** The unit of a scenario action's number. */
export function eventUnit(action: string): string {
  switch (action) {
    case "pace":
      return "t/h";
    case "charge_temperature":
    case "zone_setpoint":
      return "°C";
    case "mill_delay":
      return "min";
    case "gas_heating_value":
      return "%";
    default:
      return "";
  }
}
