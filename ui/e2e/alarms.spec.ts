// The alarm banner: a fan trip on the simulator shows its alarm in the header with its
// priority; acknowledging it in the browser changes the banner.
import { expect, test } from "@playwright/test";

test("a fan trip shows in the alarm banner and is acknowledged from it", async ({ page, request }) => {
  test.setTimeout(90_000);
  await page.goto("/#overview");
  const fault = (what: "start_fault" | "clear_fault") =>
    request.post("/api/simulator/furnace", { data: { do: what, code: 10 } });
  expect((await fault("start_fault")).ok()).toBe(true);
  try {
    const banner = page.getByTestId("alarm-banner");
    await expect(banner).toHaveAttribute("data-alarm", "fan_running.digital", { timeout: 20_000 });
    await expect(banner).toContainText("Combustion air fan tripped");
    await expect(banner).toHaveClass(/prio-urgent/);
    await banner.getByRole("button", { name: "Acknowledge" }).click();
    // Acknowledged: the banner moves on to the next unacknowledged alarm (the flame failures the
    // trip caused), or goes away.
    await expect(page.locator('[data-testid="alarm-banner"][data-alarm="fan_running.digital"]')).toHaveCount(0);
    const list = (await (await request.get("/api/alarms")).json()) as { id: string; state: string }[];
    expect(list.find((a) => a.id === "fan_running.digital")?.state).toBe("active_acked");
  } finally {
    // Leave the plant as the other tests expect it.
    await fault("clear_fault");
    await expect
      .poll(async () => ((await (await request.get("/api/alarms")).json()) as { state: string }[]).some((a) => a.state.startsWith("active")), { timeout: 20_000 })
      .toBe(false);
    await request.post("/api/alarms/ack", { data: { user: "test", comment: "" } });
  }
});

test("the Alarms page shelves, acknowledges, and shows the journal and the figures", async ({ page, request }) => {
  test.setTimeout(90_000);
  const fault = (what: "start_fault" | "clear_fault") =>
    request.post("/api/simulator/furnace", { data: { do: what, code: 10 } });
  expect((await fault("start_fault")).ok()).toBe(true);
  try {
    await page.goto("/#alarms");
    const row = page.locator('tr[data-alarm="fan_running.digital"]');
    await expect(row).toContainText("active, unacknowledged", { timeout: 20_000 });

    await row.getByRole("combobox", { name: "Shelve" }).selectOption("15");
    await expect(row).toContainText("shelved");
    await expect(row).toHaveClass(/silenced/);
    await row.getByRole("combobox", { name: "Shelve" }).selectOption("off");
    await expect(row).not.toHaveClass(/silenced/);

    await page.getByTestId("alarm-comment").fill("fan restarted by the shift");
    await row.getByRole("button", { name: "Acknowledge" }).click();
    await expect(row).toContainText("active, acknowledged");

    await page.locator('[data-tab="journal"]').click();
    const journal = page.getByTestId("alarm-journal");
    await expect(journal).toContainText("shelve");
    await expect(journal).toContainText("unshelve");
    await expect(journal).toContainText("ack");
    await expect(journal).toContainText("fan restarted by the shift");

    await page.locator('[data-tab="metrics"]').click();
    await expect(page.getByTestId("alarm-metrics")).toContainText("fan_running.digital");
  } finally {
    await fault("clear_fault");
    await expect
      .poll(async () => ((await (await request.get("/api/alarms")).json()) as { state: string }[]).some((a) => a.state.startsWith("active")), { timeout: 20_000 })
      .toBe(false);
    await request.post("/api/alarms/ack", { data: { user: "test", comment: "" } });
  }
});
