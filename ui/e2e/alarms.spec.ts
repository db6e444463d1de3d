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

    // Shelved, it leaves the annunciated list for the shelved one, with its expiry.
    await row.getByRole("combobox", { name: "Shelve" }).selectOption("15");
    await expect(row).toHaveCount(0);
    await page.getByTestId("alarm-view").selectOption("shelved");
    await expect(row).toContainText("shelved until");
    await expect(row).toHaveClass(/silenced/);
    await row.getByRole("combobox", { name: "Shelve" }).selectOption("off");
    await expect(row).toHaveCount(0);
    await page.getByTestId("alarm-view").selectOption("annunciated");
    await expect(row).not.toHaveClass(/silenced/);

    await page.getByTestId("alarm-comment").fill("fan restarted by the shift");
    await row.getByRole("button", { name: "Acknowledge" }).click();
    await expect(row).toContainText("active, acknowledged");

    await page.locator('[data-tab="journal"]').click();
    const journal = page.getByTestId("alarm-journal");
    const fan = journal.locator("tr", { hasText: "fan_running.digital" });
    for (const tr of ["raise", "shelve", "unshelve", "ack"]) {
      await expect(fan.and(page.locator(`[data-transition="${tr}"]`)).first()).toBeVisible();
    }
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

test("an alarm is taken out of service with a reason, silenced, and returned", async ({ page, request }) => {
  await page.goto("/#alarms");
  // Any configured alarm, normal or not: instruments go for maintenance before they fail.
  await page.getByTestId("alarm-view").selectOption("all");
  const row = page.locator('tr[data-alarm="o2.lolo"]');
  await expect(row).toBeVisible();

  // No reason: refused in the page, nothing sent.
  await row.getByTestId("alarm-service").click();
  await expect(page.locator(".alarm-tools .error")).toContainText("reason");
  let list = (await (await request.get("/api/alarms")).json()) as { id: string; out_of_service: boolean }[];
  expect(list.some((a) => a.id === "o2.lolo")).toBe(false);

  await page.getByTestId("alarm-comment").fill("analyser probe replaced, work order 4711");
  await row.getByTestId("alarm-service").click();
  await expect(row).toContainText("out of service");
  await expect(row.getByTestId("alarm-service")).toHaveText("Return to service");
  list = (await (await request.get("/api/alarms")).json()) as { id: string; out_of_service: boolean }[];
  expect(list.find((a) => a.id === "o2.lolo")?.out_of_service).toBe(true);
  await page.getByTestId("alarm-view").selectOption("out_of_service");
  await expect(row).toBeVisible();

  await row.getByTestId("alarm-service").click();
  await expect(row).toHaveCount(0);
  list = (await (await request.get("/api/alarms")).json()) as { id: string; out_of_service: boolean }[];
  expect(list.some((a) => a.id === "o2.lolo")).toBe(false);

  // The journal has both changes, with who and why, and finds them by alarm and state.
  await page.locator('[data-tab="journal"]').click();
  await page.getByTestId("journal-alarm").fill("O2.LOLO");
  await page.getByRole("button", { name: "Show" }).click();
  const journal = page.getByTestId("alarm-journal");
  await expect(journal.locator('[data-transition="out_of_service"]')).toContainText("work order 4711");
  await expect(journal.locator('[data-transition="out_of_service"]')).toContainText("browser@127.0.0.1");
  await expect(journal.locator('[data-transition="in_service"]')).toHaveCount(1);
  await expect(journal.locator("tbody tr")).toHaveCount(2);

  // Saved as CSV: the same two entries, read back as CSV.
  const download = page.waitForEvent("download");
  await page.getByTestId("journal-csv").click();
  const file = await (await download).path();
  const { readFileSync } = await import("node:fs");
  const lines = readFileSync(file, "utf8").trim().split("\n");
  expect(lines[0]).toBe("time,alarm,transition,from,to,priority,value,limit,message,user,comment");
  expect(lines.slice(1).map((l) => l.split(",")[2])).toEqual(["out_of_service", "in_service"]);
  expect(lines[1]).toContain("work order 4711");
});
