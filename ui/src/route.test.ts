import { describe, expect, it } from "vitest";
import { parseRoute, trendLink, trendRequest } from "./route";

describe("routes", () => {
  it("reads the page, with or without parameters", () => {
    expect(parseRoute("#alarms").page).toBe("alarms");
    expect(parseRoute("").page).toBe("");
    const r = parseRoute("#emissions?day=2026-11-20");
    expect(r.page).toBe("emissions");
    expect(r.params.get("day")).toBe("2026-11-20");
  });

  it("links to Trends and reads the link back", () => {
    const link = trendLink(["nox_ref", "o2"], 1000, 5000);
    expect(trendRequest(parseRoute(link))).toEqual({ tags: ["nox_ref", "o2"], from: 1000, to: 5000 });
  });

  it("ignores a Trends link that makes no sense", () => {
    expect(trendRequest(parseRoute("#trends?tags=a&from=9&to=3"))).toBeNull();
    expect(trendRequest(parseRoute("#trends?from=1&to=3"))).toBeNull();
    expect(trendRequest(parseRoute("#overview?tags=a&from=1&to=3"))).toBeNull();
  });
});
