// Trends beyond the basics: a custom range typed in plant time, shift-drag to pan and the wheel
// to zoom (the chart moves at once, the load follows), and saved views that survive a reload.
import { expect, test } from "@playwright/test";

type History = { from_ms: number; to_ms: number };
const history = (r: { url(): string; ok(): boolean }) => r.url().includes("/api/history") && r.ok();
// A history response whose asked window passes `keep`: a live window reloading itself in the
// meantime must not be taken for the load a gesture caused.
const historyWhere =
  (keep: (from: number, to: number) => boolean) => (r: { url(): string; ok(): boolean }) => {
    if (!history(r)) return false;
    const q = new URL(r.url()).searchParams;
    return keep(Number(q.get("from")), Number(q.get("to")));
  };

test("a custom range is read in plant time, and a saved view comes back after a reload", async ({ page }) => {
  await page.goto("/#trends");
  await expect(page.getByTestId("trend-plot").locator("canvas")).toBeVisible();

  // 08:00-09:00 at the plant (Asia/Shanghai, UTC+8) is 00:00-01:00 UTC.
  await page.getByTestId("custom-from").fill("2026-11-20T08:00");
  await page.getByTestId("custom-to").fill("2026-11-20T09:00");
  const loaded = page.waitForResponse(history);
  await page.getByRole("button", { name: "Show" }).click();
  const h = (await (await loaded).json()) as History;
  const from = Date.parse("2026-11-20T00:00:00Z");
  const hour = 3_600_000;
  expect([h.from_ms, h.to_ms]).toEqual([from - hour, from + 2 * hour]);
  await expect(page.getByTestId("trend-window")).toContainText("2026-11-20 08:00:00 → 2026-11-20 09:00:00");

  await page.getByTestId("view-name").fill("morning shift");
  await page.getByRole("button", { name: "Save view" }).click();
  await page.locator('[data-preset="1h"]').click();
  await expect(page.getByTestId("trend-window")).toContainText("following now");

  await page.reload();
  await page.getByTestId("open-view").selectOption("morning shift");
  await expect(page.getByTestId("trend-window")).toContainText("2026-11-20 08:00:00 → 2026-11-20 09:00:00");
});

test("shift-drag pans back in time and the wheel zooms about the cursor", async ({ page }) => {
  await page.goto("/#trends");
  await expect(page.getByTestId("trend-plot").locator("canvas")).toBeVisible();
  const fifteen = page.waitForResponse(history);
  await page.locator('[data-preset="15m"]').click();
  const q = (await (await fifteen).json()) as History;
  const over = page.locator(".u-over");
  await expect(over).toBeVisible();
  const box = await over.boundingBox();
  if (!box) throw new Error("no plot area");
  const before = (await page.getByTestId("trend-window").textContent()) ?? "";

  // Drag right by half the plot with shift held: the window moves half a width earlier.
  const panned = page.waitForResponse(historyWhere((from) => from < q.from_ms - 60_000));
  await page.keyboard.down("Shift");
  await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 10 });
  await page.mouse.up();
  await page.keyboard.up("Shift");
  const p = (await (await panned).json()) as History;
  expect(p.to_ms - p.from_ms).toBe(3 * 15 * 60_000);
  // Half of 15 minutes earlier (give or take the pixels of the drag and the seconds since).
  expect(q.from_ms - p.from_ms).toBeGreaterThan(6 * 60_000);
  expect(q.from_ms - p.from_ms).toBeLessThan(9 * 60_000);
  await expect(page.getByTestId("trend-window")).not.toContainText("following now");
  expect(await page.getByTestId("trend-window").textContent()).not.toBe(before);

  // Wheel up: narrower.
  const zoomed = page.waitForResponse(historyWhere((from, to) => to - from < p.to_ms - p.from_ms));
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -200);
  const z = (await (await zoomed).json()) as History;
  expect(z.to_ms - z.from_ms).toBeLessThan(p.to_ms - p.from_ms);
  // The middle of the window stayed under the cursor.
  expect(Math.abs((z.from_ms + z.to_ms) / 2 - (p.from_ms + p.to_ms) / 2)).toBeLessThan(5_000);
});
