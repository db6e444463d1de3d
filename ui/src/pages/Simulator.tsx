// The bundled simulator's controls: speed, the mill's pace, charge temperature, the steel grade
// mix, the faults to start and clear, and the scenario's timeline. The engine drives the
// simulator it runs through the library API and an external one through its control registers.
import { For, Show, createResource, createSignal, onCleanup } from "solid-js";
import type { FaultState, GradeMix, PlantInfo, SimulatorCommand, SimulatorView } from "../bindings";
import type { EngineClient } from "../client";
import { formatValue } from "../format";
import { type Key, locale, t } from "../i18n";
import { eventUnit, timelineMarks } from "../simulator";

export function Simulator(props: { client: EngineClient; plant: PlantInfo }) {
  const [device, setDevice] = createSignal(props.plant.simulators[0] ?? "");
  const [view, { mutate, refetch }] = createResource(device, (d) => props.client.simulator(d));
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  // The page follows the simulator (a scenario changes things too) without a flicker: the
  // resource keeps its last value while refetching.
  const timer = setInterval(() => void refetch(), 2000);
  onCleanup(() => clearInterval(timer));

  const send = async (cmd: SimulatorCommand) => {
    setBusy(true);
    setError(null);
    try {
      mutate(await props.client.simulatorCommand(device(), cmd));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const num = (v: number, d = 1) => formatValue(v, d, locale());

  return (
    <section class="simulator">
      <Show when={props.plant.simulators.length > 1}>
        <label class="field">
          {t("sim.device")}
          <select value={device()} onChange={(e) => setDevice(e.currentTarget.value)}>
            <For each={props.plant.simulators}>{(d) => <option value={d}>{d}</option>}</For>
          </select>
        </label>
      </Show>
      <Show when={error()}>
        {(e) => (
          <div class="banner banner-alarm" role="alert" data-testid="sim-error">
            {e()}
          </div>
        )}
      </Show>
      <Show when={view.error as unknown}>
        <div class="banner banner-alarm" role="alert">
          {String(view.error)}
        </div>
      </Show>
      <Show when={view.latest}>
        {(v) => (
          <div class="sim-grid">
            <div class="panel sim-plant">
              <h3>
                {v().device} · {t(`sim.mode.${v().mode}` as Key)} · {v().address}
              </h3>
              <Setting
                label={t("sim.speed")}
                unit="×"
                current={v().speed}
                shown={num(v().speed, 0)}
                disabled={busy()}
                testid="speed"
                apply={(x) => send({ do: "speed", speed: x })}
              />
              <Setting
                label={t("sim.pace")}
                unit="t/h"
                current={v().pace_tph}
                shown={num(v().pace_tph)}
                note={
                  v().mill_delay_min !== null
                    ? `${t("sim.millDelay")} ${num(v().mill_delay_min ?? 0, 0)} min`
                    : undefined
                }
                disabled={busy()}
                testid="pace"
                apply={(x) => send({ do: "pace", tph: x })}
              />
              <Setting
                label={t("sim.chargeTemp")}
                unit="°C"
                current={v().charge_temp_c}
                shown={num(v().charge_temp_c)}
                disabled={busy()}
                testid="charge"
                apply={(x) => send({ do: "charge_temperature", c: x })}
              />
              <div class="setting">
                <span class="label">{t("sim.gasHv")}</span>
                <span class="current">{num(v().gas_hv_percent)} %</span>
              </div>
            </div>
            <Grades grades={v().grades} disabled={busy()} apply={(g) => send({ do: "grades", grades: g })} />
            <Faults faults={v().faults} disabled={busy()} send={send} />
            <Scenario view={v()} />
          </div>
        )}
      </Show>
    </section>
  );
}

function Setting(props: {
  label: string;
  unit: string;
  current: number;
  shown: string;
  note?: string | undefined;
  disabled: boolean;
  testid: string;
  apply: (v: number) => void;
}) {
  const [draft, setDraft] = createSignal("");
  const submit = (e: Event) => {
    e.preventDefault();
    const v = Number(draft());
    if (draft().trim() === "" || !Number.isFinite(v)) return;
    props.apply(v);
    setDraft("");
  };
  return (
    <form class="setting" onSubmit={submit} data-testid={`sim-${props.testid}`}>
      <span class="label">{props.label}</span>
      <span class="current" data-testid={`sim-${props.testid}-value`}>
        {props.shown} {props.unit}
      </span>
      <input
        type="number"
        step="any"
        placeholder={t("sim.newValue")}
        value={draft()}
        onInput={(e) => setDraft(e.currentTarget.value)}
      />
      <button type="submit" disabled={props.disabled || draft().trim() === ""}>
        {t("sim.apply")}
      </button>
      <Show when={props.note}>{(n) => <span class="note">{n()}</span>}</Show>
    </form>
  );
}

function Grades(props: { grades: GradeMix[]; disabled: boolean; apply: (g: GradeMix[]) => void }) {
  // Edits are percent and degrees as typed; the mix is sent whole.
  const [draft, setDraft] = createSignal<GradeMix[] | null>(null);
  const rows = () => draft() ?? props.grades.map((g) => ({ ...g, share: g.share * 100 }));
  const edit = (i: number, field: "share" | "aim_c", value: string) => {
    const next = rows().map((g) => ({ ...g }));
    const row = next[i];
    if (!row) return;
    row[field] = Number(value);
    setDraft(next);
  };
  const total = () => rows().reduce((s, g) => s + (Number.isFinite(g.share) ? g.share : 0), 0);
  const submit = () => {
    const d = draft();
    if (!d) return;
    props.apply(d.map((g) => ({ ...g, share: g.share / 100 })));
    setDraft(null);
  };
  return (
    <div class="panel sim-grades">
      <h3>{t("sim.grades")}</h3>
      <table class="grid">
        <thead>
          <tr>
            <th>{t("sim.grade")}</th>
            <th>{t("sim.share")}</th>
            <th>{t("sim.aim")}</th>
          </tr>
        </thead>
        <tbody>
          <For each={rows()}>
            {(g, i) => (
              <tr>
                <td>{g.name}</td>
                <td>
                  <input
                    type="number"
                    min="0"
                    max="100"
                    step="1"
                    value={Math.round(g.share * 10) / 10}
                    onChange={(e) => edit(i(), "share", e.currentTarget.value)}
                    aria-label={`${g.name} ${t("sim.share")}`}
                  />{" "}
                  %
                </td>
                <td>
                  <input
                    type="number"
                    min="900"
                    max="1350"
                    step="5"
                    value={g.aim_c}
                    onChange={(e) => edit(i(), "aim_c", e.currentTarget.value)}
                    aria-label={`${g.name} ${t("sim.aim")}`}
                  />{" "}
                  °C
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <div class="actions">
        <span class="note">
          {t("sim.shareTotal")} {formatValue(total(), 0, locale())} %
        </span>
        <button disabled={props.disabled || draft() === null} onClick={submit}>
          {t("sim.apply")}
        </button>
        <button disabled={draft() === null} onClick={() => setDraft(null)}>
          {t("sim.discard")}
        </button>
      </div>
    </div>
  );
}

function faultLabel(f: { kind: string; zone: number | null }): string {
  const name = t(`fault.${f.kind}` as Key);
  return f.zone === null ? name : `${name} · ${t("sim.zone")} ${f.zone}`;
}

function Faults(props: { faults: FaultState[]; disabled: boolean; send: (c: SimulatorCommand) => void }) {
  return (
    <div class="panel sim-faults">
      <h3>{t("sim.faults")}</h3>
      <table class="grid">
        <tbody>
          <For each={props.faults}>
            {(f) => (
              <tr classList={{ "fault-active": f.active }} data-fault={f.code}>
                <td>{faultLabel(f)}</td>
                <td class="state">
                  {f.momentary ? t("sim.momentary") : f.active ? t("sim.active") : t("sim.inactive")}
                </td>
                <td class="actions">
                  <button
                    disabled={props.disabled || f.active}
                    onClick={() => props.send({ do: "start_fault", code: f.code })}
                  >
                    {t("sim.start")}
                  </button>
                  <Show when={!f.momentary}>
                    <button
                      disabled={props.disabled || !f.active}
                      onClick={() => props.send({ do: "clear_fault", code: f.code })}
                    >
                      {t("sim.clear")}
                    </button>
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

function Scenario(props: { view: SimulatorView }) {
  return (
    <div class="panel sim-scenario">
      <h3>{t("sim.scenario")}</h3>
      <Show
        when={props.view.scenario}
        fallback={<p class="note">{props.view.mode === "external" ? t("sim.scenarioExternal") : t("sim.noScenario")}</p>}
      >
        {(s) => {
          const marks = () => timelineMarks(s().events, s().elapsed_min);
          return (
            <>
              <p>
                <b>{s().name}</b> {s().description}
              </p>
              <p class="note">
                {t("sim.elapsed")} {formatValue(s().elapsed_min, 0, locale())} min
              </p>
              <div class="timeline" aria-hidden="true">
                <For each={marks().events}>
                  {(m) => <span class="mark" classList={{ done: m.done }} style={{ left: `${m.pos * 100}%` }} />}
                </For>
                <span class="now" style={{ left: `${marks().now * 100}%` }} />
              </div>
              <ol class="events">
                <For each={s().events}>
                  {(e) => (
                    <li classList={{ done: e.done }}>
                      <span class="at">{formatValue(e.at_min, 0, locale())} min</span>{" "}
                      {t(`scenario.${e.action}` as Key)}
                      <Show when={e.fault}>{(f) => <> {t(`fault.${f()}` as Key)}</>}</Show>
                      <Show when={e.zone !== null}>
                        {" "}
                        · {t("sim.zone")} {e.zone}
                      </Show>
                      <Show when={e.value !== null}>
                        {" "}
                        {formatValue(e.value ?? 0, 1, locale())} {eventUnit(e.action)}
                      </Show>
                    </li>
                  )}
                </For>
              </ol>
            </>
          );
        }}
      </Show>
    </div>
  );
}
