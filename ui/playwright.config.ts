// End-to-end tests of the UI in Debian's Chromium (test tools cannot download browsers here)
// against a real `hearth serve` on the bundled simulator, with a fresh data dir per run.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";

import { INJECTED, basePort as port, writablePort } from "./e2e/writable";

const target = process.env.CARGO_TARGET_DIR ?? "../target";
const dataDir = mkdtempSync(join(tmpdir(), "hearth-e2e-"));

// A second engine on a plant whose furnace is writable from browsers, with a tag description
// that tries to inject script: for the write path and for rendering as text.
const writableDir = mkdtempSync(join(tmpdir(), "hearth-e2e-writable-"));
{
  const plant = readFileSync("../config/plant.toml", "utf8")
    .replace("writable = false              # Hearth never writes to this device", "writable = true")
    .replace("allow_writes = false", "allow_writes = true");
  const policies = readFileSync("../tests/fixtures/write-policies.toml", "utf8");
  writeFileSync(join(writableDir, "plant.toml"), `${plant}\n${policies}`);
  const map = readFileSync("../config/simulator-registers.toml", "utf8").replace(
    'description = "Preheat zone temperature setpoint"',
    `description = 'Preheat zone temperature setpoint ${INJECTED}'`,
  );
  writeFileSync(join(writableDir, "simulator-registers.toml"), map);
}

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
  webServer: [
    {
      command: `${target}/debug/hearth serve --bind 127.0.0.1:${port} --config ../config/plant.toml --data-dir ${dataDir}`,
      url: `http://127.0.0.1:${port}/api/status`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "ignore",
    },
    {
      command: `${target}/debug/hearth serve --bind 127.0.0.1:${writablePort} --config ${writableDir}/plant.toml --data-dir ${writableDir}/data`,
      url: `http://127.0.0.1:${writablePort}/api/status`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "ignore",
    },
  ],
});
