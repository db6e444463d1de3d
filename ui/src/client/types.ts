// The one interface every page uses to reach the engine, whichever way it runs.
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

export type Unsubscribe = () => void;

export interface ReportRequest {
  period: "day" | "month";
  /** `YYYY-MM-DD` or `YYYY-MM`. */
  of: string;
  format: "csv" | "pdf";
  lang: string;
}

export type LinkState = "connecting" | "live" | "lost";

export interface EngineClient {
  /** How this window reaches the engine, for the header and Settings. */
  readonly target: EngineTarget | { kind: "browser"; api_url: string };
  plant(): Promise<PlantInfo>;
  snapshot(): Promise<Snapshot>;
  /** Live batches until unsubscribed; `onLink` reports the connection itself. */
  subscribe(onBatch: (b: LiveBatch) => void, onLink: (s: LinkState) => void): Unsubscribe;
  /** One tag over `[from, to)` in equal buckets (raw points or a rollup, the engine picks). */
  history(q: HistoryQuery, signal?: AbortSignal): Promise<History>;
  /** Alarms not normal, shelved or out of service, highest priority first; with `all`, every
   * configured alarm. */
  alarms(all?: boolean): Promise<ActiveAlarm[]>;
  /** Acknowledge one alarm or all; resolves to how many changed. */
  ackAlarms(req: AckRequest): Promise<number>;
  /** Shelve an alarm (or unshelve: neither minutes nor one-shot). */
  shelveAlarm(req: ShelveRequest): Promise<number>;
  /** Take an alarm out of service (a reason is required) or return it to service. */
  setAlarmService(req: ServiceRequest): Promise<number>;
  /** The alarm journal entries a query asks for, oldest first. */
  alarmJournal(q: JournalQuery): Promise<JournalEntry[]>;
  /** Save what a journal query asks for as CSV: a download in the browser, a file in Downloads
   * from the desktop window. Resolves to the file's path when the shell wrote it, else "". */
  saveAlarmJournal(q: JournalQuery): Promise<string>;
  alarmMetrics(from: number, to: number): Promise<AlarmMetrics>;
  /** A plant day's emissions and energy (`YYYY-MM-DD`; today when absent). */
  emissionsDay(date?: string): Promise<DayReport>;
  /** A plant month's (`YYYY-MM`; this month when absent). */
  emissionsMonth(month?: string): Promise<MonthReport>;
  /** Mark a period as start-up, shutdown or calibration (excluded from the averages, audited). */
  addEmissionMark(req: MarkRequest): Promise<Mark>;
  /** Withdraw a mark; it stays on record as withdrawn. */
  withdrawEmissionMark(req: WithdrawRequest): Promise<Mark>;
  /** Save a report as CSV or PDF: a download in the browser, a file in Downloads from the
   * desktop window (resolves to its path, else ""). */
  saveReport(r: ReportRequest): Promise<string>;
  /** The configuration in effect, its validation now, the data dir and the engine. */
  settings(): Promise<SettingsView>;
  /** What a simulator device is doing. */
  simulator(device: string): Promise<SimulatorView>;
  /** Change a simulator device; resolves to what it is doing afterwards. */
  simulatorCommand(device: string, command: SimulatorCommand): Promise<SimulatorView>;
  /** Change a limit, factor or price while the engine runs (engineers; audited). */
  changeSetting(c: SettingChange): Promise<SettingResult>;
  /** Who this window is and whether it must log in first (the desktop window never does). */
  session(): Promise<SessionInfo>;
  /** Log in to `hearth serve`; rejects with the engine's words (wrong password, too many tries). */
  login(name: string, password: string): Promise<SessionInfo>;
  logout(): Promise<void>;
  /** The tags Hearth may write, with their policies and why writing is blocked from here. */
  writableTags(): Promise<WritableTag[]>;
  /** Step one of a write: checked and proposed for confirmation, or refused (and audited). */
  writePrepare(req: WriteRequest): Promise<Prepared>;
  /** Step two: the confirmation with the proposal's one-time token. */
  writeConfirm(token: string): Promise<WriteResult>;
  /** Audit records, newest first. */
  audit(q: AuditQuery): Promise<AuditEntry[]>;
  auditVerify(): Promise<AuditVerification>;
  /** Save audit records as CSV: a download in the browser, a file in Downloads from the
   * desktop window (resolves to its path, else ""). */
  saveAudit(q: AuditQuery): Promise<string>;
  /** The optimiser: the current suggestion, the run in progress, the history. */
  optimiser(): Promise<OptimiserView>;
  /** Start a run now (engineers). */
  optimiserRun(): Promise<void>;
  /** Cancel the run in progress. */
  optimiserCancel(): Promise<boolean>;
  /** Accept or reject a pending suggestion (audited; a rejection needs a reason). */
  optimiserDecide(id: string, d: Decision): Promise<SuggestionView>;
  /** Shadow mode: the scenarios, the evaluation running, the last report. */
  evaluation(): Promise<EvaluationView>;
  /** Start a shadow-mode evaluation (engineers). */
  evaluate(req: EvaluationRequest): Promise<void>;
}
