// The Settings page shows the configuration in effect with its validation, the data dir the
// engine writes, and switches the language at run time.
import { expect, test } from "@playwright/test";

type Status = { data_dir: string };

test("settings show the config in effect, the data dir, and switch the language", async ({ page, request }) => {
  const status = (await (await request.get("/api/status")).json()) as Status;
  await page.goto("/#settings");
  await expect(page.getByTestId("config-validation")).toContainText("valid");
  await expect(page.getByTestId("data-dir")).toHaveText(status.data_dir);

  const rows = page.locator('[data-testid="settings-tags"] tbody tr');
  const all = await rows.count();
  expect(all).toBeGreaterThan(20);
  await page.getByPlaceholder("Filter tags").fill("soak");
  await expect(rows).not.toHaveCount(all);
  for (const text of await rows.allInnerTexts()) expect(text.toLowerCase()).toContain("soak");
  await expect(page.locator('tr[data-tag="zone3_temp"]')).toContainText("zone soak temperature");

  await page.getByRole("radio", { name: "简体中文" }).check();
  await expect(page.locator('[data-page="settings"]')).toHaveText("设置");
  await expect(page.locator('[data-page="simulator"]')).toHaveText("模拟器");
  await page.getByRole("radio", { name: "English" }).check();
  await expect(page.locator('[data-page="settings"]')).toHaveText("Settings");
});
