// The UI benchmark (`scripts/bench-ui`): Chromium against `hearth serve` on a data dir filled
// with 30 days of 1 s history beforehand; prints figures instead of asserting on them.
import { defineConfig } from "@playwright/test";

const target = process.env.CARGO_TARGET_DIR ?? "../target";
const port = Number(process.env.HEARTH_BENCH_PORT ?? 18791);
const dataDir = process.env.HEARTH_BENCH_DATA_DIR;
if (!dataDir) throw new Error("HEARTH_BENCH_DATA_DIR must name a filled data dir (scripts/bench-ui does it)");

export default defineConfig({
  testDir: "bench",
  testMatch: "**/*.bench.ts",
  timeout: 180_000,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1920, height: 1080 },
    launchOptions: { executablePath: process.env.HEARTH_CHROMIUM ?? "/usr/bin/chromium" },
  },
  webServer: {
    command: `${target}/release/hearth serve --bind 127.0.0.1:${port} --config ../config/plant.toml --data-dir ${dataDir}`,
    url: `http://127.0.0.1:${port}/api/status`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "ignore",
  },
});
