// The Optimiser page against a fresh engine: a run on demand answers "no safe suggestion" with
// the reason (an engine that has just started has too little history to calibrate on), in both
// languages, and the page lists no suggestion to decide on.
import { expect, test } from "@playwright/test";

test("a run on too little history gives no suggestion, and says why", async ({ page }) => {
  await page.goto("/#optimiser");
  await expect(page.getByTestId("optimiser-none")).toBeVisible();
  await expect(page.getByTestId("optimiser-mode")).toContainText("on demand");
  await page.getByTestId("optimiser-run").click();
  const last = page.getByTestId("optimiser-last-run");
  await expect(last).toContainText("No safe suggestion", { timeout: 30_000 });
  await expect(page.getByTestId("optimiser-reasons")).toContainText("history is too short");
  await expect(page.getByTestId("suggestion")).toHaveCount(0);

  await page.locator("label.lang select").selectOption("zh-CN");
  await expect(last).toContainText("没有安全的建议");
  await expect(page.locator('[data-page="optimiser"]')).toHaveText("优化");
  await page.locator("label.lang select").selectOption("en");
});
