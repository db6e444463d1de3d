// Screenshots of every page, taken against the live simulator: into test-results/ on every run
// (so a broken page shows in the report), and into docs/ for the README with
// HEARTH_SCREENSHOTS=1 (scripts/screenshots).
import { expect, test } from "@playwright/test";

const out = process.env.HEARTH_SCREENSHOTS ? "../docs" : "test-results/screenshots";

test("a screenshot of each page", async ({ page, request }) => {
  test.setTimeout(120_000);
  // Run the plant a minute per second for a while, so sparklines and the trend have an hour
  // of history to show; then back to real time for whatever runs next.
  const speed = async (s: number) =>
    expect((await request.post("/api/simulator/furnace", { data: { do: "speed", speed: s } })).ok()).toBe(true);
  await speed(60);
  await page.waitForTimeout(15_000);
  await speed(1);

  const shots: [string, string, () => Promise<void>][] = [
    ["overview", "/#overview", () => expect(page.locator('.reading[data-tag="zone1_temp"]').first()).toHaveAttribute("data-quality", "Good")],
    ["alarms", "/#alarms", () => expect(page.getByTestId("alarm-list")).toBeVisible()],
    ["emissions", "/#emissions", () => expect(page.getByTestId("emissions-hours")).toBeVisible()],
    ["trends", "/#trends", () => expect(page.getByTestId("trend-plot").locator("canvas")).toBeVisible()],
    ["devices", "/#devices", () => expect(page.locator('tr[data-device="furnace"] td.state')).toHaveText("connected")],
    ["simulator", "/#simulator", () => expect(page.locator('tr[data-fault="10"]')).toBeVisible()],
    ["settings", "/#settings", () => expect(page.getByTestId("config-validation")).toBeVisible()],
  ];
  for (const [name, url, ready] of shots) {
    await page.goto(url);
    await ready();
    // Let sparklines and the trend's history arrive.
    await page.waitForLoadState("networkidle").catch(() => undefined);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${out}/screenshot-${name}.png` });
  }
  await page.goto("/?lang=zh-CN#overview");
  await expect(page.locator('[data-page="overview"]')).toHaveText("总览");
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${out}/screenshot-overview-zh-CN.png` });
  await page.goto("/?lang=en#overview");
});
