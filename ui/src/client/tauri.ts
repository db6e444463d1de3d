// The engine inside the desktop process: Tauri commands, and a channel for live data.
import { Channel, invoke } from "@tauri-apps/api/core";
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
  ExportQuery,
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
import type { EngineClient, LinkState, ReportRequest, Unsubscribe } from "./types";

export class TauriClient implements EngineClient {
  constructor(readonly target: EngineTarget) {}

  changeSetting(req: SettingChange): Promise<SettingResult> {
    return invoke<SettingResult>("change_setting", { req });
  }

  /** The desktop window is the person at this PC: no login. */
  session(): Promise<SessionInfo> {
    return Promise.resolve({ login_required: false, user: null, role: "admin", writes_enabled: true });
  }

  login(): Promise<SessionInfo> {
    return this.session();
  }

  logout(): Promise<void> {
    return Promise.resolve();
  }

  writableTags(): Promise<WritableTag[]> {
    return invoke<WritableTag[]>("writable_tags");
  }

  writePrepare(req: WriteRequest): Promise<Prepared> {
    return invoke<Prepared>("write_prepare", { req });
  }

  writeConfirm(token: string): Promise<WriteResult> {
    return invoke<WriteResult>("write_confirm", { req: { token } });
  }

  optimiser(): Promise<OptimiserView> {
    return invoke<OptimiserView>("optimiser");
  }

  optimiserRun(): Promise<void> {
    return invoke<void>("optimiser_run");
  }

  optimiserCancel(): Promise<boolean> {
    return invoke<boolean>("optimiser_cancel");
  }

  optimiserDecide(id: string, decision: Decision): Promise<SuggestionView> {
    return invoke<SuggestionView>("optimiser_decide", { id, decision });
  }

  evaluation(): Promise<EvaluationView> {
    return invoke<EvaluationView>("optimiser_evaluation");
  }

  evaluate(req: EvaluationRequest): Promise<void> {
    return invoke<void>("optimiser_evaluate", { req });
  }

  audit(query: AuditQuery): Promise<AuditEntry[]> {
    return invoke<AuditEntry[]>("audit", { query });
  }

  auditVerify(): Promise<AuditVerification> {
    return invoke<AuditVerification>("audit_verify");
  }

  saveAudit(query: AuditQuery): Promise<string> {
    return invoke<string>("audit_csv", { query });
  }

  plant(): Promise<PlantInfo> {
    return invoke<PlantInfo>("plant_info");
  }

  snapshot(): Promise<Snapshot> {
    return invoke<Snapshot>("snapshot");
  }

  history(query: HistoryQuery, signal?: AbortSignal): Promise<History> {
    // An IPC call cannot be withdrawn: a cancelled load's answer is dropped when it comes.
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new DOMException("cancelled", "AbortError"));
      signal?.addEventListener("abort", () => reject(new DOMException("cancelled", "AbortError")));
      invoke<History>("history", { query }).then(resolve, reject);
    });
  }

  alarms(all = false): Promise<ActiveAlarm[]> {
    return invoke<ActiveAlarm[]>("alarms", { all });
  }

  ackAlarms(req: AckRequest): Promise<number> {
    return invoke<number>("alarms_ack", { req });
  }

  shelveAlarm(req: ShelveRequest): Promise<number> {
    return invoke<number>("alarms_shelve", { req });
  }

  setAlarmService(req: ServiceRequest): Promise<number> {
    return invoke<number>("alarms_service", { req });
  }

  alarmJournal(q: JournalQuery): Promise<JournalEntry[]> {
    return invoke<JournalEntry[]>("alarm_journal", { query: q });
  }

  saveAlarmJournal(q: JournalQuery): Promise<string> {
    return invoke<string>("alarm_journal_csv", { query: q });
  }

  alarmMetrics(from: number, to: number): Promise<AlarmMetrics> {
    return invoke<AlarmMetrics>("alarm_metrics", { from, to });
  }

  emissionsDay(date?: string): Promise<DayReport> {
    return invoke<DayReport>("emissions_day", { date: date ?? null });
  }

  emissionsMonth(month?: string): Promise<MonthReport> {
    return invoke<MonthReport>("emissions_month", { month: month ?? null });
  }

  addEmissionMark(req: MarkRequest): Promise<Mark> {
    return invoke<Mark>("add_emission_mark", { req });
  }

  withdrawEmissionMark(req: WithdrawRequest): Promise<Mark> {
    return invoke<Mark>("withdraw_emission_mark", { req });
  }

  saveReport(r: ReportRequest): Promise<string> {
    return invoke<string>("save_report", { ...r });
  }

  settings(): Promise<SettingsView> {
    return invoke<SettingsView>("settings");
  }

  simulator(device: string): Promise<SimulatorView> {
    return invoke<SimulatorView>("simulator", { device });
  }

  simulatorCommand(device: string, command: SimulatorCommand): Promise<SimulatorView> {
    return invoke<SimulatorView>("simulator_command", { device, command });
  }

  subscribe(onBatch: (b: LiveBatch) => void, onLink: (s: LinkState) => void): Unsubscribe {
    let active = true;
    const channel = new Channel<LiveBatch>();
    channel.onmessage = (b) => {
      if (active) onBatch(b);
    };
    onLink("connecting");
    invoke("subscribe_live", { onEvent: channel }).then(
      () => onLink("live"),
      () => onLink("lost"),
    );
    return () => {
      active = false;
    };
  }
}

/** Ask the shell how to reach the engine, and register for the close prompt. */
export async function desktopTarget(): Promise<EngineTarget> {
  return invoke<EngineTarget>("engine_target");
}

export function onCloseRequested(handler: () => void): void {
  const channel = new Channel<null>();
  channel.onmessage = () => handler();
  void invoke("on_close_requested", { onEvent: channel });
}

export function answerClose(choice: "tray" | "quit"): Promise<void> {
  return invoke("close_choice", { choice });
}

/** Export to CSV from the desktop window: the shell writes the file into Downloads (a webview
 * cannot save a download). Resolves to the file's path; aborting `signal` stops the export. */
export function exportToDownloads(
  query: ExportQuery,
  onProgress: (fraction: number) => void,
  signal: AbortSignal,
): Promise<string> {
  const channel = new Channel<number>();
  channel.onmessage = onProgress;
  const onAbort = () => void invoke("cancel_export");
  signal.addEventListener("abort", onAbort);
  return invoke<string>("export_csv", { query, onProgress: channel }).finally(() =>
    signal.removeEventListener("abort", onAbort),
  );
}
