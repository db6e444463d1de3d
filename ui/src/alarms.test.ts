import { describe, expect, it } from "vitest";
import type { ActiveAlarm } from "./bindings";
import { summarise } from "./alarms";

const alarm = (id: string, priority: ActiveAlarm["priority"], since_ms: number, more: Partial<ActiveAlarm> = {}): ActiveAlarm => ({
  id,
  tag: null,
  kind: "hi",
  priority,
  state: "active_unacked",
  message: id,
  response: null,
  value: null,
  since_ms,
  shelved: false,
  shelved_until_ms: null,
  suppressed: false,
  out_of_service: false,
  ...more,
});

describe("alarm summary", () => {
  it("shows the highest priority unacknowledged alarm, newest on a tie", () => {
    const s = summarise([alarm("a", "high", 1), alarm("b", "urgent", 2), alarm("c", "urgent", 3), alarm("d", "low", 9)]);
    expect(s.top?.id).toBe("c");
    expect(s.counts).toEqual({ urgent: 2, high: 1, medium: 0, low: 1 });
  });

  it("leaves out acknowledged, suppressed, shelved and out-of-service alarms", () => {
    const s = summarise([
      alarm("acked", "urgent", 5, { state: "active_acked" }),
      alarm("supp", "urgent", 6, { suppressed: true }),
      alarm("shelf", "high", 7, { shelved: true }),
      alarm("oos", "urgent", 8, { out_of_service: true }),
      alarm("listed", "urgent", 9, { state: "normal", shelved: true }),
      alarm("returned", "medium", 1, { state: "returned_unacked" }),
    ]);
    expect(s.top?.id).toBe("returned");
    expect(s.counts.urgent).toBe(0);
  });

  it("has nothing to show for no alarms", () => {
    expect(summarise([]).top).toBeNull();
  });
});
