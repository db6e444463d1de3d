// The Simulator page drives the bundled simulator: a fault started here shows in the plant's
// own signals (polled over Modbus by the engine), a pace change takes effect, and a value out of
// range is refused with the reason.
import { expect, test } from "@playwright/test";

test("a fault started on the Simulator page reaches the PLC's signals, and clears", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto("/#devices");
  const fan = page.locator('tr[data-tag="fan_running"] td.num');
  await expect(fan).toHaveText(/^1\b/, { timeout: 15_000 });

  await page.locator('[data-page="simulator"]').click();
  const trip = page.locator('tr[data-fault="10"]');
  await trip.getByRole("button", { name: "Start" }).click();
  await expect(trip).toHaveClass(/fault-active/);
  await expect(trip.locator("td.state")).toHaveText("active");

  await page.locator('[data-page="devices"]').click();
  await expect(fan).toHaveText(/^0\b/, { timeout: 15_000 });

  await page.locator('[data-page="simulator"]').click();
  await trip.getByRole("button", { name: "Clear" }).click();
  await expect(trip).not.toHaveClass(/fault-active/);
  await page.locator('[data-page="devices"]').click();
  await expect(fan).toHaveText(/^1\b/, { timeout: 15_000 });
});

test("pace changes take effect and out-of-range values are refused with the reason", async ({ page }) => {
  await page.goto("/#simulator");
  const pace = page.getByTestId("sim-pace");
  await pace.locator("input").fill("180");
  await pace.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("sim-pace-value")).toHaveText(/^180\.0 t\/h/);

  await pace.locator("input").fill("9000");
  await pace.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("sim-error")).toContainText("outside");
  await expect(page.getByTestId("sim-pace-value")).toHaveText(/^180\.0 t\/h/);

  // Put the mill back where the other tests expect it.
  await pace.locator("input").fill("300");
  await pace.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("sim-pace-value")).toHaveText(/^300\.0 t\/h/);
});
