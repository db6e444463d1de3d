// The Optimiser page against a fresh engine: a run on demand answers "no safe suggestion" with
// the reason (an engine that has just started has too little history to calibrate on), in both
// languages, and the page lists no suggestion to decide on.
import { expect, test } from "@playwright/test";

type Snapshot = { tags: { name: string; quality: string }[] };

test("a run on too little history gives no suggestion, and says why", async ({ page, request }) => {
  // Earlier tests fault the simulator: wait until every tag reads Good again, so the reason is
  // the history, not a bad input.
  await expect
    .poll(
      async () => {
        const snap = (await (await request.get("/api/snapshot")).json()) as Snapshot;
        return snap.tags.filter((t) => t.quality !== "Good").map((t) => t.name);
      },
      { timeout: 60_000 },
    )
    .toEqual([]);
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

test("the page runs a shadow-mode evaluation and shows its report", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto("/#optimiser");
  const section = page.getByTestId("evaluation");
  await section.getByTestId("evaluation-scenario").selectOption("worn-furnace.toml");
  await section.getByRole("textbox").first().fill("1");
  await section.getByTestId("evaluation-run").click();
  const report = section.getByTestId("evaluation-report");
  await expect(report).toBeVisible({ timeout: 150_000 });
  await expect(report).toContainText("Worn furnace");
  // Both runs heated the same steel; the table has both columns filled.
  const rows = report.locator('[data-testid="evaluation-table"] tbody tr');
  await expect(rows).toHaveCount(9);
  await expect(rows.first().locator("td").nth(1)).not.toHaveText("—");
  await expect(rows.first().locator("td").nth(2)).not.toHaveText("—");
  await expect(report).toContainText("under-heated");
});
