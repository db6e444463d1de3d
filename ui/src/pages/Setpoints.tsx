// Setpoint writes and the audit log: the tags Hearth may write with their policies, the
// two-step write (value and reason, then old and new confirmed within the token's life), its
// outcome after the read-back, and every attempt on record with the chain's verification.
import { For, Match, Show, Switch, createEffect, createResource, createSignal, onCleanup } from "solid-js";
import type {
  AuditOutcome,
  AuditQuery,
  AuditVerification,
  PlantInfo,
  WritableTag,
  WriteProposal,
  WriteResult,
} from "../bindings";
import type { EngineClient } from "../client";
import { formatPlantTime, formatValue, unitSymbol } from "../format";
import { type Key, locale, qualityLabel, t } from "../i18n";
import type { Live } from "../state";

const OUTCOMES: AuditOutcome[] = ["ok", "rejected", "failed", "unknown"];
const DAY_MS = 86_400_000;

/** The decimals a write of this tag is shown with: enough for its limits and step. */
function decimalsFor(w: WritableTag): number {
  const places = (x: number) => (Number.isInteger(x) ? 0 : (String(x).split(".")[1]?.length ?? 0));
  return Math.min(4, Math.max(1, places(w.min), places(w.max), places(w.max_step)));
}

/** A write the optimiser page hands over: `#setpoints?tag=…&value=…&suggestion=…`, or
 * `…&wayback=1` for the way back to the standard practice (`suggestion` null). */
export interface Handed {
  tag: string;
  value: number;
  suggestion: string | null;
}

/** The write a route hands over, if it carries a complete one. */
export function handedWrite(params: URLSearchParams): Handed | null {
  const tag = params.get("tag") ?? "";
  const value = Number(params.get("value"));
  const suggestion = params.get("suggestion") ?? "";
  const wayBack = params.get("wayback") === "1";
  if (!tag || !Number.isFinite(value) || params.get("value") === null) return null;
  if (suggestion) return { tag, value, suggestion };
  return wayBack ? { tag, value, suggestion: null } : null;
}

/** The reason a handed write starts with. */
function handedReason(h: Handed): string {
  return h.suggestion === null ? t("optimiser.wayBackReason") : t("optimiser.writeReason").replace("{id}", h.suggestion);
}

type Step =
  | { kind: "edit"; tag: WritableTag; handed?: Handed }
  | { kind: "confirm"; tag: WritableTag; proposal: WriteProposal; deadline: number }
  | { kind: "done"; tag: WritableTag; result: WriteResult };

export function Setpoints(props: { client: EngineClient; plant: PlantInfo; live: Live; handed?: Handed | null }) {
  const [tags] = createResource(() => props.client.writableTags());
  const [filter, setFilter] = createSignal<{ target: string; outcome: AuditOutcome | "" }>({
    target: "",
    outcome: "",
  });
  const query = (): AuditQuery => {
    const f = filter();
    return {
      from: props.live.live.now_ms - 30 * DAY_MS,
      to: props.live.live.now_ms + DAY_MS,
      limit: 500,
      target: f.target || null,
      outcome: f.outcome || null,
    };
  };
  const [records, { refetch }] = createResource(filter, () => props.client.audit(query()));
  const [verified, setVerified] = createSignal<AuditVerification | null>(null);
  const [step, setStep] = createSignal<Step | null>(null);
  const [error, setError] = createSignal("");
  const current = (name: string) => props.live.live.tags[name];
  const tz = props.plant.time_zone;

  const verify = async () => setVerified(await props.client.auditVerify());
  // A suggestion's setpoint opens the write dialog with its value and reason filled in: the
  // same checks, confirmation, read-back and audit as any write.
  createEffect(() => {
    const h = props.handed;
    const w = h && tags.latest?.find((x) => x.tag === h.tag);
    if (h && w && !w.blocked && step() === null) setStep({ kind: "edit", tag: w, handed: h });
  });

  return (
    <section class="setpoints">
      <h2>{t("writes.title")}</h2>
      <Show when={tags.error as unknown}>
        <div class="banner banner-alarm" role="alert">
          {String(tags.error)}
        </div>
      </Show>
      <Show when={tags.latest?.length === 0}>
        <p class="muted" data-testid="no-writable">
          {t("writes.none")}
        </p>
      </Show>
      <Show when={(tags.latest?.length ?? 0) > 0}>
        <table class="grid" data-testid="writable-tags">
          <thead>
            <tr>
              <th>{t("devices.tag")}</th>
              <th>{t("devices.description")}</th>
              <th>{t("devices.value")}</th>
              <th>{t("writes.limits")}</th>
              <th>{t("writes.maxStep")}</th>
              <th>{t("writes.minInterval")}</th>
              <th>{t("writes.permissive")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            <For each={tags.latest}>
              {(w) => (
                <tr data-tag={w.tag}>
                  <td>{w.tag}</td>
                  <td>{w.description}</td>
                  <td class="num">
                    {formatValue(current(w.tag)?.value, decimalsFor(w), locale())} {unitSymbol(w.unit)}
                    <Show when={current(w.tag) && current(w.tag)?.quality !== "Good"}>
                      {" "}
                      <span class="quality-bad">{qualityLabel(current(w.tag)?.quality ?? "")}</span>
                    </Show>
                  </td>
                  <td class="num">
                    {w.min} – {w.max}
                  </td>
                  <td class="num">{w.max_step}</td>
                  <td class="num">{w.min_interval_s} s</td>
                  <td>
                    <Show when={w.permissive} fallback="—">
                      {(p) => (
                        <>
                          {p()} = {formatValue(current(p())?.value, 0, locale())}
                        </>
                      )}
                    </Show>
                  </td>
                  <td>
                    <Show
                      when={!w.blocked}
                      fallback={
                        <span class="muted" data-testid="write-blocked">
                          {w.blocked}
                        </span>
                      }
                    >
                      <button
                        data-testid="write-open"
                        onClick={() => {
                          setError("");
                          setStep({ kind: "edit", tag: w });
                        }}
                      >
                        {t("writes.change")}
                      </button>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>

      <h2>{t("audit.title")}</h2>
      <div class="toolbar">
        <input
          placeholder={t("audit.filterTarget")}
          value={filter().target}
          onChange={(e) => setFilter({ ...filter(), target: e.currentTarget.value.trim() })}
        />
        <select
          value={filter().outcome}
          onChange={(e) => setFilter({ ...filter(), outcome: e.currentTarget.value as AuditOutcome | "" })}
        >
          <option value="">{t("audit.allOutcomes")}</option>
          <For each={OUTCOMES}>{(o) => <option value={o}>{t(`audit.outcome.${o}` as Key)}</option>}</For>
        </select>
        <button onClick={() => void refetch()}>{t("audit.refresh")}</button>
        <button data-testid="audit-verify" onClick={() => void verify()}>
          {t("audit.verify")}
        </button>
        <button onClick={() => void props.client.saveAudit(query())}>{t("audit.export")}</button>
      </div>
      <Show when={verified()}>
        {(v) => (
          <div
            class={v().problems.length === 0 ? "banner banner-ok" : "banner banner-alarm"}
            role="status"
            data-testid="audit-verification"
          >
            <Show
              when={v().problems.length === 0}
              fallback={
                <>
                  {t("audit.tampered")}
                  <ul>
                    <For each={v().problems}>{(p) => <li>{p}</li>}</For>
                  </ul>
                </>
              }
            >
              {t("audit.intact")} {v().records} · {v().head_hash}
            </Show>
          </div>
        )}
      </Show>
      <table class="grid" data-testid="audit-log">
        <thead>
          <tr>
            <th>#</th>
            <th>{t("trends.time")}</th>
            <th>{t("audit.user")}</th>
            <th>{t("audit.target")}</th>
            <th>{t("audit.old")}</th>
            <th>{t("audit.requested")}</th>
            <th>{t("audit.readBack")}</th>
            <th>{t("audit.reason")}</th>
            <th>{t("audit.outcome")}</th>
            <th>{t("audit.detail")}</th>
          </tr>
        </thead>
        <tbody>
          <For each={records.latest ?? []}>
            {(e) => (
              <tr class={`outcome-${e.outcome}`} data-seq={e.seq}>
                <td class="num">{e.seq}</td>
                <td>{formatPlantTime(e.at_ms, tz)}</td>
                <td>{e.user}</td>
                <td>
                  {e.target} <span class="muted">{e.source}</span>
                </td>
                <td class="num">{e.old_value ?? "—"}</td>
                <td class="num">{e.requested}</td>
                <td class="num">{e.read_back ?? "—"}</td>
                <td>{e.reason}</td>
                <td>{t(`audit.outcome.${e.outcome}` as Key)}</td>
                <td>{e.detail}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>

      <Show when={step()}>
        {(s) => (
          <WriteDialog
            client={props.client}
            step={s()}
            current={current(s().tag.tag)?.value ?? null}
            error={error()}
            onError={setError}
            onStep={(next) => {
              setStep(next);
              if (next?.kind === "done" || next === null) void refetch();
            }}
          />
        )}
      </Show>
    </section>
  );
}

function WriteDialog(props: {
  client: EngineClient;
  step: Step;
  current: number | null;
  error: string;
  onError: (e: string) => void;
  onStep: (s: Step | null) => void;
}) {
  const w = () => props.step.tag;
  const handed = () => (props.step.kind === "edit" ? props.step.handed : undefined);
  const initial = handed()?.value ?? props.current;
  const [value, setValue] = createSignal(initial === null || initial === undefined ? "" : initial.toFixed(decimalsFor(w())));
  const h0 = handed();
  const [reason, setReason] = createSignal(h0 ? handedReason(h0) : "");
  const [busy, setBusy] = createSignal(false);
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 250);
  onCleanup(() => clearInterval(timer));

  const review = async () => {
    props.onError("");
    const v = Number(value().replace(",", "."));
    if (!Number.isFinite(v)) return props.onError(t("writes.notANumber"));
    if (!reason().trim()) return props.onError(t("writes.reasonRequired"));
    setBusy(true);
    try {
      const p = await props.client.writePrepare({
        tag: w().tag,
        value: v,
        reason: reason(),
        suggestion: handed()?.suggestion ?? null,
      });
      if (p.state === "refused") props.onError(p.detail);
      else props.onStep({ kind: "confirm", tag: w(), proposal: p, deadline: Date.now() + p.expires_in_ms });
    } catch (e) {
      props.onError(String(e));
    } finally {
      setBusy(false);
    }
  };
  const confirm = async (p: WriteProposal) => {
    setBusy(true);
    try {
      const result = await props.client.writeConfirm(p.token);
      props.onStep({ kind: "done", tag: w(), result });
    } catch (e) {
      props.onError(String(e));
    } finally {
      setBusy(false);
    }
  };
  const left = (deadline: number) => Math.max(0, Math.ceil((deadline - now()) / 1000));

  return (
    <div class="modal-backdrop">
      <div class="modal write-dialog" role="dialog" aria-modal="true" data-testid="write-dialog">
        <h2>
          {t("writes.dialogTitle")} {w().tag}
        </h2>
        <p class="muted">{w().description}</p>
        <Switch>
          <Match when={props.step.kind === "edit"}>
            <label>
              {t("writes.newValue")} ({unitSymbol(w().unit)}, {w().min} – {w().max}, {t("writes.maxStep")}{" "}
              {w().max_step})
              <input
                data-testid="write-value"
                inputmode="decimal"
                value={value()}
                onInput={(e) => setValue(e.currentTarget.value)}
              />
            </label>
            <label>
              {t("writes.reason")}
              <textarea data-testid="write-reason" value={reason()} onInput={(e) => setReason(e.currentTarget.value)} />
            </label>
            <div class="actions">
              <button class="primary" data-testid="write-review" disabled={busy()} onClick={() => void review()}>
                {t("writes.review")}
              </button>
              <button onClick={() => props.onStep(null)}>{t("close.cancel")}</button>
            </div>
          </Match>
          <Match when={props.step.kind === "confirm" && props.step}>
            {(s) => {
              const c = s() as Extract<Step, { kind: "confirm" }>;
              return (
                <>
                  <table class="values" data-testid="write-proposal">
                    <tbody>
                      <tr>
                        <td>{t("writes.device")}</td>
                        <td>{c.proposal.device}</td>
                      </tr>
                      <tr>
                        <td>{t("audit.old")}</td>
                        <td class="num" data-testid="write-old">
                          {c.proposal.old_value} {unitSymbol(c.proposal.unit)}
                        </td>
                      </tr>
                      <tr>
                        <td>{t("audit.requested")}</td>
                        <td class="num" data-testid="write-new">
                          {c.proposal.new_value} {unitSymbol(c.proposal.unit)}
                        </td>
                      </tr>
                      <tr>
                        <td>{t("writes.reason")}</td>
                        <td>{c.proposal.reason}</td>
                      </tr>
                    </tbody>
                  </table>
                  <p data-testid="write-expiry">
                    {left(c.deadline) > 0 ? `${t("writes.confirmWithin")} ${left(c.deadline)} s` : t("writes.expired")}
                  </p>
                  <div class="actions">
                    <button
                      class="primary"
                      data-testid="write-confirm"
                      disabled={busy() || left(c.deadline) === 0}
                      onClick={() => void confirm(c.proposal)}
                    >
                      {t("writes.confirm")}
                    </button>
                    <button onClick={() => props.onStep(null)}>{t("close.cancel")}</button>
                  </div>
                </>
              );
            }}
          </Match>
          <Match when={props.step.kind === "done" && props.step}>
            {(s) => {
              const r = (s() as Extract<Step, { kind: "done" }>).result;
              return (
                <>
                  <p class={`outcome-${r.outcome}`} data-testid="write-outcome" data-outcome={r.outcome}>
                    {t(`writes.outcome.${r.outcome}` as Key)}
                  </p>
                  <p>
                    {t("audit.readBack")}: {r.read_back ?? "—"} · {r.detail}
                  </p>
                  <div class="actions">
                    <button class="primary" onClick={() => props.onStep(null)}>
                      {t("writes.close")}
                    </button>
                  </div>
                </>
              );
            }}
          </Match>
        </Switch>
        <Show when={props.error}>
          <p class="write-error" role="alert" data-testid="write-error">
            {props.error}
          </p>
        </Show>
      </div>
    </div>
  );
}
