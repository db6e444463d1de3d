// The engine over HTTP and WebSocket: `hearth serve` in a browser, or a desktop window attached
// to a running engine.
import type {
  AckRequest,
  ActiveAlarm,
  AlarmMetrics,
  JournalEntry,
  ShelveRequest,
  EngineTarget,
  History,
  HistoryQuery,
  LiveBatch,
  PlantInfo,
  SettingsView,
  SimulatorCommand,
  SimulatorView,
  Snapshot,
} from "../bindings";
import type { EngineClient, LinkState, Unsubscribe } from "./types";

/** Reconnect delays, ms: quick at first, then at most every 5 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(5000, 250 * 2 ** Math.max(0, attempt));
}

export function wsUrl(base: string): string {
  const u = new URL("/api/live", base);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  return u.toString();
}

export class HttpClient implements EngineClient {
  readonly target: EngineTarget | { kind: "browser"; api_url: string };
  private readonly base: string;

  constructor(base: string, target?: EngineTarget) {
    this.base = base.replace(/\/$/, "");
    this.target = target ?? { kind: "browser", api_url: this.base };
  }

  private async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const r = await fetch(`${this.base}${path}`, signal ? { signal } : {});
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return (await r.json()) as T;
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    const r = await fetch(`${this.base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    // The engine explains a refusal in words: show them, not just the status.
    if (!r.ok) throw new Error((await r.text()) || `${path}: HTTP ${r.status}`);
    return (await r.json()) as T;
  }

  alarms(): Promise<ActiveAlarm[]> {
    return this.get("/api/alarms");
  }

  ackAlarms(req: AckRequest): Promise<number> {
    return this.post("/api/alarms/ack", req);
  }

  shelveAlarm(req: ShelveRequest): Promise<number> {
    return this.post("/api/alarms/shelve", req);
  }

  alarmJournal(from: number, to: number): Promise<JournalEntry[]> {
    return this.get(`/api/alarms/journal?from=${from}&to=${to}`);
  }

  alarmMetrics(from: number, to: number): Promise<AlarmMetrics> {
    return this.get(`/api/alarms/metrics?from=${from}&to=${to}`);
  }

  settings(): Promise<SettingsView> {
    return this.get("/api/settings");
  }

  simulator(device: string): Promise<SimulatorView> {
    return this.get(`/api/simulator/${encodeURIComponent(device)}`);
  }

  simulatorCommand(device: string, command: SimulatorCommand): Promise<SimulatorView> {
    return this.post(`/api/simulator/${encodeURIComponent(device)}`, command);
  }

  plant(): Promise<PlantInfo> {
    return this.get("/api/plant");
  }

  snapshot(): Promise<Snapshot> {
    return this.get("/api/snapshot");
  }

  history(q: HistoryQuery, signal?: AbortSignal): Promise<History> {
    const p = new URLSearchParams({
      tag: q.tag,
      from: String(q.from),
      to: String(q.to),
      buckets: String(q.buckets),
    });
    return this.get(`/api/history?${p.toString()}`, signal);
  }

  subscribe(onBatch: (b: LiveBatch) => void, onLink: (s: LinkState) => void): Unsubscribe {
    let ws: WebSocket | undefined;
    let closed = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      onLink("connecting");
      ws = new WebSocket(wsUrl(this.base + "/"));
      ws.onopen = () => {
        attempt = 0;
        onLink("live");
      };
      ws.onmessage = (ev: MessageEvent) => {
        if (typeof ev.data === "string") onBatch(JSON.parse(ev.data) as LiveBatch);
      };
      ws.onclose = () => {
        if (closed) return;
        onLink("lost");
        timer = setTimeout(open, reconnectDelay(attempt++));
      };
    };
    open();
    return () => {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      ws?.close();
    };
  }
}
