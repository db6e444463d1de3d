// Where the UI runs: in the desktop window (Tauri's IPC is there) or in a browser.
export function inDesktop(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
