// The Overview shows live values that change; a trend loads history, zooms with the mouse, and
// exports its window as CSV whose rows match the stored points.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";

type Bucket = { good: number; mean: number | null };
type History = { from_ms: number; to_ms: number; buckets: Bucket[] };

test("the overview shows a live value that changes", async ({ page }) => {
  await page.goto("/#overview");
  // The first zone's temperature: noisy thermocouple, Good, so it moves within seconds.
  const zone = page.locator('.reading[data-tag="zone1_temp"]').first();
  await expect(zone).toHaveAttribute("data-quality", "Good", { timeout: 10_000 });
  const number = zone.locator(".number");
  const first = await number.textContent();
  expect(first).toMatch(/\d/);
  await expect(number).not.toHaveText(first ?? "", { timeout: 10_000 });
});

test("a trend loads history, zooms with the mouse, and exports its window", async ({ page, request }) => {
  // Let a few seconds of history accumulate.
  await page.waitForTimeout(4000);
  const loaded = page.waitForResponse((r) => r.url().includes("/api/history") && r.ok());
  await page.goto("/#trends");
  const history = (await (await loaded).json()) as History;
  expect(history.buckets.length).toBeGreaterThan(100);
  expect(history.buckets.some((b) => b.good > 0 && b.mean !== null)).toBe(true);
  await expect(page.getByTestId("trend-plot").locator("canvas")).toBeVisible();
  await expect(page.getByTestId("trend-window")).toContainText("following now");

  // The last 15 minutes, then drag across their right fifth: the window narrows and stops
  // following now.
  const fifteen = page.waitForResponse((r) => r.url().includes("/api/history") && r.ok());
  await page.locator('[data-preset="15m"]').click();
  const quarter = (await (await fifteen).json()) as History;
  // The window and a width either side (so a pan has data at once).
  expect(quarter.to_ms - quarter.from_ms).toBe(3 * 15 * 60_000);
  const over = page.locator(".u-over");
  await expect(over).toBeVisible();
  const box = await over.boundingBox();
  if (!box) throw new Error("no plot area");
  const zoomed = page.waitForResponse((r) => r.url().includes("/api/history") && r.ok());
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const narrow = (await (await zoomed).json()) as History;
  expect(narrow.to_ms - narrow.from_ms).toBeLessThan(quarter.to_ms - quarter.from_ms);
  expect(narrow.buckets.some((b) => b.good > 0)).toBe(true);
  await expect(page.getByTestId("trend-window")).not.toContainText("following now");

  // Export this window: the file's zone1_temp column equals the stored points.
  const asked = page.waitForRequest((r) => r.url().includes("/api/export"));
  const downloading = page.waitForEvent("download");
  await page.getByTestId("export").click();
  const url = new URL((await asked).url());
  const file = await (await downloading).path();
  const lines = readFileSync(file, "utf8").trim().split("\n");
  const header = lines[0]?.split(",") ?? [];
  const col = header.indexOf("zone1_temp");
  expect(col).toBeGreaterThan(0);
  const exported = lines
    .slice(1)
    .map((l) => l.split(","))
    // A point has a quality cell; a value cell may be empty (a bad point has no value).
    .filter((f) => f[col + 1] !== "")
    .map((f) => `${f[col]},${f[col + 1]}`);
  const points = (await (
    await request.get(
      `/api/points?tag=zone1_temp&from=${url.searchParams.get("from")}&to=${url.searchParams.get("to")}`,
    )
  ).json()) as { value: number | null; quality: string }[];
  expect(points.length).toBeGreaterThan(0);
  expect(exported).toEqual(points.map((p) => `${p.value ?? ""},${p.quality}`));
});
