// The Emissions page against a real `hearth serve` on the bundled simulator: the month calendar
// and charts, a day's hours, the link to the raw trend, and the reports saved as CSV and PDF.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";

test("the emissions page shows the month and today, links to the raw trend, and saves reports", async ({ page, request }) => {
  test.setTimeout(90_000);
  await page.goto("/#emissions");
  const today = (await (await request.get("/api/emissions/day")).json()) as { period: { label: string } };
  const day = today.period.label;

  const calendar = page.getByTestId("emissions-calendar");
  await expect(calendar.locator(`[data-day="${day}"]`)).toBeVisible();
  // Today is still running: its cell says so (or that it is heading over), never "within the limit".
  await expect(calendar.locator(`[data-day="${day}"]`)).toHaveAttribute("data-state", /open|heading/);
  await expect(page.getByTestId("daily-nox").locator("svg")).toBeVisible();
  await expect(page.getByTestId("energy-trend")).toContainText("benchmark");

  // The day: its hours, with the hour the engine has been recording in.
  const view = page.getByTestId("emissions-day");
  await expect(view).toHaveAttribute("data-day", day);
  await expect(page.getByTestId("emissions-hours").locator("tbody tr")).toHaveCount(24);
  await expect(page.getByTestId("emissions-shifts").locator("tbody tr")).toHaveCount(4);
  // The NOx figure of the day is the engine's.
  await expect
    .poll(async () => ((await (await request.get("/api/emissions/day")).json()) as { pollutants: { day: { value: number | null } }[] }).pollutants[0]?.day.value ?? null, { timeout: 30_000 })
    .not.toBeNull();

  // Another day of the month: the view follows.
  const other = `${day.slice(0, 8)}${day.endsWith("01") ? "02" : "01"}`;
  await calendar.locator(`[data-day="${other}"]`).click();
  await expect(view).toHaveAttribute("data-day", other);
  await calendar.locator(`[data-day="${day}"]`).click();
  await expect(view).toHaveAttribute("data-day", day);

  // Reports: the month as CSV, the day as PDF.
  const csv = page.waitForEvent("download");
  await page.getByTestId("report-month-csv").click();
  const csvText = readFileSync(await (await csv).path(), "utf8");
  expect(csvText).toContain("# Hearth monthly emissions and energy report");
  expect(csvText).toContain(`day,${day},+08:00`);
  const pdf = page.waitForEvent("download");
  await page.getByTestId("report-day-pdf").click();
  const pdfBytes = readFileSync(await (await pdf).path());
  expect(pdfBytes.subarray(0, 5).toString()).toBe("%PDF-");

  // Mark a calibration on the day: refused without a reason, then kept with who and why.
  const marks = page.getByTestId("emission-marks");
  await page.getByTestId("mark-kind").selectOption("calibration");
  await page.getByTestId("mark-from").fill("00:00");
  await page.getByTestId("mark-to").fill("00:10");
  await page.getByTestId("add-mark").click();
  await expect(marks.locator(".error")).toContainText("reason");
  await page.getByTestId("mark-reason").fill("NOx analyser span gas");
  await page.getByTestId("add-mark").click();
  const row = marks.locator("tr", { hasText: "NOx analyser span gas" });
  await expect(row).toContainText("browser@127.0.0.1");
  await expect(row).toContainText(`${day} 00:00 → ${day} 00:10`);
  const listed = (await (await request.get(`/api/emissions/day?date=${day}`)).json()) as { marks: { reason: string; withdrawn: unknown }[] };
  expect(listed.marks.find((m) => m.reason === "NOx analyser span gas")?.withdrawn).toBeNull();
  await page.getByTestId("mark-reason").fill("the wrong ten minutes");
  await row.getByTestId("withdraw-mark").click();
  await expect(row).toContainText("withdrawn by browser@127.0.0.1: the wrong ten minutes");

  // Drill down to the raw trend of the day's NOx.
  await view.locator('[data-pollutant="nox"]').getByRole("link", { name: "Raw trend" }).click();
  await expect(page.locator('[data-page="trends"]')).toHaveClass(/active/);
  await expect(page.locator(".trends")).toContainText("nox_ref");
});
