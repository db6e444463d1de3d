// End-to-end tests of the UI in Debian's Chromium (test tools cannot download browsers here)
// against a real `hearth serve` on the bundled simulator, with a fresh data dir per run.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";

const target = process.env.CARGO_TARGET_DIR ?? "../target";
const port = Number(process.env.HEARTH_E2E_PORT ?? 18790);
const dataDir = mkdtempSync(join(tmpdir(), "hearth-e2e-"));

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1366, height: 768 },
    launchOptions: { executablePath: process.env.HEARTH_CHROMIUM ?? "/usr/bin/chromium" },
  },
  webServer: {
    command: `${target}/debug/hearth serve --bind 127.0.0.1:${port} --config ../config/plant.toml --data-dir ${dataDir}`,
    url: `http://127.0.0.1:${port}/api/status`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "ignore",
  },
});
