// Frame times while panning a 30-day trend of 1 s data (2.6 M raw points per tag, served as
// buckets), with live data streaming in: shift-drags at a human pace (one mouse event per 16 ms),
// every animation frame's interval recorded in the page.
import { test } from "@playwright/test";

declare global {
  interface Window {
    __frames?: number[];
    __longTasks?: number;
    __stop?: boolean;
  }
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return { frames: s.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: s[s.length - 1] ?? NaN };
}

test("pan a 30-day trend", async ({ page }) => {
  await page.goto("/#trends");
  await page.locator(".u-over").waitFor();
  const loaded = page.waitForResponse((r) => r.url().includes("/api/history") && r.ok());
  const t0 = Date.now();
  await page.locator('[data-preset="30d"]').click();
  await loaded;
  const firstLoad = Date.now() - t0;
  await page.waitForTimeout(1000);

  const over = page.locator(".u-over");
  const box = await over.boundingBox();
  if (!box) throw new Error("no plot area");
  await page.evaluate(() => {
    window.__frames = [];
    window.__longTasks = 0;
    window.__stop = false;
    new PerformanceObserver((l) => {
      window.__longTasks = (window.__longTasks ?? 0) + l.getEntries().length;
    }).observe({ entryTypes: ["longtask"] });
    let last = performance.now();
    const tick = (now: number) => {
      window.__frames?.push(now - last);
      last = now;
      if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });

  const y = box.y + box.height / 2;
  const loads: number[] = [];
  page.on("response", (r) => {
    if (r.url().includes("/api/history")) loads.push(Date.now());
  });
  const started = Date.now();
  for (let drag = 0; drag < 10; drag++) {
    // Alternate directions so the window stays over the month of data.
    const [a, b] = drag % 2 === 0 ? [0.2, 0.8] : [0.8, 0.2];
    await page.keyboard.down("Shift");
    await page.mouse.move(box.x + box.width * a, y);
    await page.mouse.down();
    for (let i = 1; i <= 60; i++) {
      await page.mouse.move(box.x + box.width * (a + ((b - a) * i) / 60), y);
      await page.waitForTimeout(16);
    }
    await page.mouse.up();
    await page.keyboard.up("Shift");
    await page.waitForTimeout(300);
  }
  const seconds = (Date.now() - started) / 1000;
  const frames = await page.evaluate(() => {
    window.__stop = true;
    return { frames: window.__frames ?? [], longTasks: window.__longTasks ?? 0 };
  });
  const s = stats(frames.frames.slice(1));
  console.log(
    JSON.stringify({
      bench: "trend-pan-30d",
      first_load_ms: firstLoad,
      pan_seconds: seconds,
      frames: s.frames,
      fps: Math.round(s.frames / seconds),
      frame_ms_p50: +s.p50.toFixed(1),
      frame_ms_p95: +s.p95.toFixed(1),
      frame_ms_p99: +s.p99.toFixed(1),
      frame_ms_max: +s.max.toFixed(1),
      long_tasks: frames.longTasks,
      history_loads: loads.length,
    }),
  );
});
