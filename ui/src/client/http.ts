// The engine over HTTP and WebSocket: `hearth serve` in a browser, or a desktop window attached
// to a running engine.
import type {
  Decision,
  EvaluationRequest,
  EvaluationView,
  OptimiserView,
  SuggestionView,
  AckRequest,
  ActiveAlarm,
  AlarmMetrics,
  DayReport,
  JournalEntry,
  JournalQuery,
  Mark,
  MarkRequest,
  MonthReport,
  WithdrawRequest,
  ServiceRequest,
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
  AuditEntry,
  AuditQuery,
  AuditVerification,
  Prepared,
  SessionInfo,
  WritableTag,
  WriteRequest,
  WriteResult,
  SettingChange,
  SettingResult,
} from "../bindings";
import { invoke } from "@tauri-apps/api/core";
import { inDesktop } from "./env";
import type { EngineClient, LinkState, ReportRequest, Unsubscribe } from "./types";


/** Reconnect delays, ms: quick at first, then at most every 5 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(5000, 250 * 2 ** Math.max(0, attempt));
}

/** The live stream's address; a WebSocket cannot carry headers, so a key goes in the query. */
export function wsUrl(base: string, token?: string | null): string {
  const u = new URL("/api/live", base);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  if (token) u.searchParams.set("access_token", token);
  return u.toString();
}

/** An audit query as URL parameters, leaving out what is not asked. */
export function auditParams(q: AuditQuery): string {
  const p = new URLSearchParams({ from: String(q.from), to: String(q.to) });
  if (q.limit != null) p.set("limit", String(q.limit));
  if (q.target) p.set("target", q.target);
  if (q.outcome) p.set("outcome", q.outcome);
  return p.toString();
}

/** A journal query as URL parameters, leaving out what is not asked. */
export function journalParams(q: JournalQuery): string {
  const p = new URLSearchParams({ from: String(q.from), to: String(q.to) });
  if (q.limit != null) p.set("limit", String(q.limit));
  if (q.alarm) p.set("alarm", q.alarm);
  if (q.priority) p.set("priority", q.priority);
  if (q.state) p.set("state", q.state);
  return p.toString();
}

/** The engine wants a login first (a session expired, or none was opened). */
export class LoginRequired extends Error {
  constructor() {
    super("login required");
  }
}

export class HttpClient implements EngineClient {
  readonly target: EngineTarget | { kind: "browser"; api_url: string };
  private readonly base: string;

  constructor(base: string, target?: EngineTarget) {
    this.base = base.replace(/\/$/, "");
    this.target = target ?? { kind: "browser", api_url: this.base };
  }

  /** A desktop window attached to this PC's engine presents its local key and OS user; a
   * browser its session cookie (sent by itself). */
  private headers(): Record<string, string> {
    const t = this.target;
    return t.kind === "attached" && t.token ? { authorization: `Bearer ${t.token}`, "x-hearth-user": t.user } : {};
  }

  private async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const r = await fetch(`${this.base}${path}`, { headers: this.headers(), ...(signal ? { signal } : {}) });
    if (r.status === 401) throw new LoginRequired();
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return (await r.json()) as T;
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    const r = await fetch(`${this.base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...this.headers() },
      body: JSON.stringify(body),
    });
    if (r.status === 401 && path !== "/api/login") throw new LoginRequired();
    // The engine explains a refusal in words: show them, not just the status.
    if (!r.ok) throw new Error((await r.text()) || `${path}: HTTP ${r.status}`);
    return (await r.json()) as T;
  }

  /** An operator action carries who did it: the OS user of a desktop window attached to the
   * engine; a browser names nobody (the engine records it as a browser and its address). */
  private signed<T extends { user: string }>(req: T): T {
    return { ...req, user: this.target.kind === "attached" ? this.target.user : "" };
  }

  alarms(all = false): Promise<ActiveAlarm[]> {
    return this.get(all ? "/api/alarms?all=true" : "/api/alarms");
  }

  ackAlarms(req: AckRequest): Promise<number> {
    return this.post("/api/alarms/ack", this.signed(req));
  }

  shelveAlarm(req: ShelveRequest): Promise<number> {
    return this.post("/api/alarms/shelve", this.signed(req));
  }

  setAlarmService(req: ServiceRequest): Promise<number> {
    return this.post("/api/alarms/service", this.signed(req));
  }

  alarmJournal(q: JournalQuery): Promise<JournalEntry[]> {
    return this.get(`/api/alarms/journal?${journalParams(q)}`);
  }

  saveAlarmJournal(q: JournalQuery): Promise<string> {
    // A desktop window attached to an engine cannot save a download: its shell writes the file.
    if (inDesktop()) return invoke<string>("alarm_journal_csv", { query: q });
    const a = document.createElement("a");
    a.href = `${this.base}/api/alarms/journal.csv?${journalParams(q)}`;
    a.download = "";
    a.click();
    return Promise.resolve("");
  }

  alarmMetrics(from: number, to: number): Promise<AlarmMetrics> {
    return this.get(`/api/alarms/metrics?from=${from}&to=${to}`);
  }

  emissionsDay(date?: string): Promise<DayReport> {
    return this.get(`/api/emissions/day${date ? `?date=${encodeURIComponent(date)}` : ""}`);
  }

  emissionsMonth(month?: string): Promise<MonthReport> {
    return this.get(`/api/emissions/month${month ? `?month=${encodeURIComponent(month)}` : ""}`);
  }

  addEmissionMark(req: MarkRequest): Promise<Mark> {
    return this.post("/api/emissions/marks", this.signed(req));
  }

  withdrawEmissionMark(req: WithdrawRequest): Promise<Mark> {
    return this.post("/api/emissions/marks/withdraw", this.signed(req));
  }

  saveReport(r: ReportRequest): Promise<string> {
    if (inDesktop()) return invoke<string>("save_report", { ...r });
    const a = document.createElement("a");
    a.href = `${this.base}/api/emissions/report?${new URLSearchParams({ ...r }).toString()}`;
    a.download = "";
    a.click();
    return Promise.resolve("");
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

  changeSetting(c: SettingChange): Promise<SettingResult> {
    return this.post("/api/settings/change", c);
  }

  session(): Promise<SessionInfo> {
    return this.get("/api/session");
  }

  login(name: string, password: string): Promise<SessionInfo> {
    return this.post("/api/login", { name, password });
  }

  async logout(): Promise<void> {
    await fetch(`${this.base}/api/logout`, { method: "POST", headers: this.headers() });
  }

  writableTags(): Promise<WritableTag[]> {
    return this.get("/api/writes");
  }

  writePrepare(req: WriteRequest): Promise<Prepared> {
    return this.post("/api/writes/prepare", req);
  }

  writeConfirm(token: string): Promise<WriteResult> {
    return this.post("/api/writes/confirm", { token });
  }

  optimiser(): Promise<OptimiserView> {
    return this.get("/api/optimiser");
  }

  async optimiserRun(): Promise<void> {
    await this.post<boolean>("/api/optimiser/run", {});
  }

  optimiserCancel(): Promise<boolean> {
    return this.post("/api/optimiser/cancel", {});
  }

  optimiserDecide(id: string, d: Decision): Promise<SuggestionView> {
    return this.post(`/api/optimiser/${encodeURIComponent(id)}/decide`, d);
  }

  evaluation(): Promise<EvaluationView> {
    return this.get("/api/optimiser/evaluation");
  }

  async evaluate(req: EvaluationRequest): Promise<void> {
    await this.post<boolean>("/api/optimiser/evaluation", req);
  }

  audit(q: AuditQuery): Promise<AuditEntry[]> {
    return this.get(`/api/audit?${auditParams(q)}`);
  }

  auditVerify(): Promise<AuditVerification> {
    return this.get("/api/audit/verify");
  }

  saveAudit(q: AuditQuery): Promise<string> {
    if (inDesktop()) return invoke<string>("audit_csv", { query: q });
    const a = document.createElement("a");
    a.href = `${this.base}/api/audit.csv?${auditParams(q)}`;
    a.download = "";
    a.click();
    return Promise.resolve("");
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
      const t = this.target;
      ws = new WebSocket(wsUrl(this.base + "/", t.kind === "attached" ? t.token : null));
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
