// The write path in the browser: a confirmed setpoint write against the bundled simulator,
// seen in the audit view with the chain verified; the optimiser's way back to the standard
// practice handed to the same path; and a tag description carrying script shown as text, never
// run.
import { expect, test } from "@playwright/test";
import { INJECTED, writableUrl } from "./writable";

test.use({ baseURL: writableUrl });

test("a confirmed write in the browser is read back and appears in the audit view", async ({ page }) => {
  await page.goto("/#setpoints");
  const row = page.locator('[data-testid="writable-tags"] tr[data-tag="o2_sp"]');
  await expect(row).toBeVisible();
  await expect(row.locator("td.num").first()).toContainText(/\d/);
  await row.getByTestId("write-open").click();

  const value = page.getByTestId("write-value");
  await expect(value).not.toHaveValue("");
  const current = Number(await value.inputValue());
  const wanted = Math.round((current - 0.2) * 100) / 100;
  // Too big a step is refused before anything is sent, with the policy's words.
  await value.fill(String(current + 1));
  await page.getByTestId("write-reason").fill("e2e: less excess air");
  await page.getByTestId("write-review").click();
  await expect(page.getByTestId("write-error")).toContainText("max_step");

  await value.fill(String(wanted));
  await page.getByTestId("write-review").click();
  await expect(page.getByTestId("write-old")).toContainText(String(current));
  await expect(page.getByTestId("write-new")).toContainText(String(wanted));
  await expect(page.getByTestId("write-expiry")).toContainText(/\d+ s/);
  await page.getByTestId("write-confirm").click();
  await expect(page.getByTestId("write-outcome")).toHaveAttribute("data-outcome", "ok", { timeout: 15_000 });
  await page.getByRole("button", { name: "Close" }).click();

  const newest = page.locator('[data-testid="audit-log"] tbody tr').first();
  await expect(newest).toContainText("o2_sp");
  await expect(newest).toContainText("e2e: less excess air");
  await expect(newest).toContainText(String(wanted));
  await expect(newest).toHaveClass(/outcome-ok/);
  // The refused attempt is on record too.
  await expect(page.locator('[data-testid="audit-log"] tbody tr.outcome-rejected')).toHaveCount(1);
  await page.getByTestId("audit-verify").click();
  await expect(page.getByTestId("audit-verification")).toContainText("intact");
});

test("when the optimiser cannot check a leaner setpoint, it hands the way back to the write path", async ({ page }) => {
  // Lean the O2 setpoint below the standard practice (2.8 %) through the write path.
  await page.goto("/#setpoints");
  const row = page.locator('[data-testid="writable-tags"] tr[data-tag="o2_sp"]');
  await expect(row.locator("td.num").first()).toContainText(/\d/);
  await row.getByTestId("write-open").click();
  const value = page.getByTestId("write-value");
  await expect(value).not.toHaveValue("");
  const leaner = Math.round((Number(await value.inputValue()) - 0.2) * 10) / 10;
  expect(leaner).toBeLessThan(2.8);
  await value.fill(String(leaner));
  await page.getByTestId("write-reason").fill("e2e: leaner");
  await page.getByTestId("write-review").click();
  await page.getByTestId("write-confirm").click();
  await expect(page.getByTestId("write-outcome")).toHaveAttribute("data-outcome", "ok", { timeout: 15_000 });
  await page.getByRole("button", { name: "Close" }).click();
  await expect(row.locator("td.num").first()).toContainText(String(leaner));

  // A fresh engine's history is too short to calibrate on: the run cannot check the plant, and
  // offers the way back instead of a suggestion.
  await page.goto("/#optimiser");
  await page.getByTestId("optimiser-run").click();
  await expect(page.getByTestId("optimiser-last-run")).toContainText("No safe suggestion", { timeout: 30_000 });
  const back = page.getByTestId("optimiser-way-back");
  const o2 = back.locator('tr[data-move="O2"]');
  await expect(o2).toContainText(String(leaner));
  await expect(o2).toContainText("2.80");
  // The zones are at the standard already: only O2 goes back.
  await expect(back.locator("tbody tr")).toHaveCount(1);
  await o2.getByTestId("write-way-back").click();

  await expect(page.getByTestId("write-value")).toHaveValue("2.8");
  await expect(page.getByTestId("write-reason")).toHaveValue(/standard practice/);
  await page.getByTestId("write-review").click();
  await page.getByTestId("write-confirm").click();
  await expect(page.getByTestId("write-outcome")).toHaveAttribute("data-outcome", "ok", { timeout: 15_000 });
  await page.getByRole("button", { name: "Close" }).click();
  const newest = page.locator('[data-testid="audit-log"] tbody tr').first();
  await expect(newest).toContainText("o2_sp");
  await expect(newest).toContainText("Back to the standard practice");
  await expect(newest).toHaveClass(/outcome-ok/);
});

test("script in a tag description is shown as text and never runs", async ({ page }) => {
  await page.goto("/#setpoints");
  const row = page.locator('[data-testid="writable-tags"] tr[data-tag="zone1_sp"]');
  await expect(row).toContainText(INJECTED);
  await expect(row.locator("script, img")).toHaveCount(0);
  await page.goto("/#settings");
  const setting = page.locator('[data-testid="settings-tags"] tr[data-tag="zone1_sp"]');
  await expect(setting).toContainText(INJECTED);
  await expect(setting.locator("script, img")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test("an engineer changes a price on the Settings page; it is in effect and audited", async ({ page }) => {
  await page.goto("/#settings");
  const row = page.locator('[data-testid="editable-settings"] tr[data-key="optimiser.gas_price_per_nm3"]');
  await expect(row.locator("input")).toHaveValue("0.35");
  await row.locator("input").fill("0.41");
  await row.getByRole("button", { name: "Apply" }).click();
  // No reason: refused, and nothing changes.
  await expect(page.getByTestId("setting-result")).toContainText("a reason is required");
  await page.getByTestId("setting-reason").fill("new gas contract");
  await row.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("setting-result")).toContainText("0.35 → 0.41");
  await expect(page.getByTestId("config-validation")).toContainText("valid");
  await page.goto("/#setpoints");
  const newest = page.locator('[data-testid="audit-log"] tbody tr').first();
  await expect(newest).toContainText("optimiser.gas_price_per_nm3");
  await expect(newest).toContainText("new gas contract");
});
