/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

// Relative asset paths: the same build is served by Tauri's custom protocol and by `hearth serve`.
export default defineConfig({
  base: "./",
  plugins: [solid()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Keep every asset a file: the CSP allows no inline scripts or styles.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  test: {
    include: ["src/**/*.test.ts"],
    // The logic under unit test is DOM-free; pages are tested in a real browser.
    environment: "node",
  },
});
