// Picks the transport: Tauri IPC for an in-process engine, HTTP + WebSocket otherwise.
import { HttpClient } from "./http";
import { TauriClient, desktopTarget } from "./tauri";
import { inDesktop } from "./env";
import type { EngineClient } from "./types";

export { inDesktop } from "./env";

export async function connect(): Promise<EngineClient> {
  if (!inDesktop()) return new HttpClient(window.location.origin);
  const target = await desktopTarget();
  return target.kind === "in_process" ? new TauriClient(target) : new HttpClient(target.api_url, target);
}

export type { EngineClient, LinkState } from "./types";
