// The optimiser page: the current suggestion with its predicted changes (and their bands), the
// margin to every constraint, the data it rests on and why each setpoint moved; the predicted
// trajectories under the current and the suggested setpoints; accept (each setpoint then goes
// through the write path) or reject with a reason; the history of suggestions with what was
// realised against what was predicted; and, when a run cannot check the plant while setpoints
// leaner than the standard practice are in use, the way back to it, through the same write path.
import { For, Show, createResource, createSignal, onCleanup } from "solid-js";
import type {
  DeltaView,
  DischargeView,
  EvaluationView,
  MoveView,
  OptimiserView,
  PlantInfo,
  Report,
  RunFigures,
  SuggestionView,
} from "../bindings";
import type { EngineClient } from "../client";
import { formatPlantTime, formatValue } from "../format";
import { type Key, locale, qualityLabel, t } from "../i18n";
import { errorPct, formatChange, linePath, moved, outcomeRows, rangeOf, writeLink } from "../optimiser";
import type { Live } from "../state";

const W = 520;
const H = 160;
const ZONE_COLOURS = ["#e3a857", "#e07a5f", "#c44536", "#9c6644", "#7f5539", "#b08968", "#ddb892", "#a98467"];

export function Optimiser(props: { client: EngineClient; plant: PlantInfo; live: Live }) {
  const [view, { refetch }] = createResource<OptimiserView>(() => props.client.optimiser());
  // While a run is in progress its progress moves; otherwise a slower refresh is enough.
  const timer = setInterval(() => void refetch(), 2000);
  onCleanup(() => clearInterval(timer));
  const [error, setError] = createSignal("");
  const tz = props.plant.time_zone;

  const act = async (f: () => Promise<unknown>) => {
    setError("");
    try {
      await f();
      await refetch();
    } catch (e) {
      setError(String(e));
    }
  };

  return (
    <section class="optimiser" data-testid="optimiser">
      <h2>{t("optimiser.title")}</h2>
      <Show when={view.error as unknown}>
        <div class="banner banner-alarm" role="alert">
          {String(view.error)}
        </div>
      </Show>
      <Show when={view.latest}>
        {(v) => (
          <>
            <div class="toolbar">
              <span data-testid="optimiser-mode">
                {v().enabled
                  ? t("optimiser.every").replace("{n}", String(v().interval_min))
                  : t("optimiser.onDemand")}
              </span>
              <Show
                when={v().running}
                fallback={
                  <button class="primary" data-testid="optimiser-run" onClick={() => void act(() => props.client.optimiserRun())}>
                    {t("optimiser.runNow")}
                  </button>
                }
              >
                {(r) => (
                  <>
                    <span data-testid="optimiser-running">
                      {t("optimiser.running")
                        .replace("{round}", String(r().round))
                        .replace("{n}", String(r().evaluations))}
                    </span>
                    <button onClick={() => void act(() => props.client.optimiserCancel())}>{t("optimiser.cancel")}</button>
                  </>
                )}
              </Show>
              <span class="muted">
                {t("optimiser.prices")
                  .replace("{gas}", `${v().gas_price_per_nm3} ${v().currency}`)
                  .replace("{co2}", `${v().co2_price_per_t} ${v().currency}`)}
              </span>
            </div>
            <Show when={error()}>
              <div class="banner banner-alarm" role="alert">
                {error()}
              </div>
            </Show>
            <Show when={v().last_run}>
              {(r) => (
                <div
                  class={r().result === "suggestion" ? "banner banner-ok" : "banner banner-warn"}
                  role="status"
                  data-testid="optimiser-last-run"
                >
                  {formatPlantTime(r().at_ms, tz)} · {t(`optimiser.result.${r().result}` as Key)}
                  <Show when={r().reasons.length > 0}>
                    <ul data-testid="optimiser-reasons">
                      <For each={r().reasons}>{(why) => <li>{why}</li>}</For>
                    </ul>
                  </Show>
                </div>
              )}
            </Show>
            <Show when={v().last_run?.way_back.length}>
              <WayBack moves={v().last_run?.way_back ?? []} />
            </Show>
            <Show
              when={v().current}
              fallback={
                <p class="muted" data-testid="optimiser-none">
                  {t("optimiser.noCurrent")}
                </p>
              }
            >
              {(s) => <Current s={s()} client={props.client} onDone={() => void refetch()} onError={setError} />}
            </Show>
            <h3>{t("optimiser.history")}</h3>
            <History list={v().history} tz={tz} />
            <Evaluation client={props.client} />
          </>
        )}
      </Show>
    </section>
  );
}

function Current(props: {
  s: SuggestionView;
  client: EngineClient;
  onDone: () => void;
  onError: (e: string) => void;
}) {
  const s = () => props.s;
  const [reason, setReason] = createSignal("");
  const [accepted, setAccepted] = createSignal(false);
  const decide = async (accept: boolean) => {
    props.onError("");
    if (!accept && !reason().trim()) return props.onError(t("optimiser.rejectReason"));
    try {
      await props.client.optimiserDecide(s().id, { accept, reason: reason() });
      if (accept) setAccepted(true);
      props.onDone();
    } catch (e) {
      props.onError(String(e));
    }
  };
  const n = (v: number, d = 0) => formatValue(v, d, locale());
  const deltas: { key: Key; d: () => DeltaView; decimals: number }[] = [
    { key: "optimiser.fuel", d: () => s().fuel_nm3h, decimals: 0 },
    { key: "optimiser.fuelPct", d: () => s().fuel_pct, decimals: 1 },
    { key: "optimiser.co2", d: () => s().co2_kg_h, decimals: 0 },
    { key: "optimiser.cost", d: () => s().cost_per_h, decimals: 0 },
    { key: "optimiser.nox", d: () => s().nox_mg, decimals: 0 },
    { key: "optimiser.discharge", d: () => s().discharge_c, decimals: 1 },
    { key: "optimiser.gjt", d: () => s().gj_per_t, decimals: 3 },
  ];
  return (
    <div class="suggestion" data-testid="suggestion" data-id={s().id}>
      <h3>{t("optimiser.current")}</h3>
      <Show when={s().corrective}>
        <div class="banner banner-warn" role="status" data-testid="suggestion-corrective">
          {t("optimiser.corrective")}
        </div>
      </Show>
      <table class="grid" data-testid="suggestion-moves">
        <thead>
          <tr>
            <th>{t("optimiser.setpoint")}</th>
            <th>{t("optimiser.now")}</th>
            <th>{t("optimiser.suggested")}</th>
            <th>{t("optimiser.drivenBy")}</th>
            <th>{t("optimiser.limitedBy")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <For each={s().moves}>
            {(m) => (
              <tr data-move={m.name}>
                <MoveCells m={m} />
                <td>{m.driven_by ? t(`optimiser.term.${m.driven_by}` as Key) : "—"}</td>
                <td>{m.limited_by ?? "—"}</td>
                <WriteCell href={accepted() && moved(s()).includes(m) && writeLink(m, s().id)} testid="write-suggested" />
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <div class="columns">
        <table class="grid" data-testid="suggestion-deltas">
          <thead>
            <tr>
              <th>{t("optimiser.predicted")}</th>
              <th>{t("optimiser.continuing")}</th>
              <th>{t("optimiser.suggested")}</th>
              <th>{t("optimiser.change")}</th>
            </tr>
          </thead>
          <tbody>
            <For each={deltas}>
              {(row) => (
                <tr>
                  <td>
                    {t(row.key)}
                    {row.key === "optimiser.cost" ? ` (${s().currency}/h)` : ""}
                  </td>
                  <td class="num">{n(row.d().current, row.decimals)}</td>
                  <td class="num">{n(row.d().suggested, row.decimals)}</td>
                  <td class="num">{formatChange(row.d(), row.decimals)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <table class="grid" data-testid="suggestion-margins">
          <thead>
            <tr>
              <th>{t("optimiser.constraint")}</th>
              <th>{t("optimiser.margin")}</th>
            </tr>
          </thead>
          <tbody>
            <For each={s().margins}>
              {(m) => (
                <tr classList={{ "quality-bad": m.margin < 0 }}>
                  <td>{t(`optimiser.constraint.${m.name}` as Key)}</td>
                  <td class="num">
                    {n(m.margin, 1)} {m.unit}
                    <Show when={m.allowed > 0}>
                      {" "}
                      <span class="muted">{t("optimiser.alreadyViolated").replace("{v}", n(m.allowed, 1))}</span>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <Charts s={s()} />
      <Show when={s().tradeoff.length > 1}>
        <Tradeoff s={s()} />
      </Show>
      <h4>{t("optimiser.ramp")}</h4>
      <ol class="ramp" data-testid="suggestion-ramp">
        <For each={s().ramp}>
          {(r) => (
            <li>
              +{Math.round(r.after_s / 60)} min: {r.zone_sp.map((z) => n(z)).join(" / ")} °C, O2 {n(r.o2_sp, 2)} %
            </li>
          )}
        </For>
      </ol>
      <details>
        <summary>{t("optimiser.dataQuality")}</summary>
        <table class="grid" data-testid="suggestion-inputs">
          <tbody>
            <For each={s().inputs}>
              {(i) => (
                <tr>
                  <td>{i.role}</td>
                  <td>{i.tag ?? "—"}</td>
                  <td>{qualityLabel(i.quality)}</td>
                  <td class="num">{i.value === null ? "—" : n(i.value, 1)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <table class="grid" data-testid="suggestion-fit">
          <thead>
            <tr>
              <th>{t("optimiser.fitTag")}</th>
              <th>{t("optimiser.fitRms")}</th>
              <th>{t("optimiser.fitLimit")}</th>
            </tr>
          </thead>
          <tbody>
            <For each={s().fit}>
              {(f) => (
                <tr>
                  <td>{f.role}</td>
                  <td class="num">
                    {n(f.rms, 1)} {f.unit}
                  </td>
                  <td class="num">
                    {n(f.limit, 1)} {f.unit}
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <table class="grid" data-testid="suggestion-parameters">
          <tbody>
            <For each={s().parameters}>
              {(p) => (
                <tr>
                  <td>{p.name}</td>
                  <td class="num">
                    {n(p.value, 3)} ± {n(p.sigma, 3)}
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <p class="muted">
          {t("optimiser.solved").replace("{ms}", String(s().solve_ms)).replace("{n}", String(s().evaluations))}
        </p>
      </details>
      <Show
        when={!accepted()}
        fallback={
          <p class="banner banner-ok" data-testid="accepted">
            {t("optimiser.acceptedHint")}
          </p>
        }
      >
        <div class="actions">
          <button class="primary" data-testid="suggestion-accept" onClick={() => void decide(true)}>
            {t("optimiser.accept")}
          </button>
          <input
            data-testid="suggestion-reason"
            placeholder={t("optimiser.reasonPlaceholder")}
            value={reason()}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          <button data-testid="suggestion-reject" onClick={() => void decide(false)}>
            {t("optimiser.reject")}
          </button>
        </div>
      </Show>
    </div>
  );
}

/** A setpoint's name, where it is and where it goes. */
function MoveCells(props: { m: MoveView }) {
  const n = (v: number) => formatValue(v, props.m.unit === "%" ? 2 : 0, locale());
  return (
    <>
      <td>{props.m.name}</td>
      <td class="num">
        {n(props.m.from)} {props.m.unit}
      </td>
      <td class="num">
        {n(props.m.to)} {props.m.unit}
      </td>
    </>
  );
}

/** A link that opens the write dialog for a setpoint, when there is one to write. */
function WriteCell(props: { href: string | null | false; testid: string }) {
  return (
    <td>
      <Show when={props.href}>
        {(href) => (
          <a href={href()} data-testid={props.testid}>
            {t("optimiser.write")}
          </a>
        )}
      </Show>
    </td>
  );
}

/** The way back to the standard practice: each leaner setpoint, handed to the write path. */
function WayBack(props: { moves: MoveView[] }) {
  return (
    <div class="way-back" data-testid="optimiser-way-back">
      <h3>{t("optimiser.wayBackTitle")}</h3>
      <p>{t("optimiser.wayBack")}</p>
      <table class="grid">
        <thead>
          <tr>
            <th>{t("optimiser.setpoint")}</th>
            <th>{t("optimiser.now")}</th>
            <th>{t("optimiser.standard")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <For each={props.moves}>
            {(m) => (
              <tr data-move={m.name}>
                <MoveCells m={m} />
                <WriteCell href={writeLink(m, null)} testid="write-way-back" />
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

/** Zone temperatures and slab discharge temperatures, continuing (dashed) against suggested. */
function Charts(props: { s: SuggestionView }) {
  const tr = () => props.s.trajectory;
  const hours = () => tr().at_s.map((x) => x / 3600);
  const zoneRange = () => rangeOf([...tr().current_zone_c, ...tr().suggested_zone_c], 10);
  const dis = () => [...tr().current_discharge, ...tr().suggested_discharge];
  const disRange = () =>
    rangeOf([dis().map((d) => d.surface_c), dis().map((d) => d.aim_c - 10), dis().map((d) => d.aim_c + 25)], 5);
  const disPath = (list: DischargeView[]) => {
    const [lo, hi] = disRange();
    const span = hours().length > 0 ? hours()[hours().length - 1] ?? 1 : 1;
    return linePath(
      [0, ...list.map((d) => d.at_s / 3600), span],
      [Number.NaN, ...list.map((d) => d.surface_c), Number.NaN],
      W,
      H,
      lo,
      hi,
    );
  };
  return (
    <div class="columns" data-testid="suggestion-charts">
      <figure>
        <figcaption>{t("optimiser.chartZones")}</figcaption>
        <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} class="chart">
          <For each={tr().current_zone_c}>
            {(z, i) => (
              <path
                d={linePath(hours(), z, W, H, ...zoneRange())}
                stroke={ZONE_COLOURS[i() % ZONE_COLOURS.length]}
                stroke-dasharray="4 3"
                fill="none"
              />
            )}
          </For>
          <For each={tr().suggested_zone_c}>
            {(z, i) => (
              <path
                d={linePath(hours(), z, W, H, ...zoneRange())}
                stroke={ZONE_COLOURS[i() % ZONE_COLOURS.length]}
                stroke-width="2"
                fill="none"
                data-series={`zone${i() + 1}`}
              />
            )}
          </For>
        </svg>
        <small class="muted">
          {formatValue(zoneRange()[0], 0, locale())}–{formatValue(zoneRange()[1], 0, locale())} °C ·{" "}
          {t("optimiser.chartLegend")}
        </small>
      </figure>
      <figure>
        <figcaption>{t("optimiser.chartDischarge")}</figcaption>
        <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} class="chart">
          <path d={disPath(tr().current_discharge)} stroke="#8d99ae" stroke-dasharray="4 3" fill="none" />
          <path d={disPath(tr().suggested_discharge)} stroke="#e3a857" stroke-width="2" fill="none" data-series="discharge" />
        </svg>
        <small class="muted">
          {formatValue(disRange()[0], 0, locale())}–{formatValue(disRange()[1], 0, locale())} °C ·{" "}
          {t("optimiser.chartLegend")}
        </small>
      </figure>
    </div>
  );
}

/** What lower NOx costs: the best setpoints at other NOx weights, chosen with a slider. */
function Tradeoff(props: { s: SuggestionView }) {
  const pts = () => props.s.tradeoff;
  const configured = () => {
    const i = pts().findIndex((p) => Math.abs(p.nox_weight - props.s.nox_weight) < 1e-12);
    return i < 0 ? 0 : i;
  };
  const [pick, setPick] = createSignal(configured());
  const chosen = () => pts()[Math.min(pick(), pts().length - 1)];
  const [xlo, xhi] = rangeOf([pts().map((p) => p.nox_mg)], 2);
  const [ylo, yhi] = rangeOf([pts().map((p) => p.cost_per_h)], 5);
  const x = (v: number) => ((v - xlo) / (xhi - xlo || 1)) * W;
  const y = (v: number) => H - ((v - ylo) / (yhi - ylo || 1)) * H;
  const n = (v: number, d = 0) => formatValue(v, d, locale());
  return (
    <figure data-testid="suggestion-tradeoff">
      <figcaption>{t("optimiser.tradeoff")}</figcaption>
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} class="chart">
        <path
          d={pts()
            .map((p, i) => `${i === 0 ? "M" : "L"}${x(p.nox_mg).toFixed(1)},${y(p.cost_per_h).toFixed(1)}`)
            .join("")}
          stroke="#8d99ae"
          fill="none"
        />
        <For each={pts()}>
          {(p, i) => (
            <circle
              cx={x(p.nox_mg)}
              cy={y(p.cost_per_h)}
              r={i() === pick() ? 6 : 3}
              fill={i() === configured() ? "#e3a857" : "#8d99ae"}
            />
          )}
        </For>
      </svg>
      <small class="muted">
        NOx {n(xlo)}–{n(xhi)} mg/Nm3 · {n(ylo)}–{n(yhi)} {props.s.currency}/h
      </small>
      <label class="tradeoff-weight">
        {t("optimiser.noxWeight")}
        <input
          type="range"
          min="0"
          max={pts().length - 1}
          step="1"
          value={pick()}
          data-testid="tradeoff-weight"
          onInput={(e) => setPick(Number(e.currentTarget.value))}
        />
      </label>
      <Show when={chosen()}>
        {(c) => (
          <p data-testid="tradeoff-chosen">
            {t("optimiser.tradeoffPoint")
              .replace("{w}", n(c().nox_weight, 3))
              .replace("{cost}", `${n(c().cost_per_h)} ${props.s.currency}/h`)
              .replace("{nox}", n(c().nox_mg))
              .replace("{sp}", c().zone_sp.map((z) => n(z)).join(" / "))
              .replace("{o2}", n(c().o2_sp, 2))}
          </p>
        )}
      </Show>
    </figure>
  );
}

function History(props: { list: SuggestionView[]; tz: string }) {
  const n = (v: number | null, d = 0) => (v === null ? "—" : formatValue(v, d, locale()));
  return (
    <table class="grid" data-testid="suggestion-history">
      <thead>
        <tr>
          <th>{t("trends.time")}</th>
          <th>{t("optimiser.status")}</th>
          <th>{t("optimiser.fuelPct")}</th>
          <th>{t("optimiser.realisedVsPredicted")}</th>
        </tr>
      </thead>
      <tbody>
        <For each={props.list}>
          {(s) => (
            <tr data-id={s.id}>
              <td>{formatPlantTime(s.made_at_ms, props.tz)}</td>
              <td>
                {t(`optimiser.status.${s.status.state}` as Key)}
                <Show when={s.status.state === "rejected" && s.status}>
                  {(r) => <span class="muted"> — {(r() as { reason: string }).reason}</span>}
                </Show>
              </td>
              <td class="num">{formatChange(s.fuel_pct, 1)}</td>
              <td>
                <Show when={s.outcome} fallback={<span class="muted">{t("optimiser.pending")}</span>}>
                  {(o) => (
                    <For each={outcomeRows(o())}>
                      {(r) => (
                        <span class="outcome">
                          {t(`optimiser.outcome.${r.key}` as Key)} {n(r.predicted)} → {n(r.realised)}
                          <Show when={errorPct(r.predicted, r.realised)}>
                            {(e) => ` (${e() > 0 ? "+" : ""}${e().toFixed(1)} %)`}
                          </Show>{" "}
                        </span>
                      )}
                    </For>
                  )}
                </Show>
              </td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}

/** Shadow mode from the page: a scenario run under baseline practice and under the optimiser. */
function Evaluation(props: { client: EngineClient }) {
  const [view, { refetch }] = createResource<EvaluationView>(() => props.client.evaluation());
  const timer = setInterval(() => void refetch(), 2000);
  onCleanup(() => clearInterval(timer));
  const [scenario, setScenario] = createSignal("");
  const [hours, setHours] = createSignal("12");
  const [seed, setSeed] = createSignal("1");
  const [error, setError] = createSignal("");
  const start = async () => {
    setError("");
    const chosen = scenario() || view.latest?.scenarios[0] || "";
    try {
      await props.client.evaluate({ scenario: chosen, hours: Number(hours()), seed: Number(seed()) });
      await refetch();
    } catch (e) {
      setError(String(e));
    }
  };
  return (
    <section data-testid="evaluation">
      <h3>{t("optimiser.evaluation")}</h3>
      <p class="muted">{t("optimiser.evaluationHint")}</p>
      <div class="toolbar">
        <select data-testid="evaluation-scenario" value={scenario()} onChange={(e) => setScenario(e.currentTarget.value)}>
          <For each={view.latest?.scenarios ?? []}>{(s) => <option value={s}>{s}</option>}</For>
        </select>
        <label>
          {t("optimiser.hours")}{" "}
          <input class="short" inputmode="decimal" value={hours()} onInput={(e) => setHours(e.currentTarget.value)} />
        </label>
        <label>
          {t("optimiser.seed")}{" "}
          <input class="short" inputmode="numeric" value={seed()} onInput={(e) => setSeed(e.currentTarget.value)} />
        </label>
        <Show
          when={view.latest?.running}
          fallback={
            <button data-testid="evaluation-run" onClick={() => void start()}>
              {t("optimiser.evaluate")}
            </button>
          }
        >
          {(r) => (
            <span data-testid="evaluation-running">
              {t("optimiser.evaluating")
                .replace("{s}", r()[0].scenario)
                .replace("{h}", String(r()[1]))
                .replace("{n}", String(r()[0].hours))}
            </span>
          )}
        </Show>
      </div>
      <Show when={error() || view.latest?.error}>
        {(e) => (
          <div class="banner banner-alarm" role="alert">
            {e()}
          </div>
        )}
      </Show>
      <Show when={view.latest?.report}>{(r) => <ReportView r={r()} />}</Show>
    </section>
  );
}

const FIGURE_ROWS: { key: Key; get: (f: RunFigures) => number; d: number }[] = [
  { key: "optimiser.eval.fuel", get: (f) => f.fuel_nm3, d: 0 },
  { key: "optimiser.eval.gjt", get: (f) => f.gj_per_t, d: 3 },
  { key: "optimiser.eval.co2", get: (f) => f.co2_t, d: 1 },
  { key: "optimiser.eval.nox", get: (f) => f.nox_mg, d: 0 },
  { key: "optimiser.eval.coMax", get: (f) => f.co_max_ppm, d: 0 },
  { key: "optimiser.eval.under", get: (f) => f.under_heated, d: 0 },
  { key: "optimiser.eval.overAim", get: (f) => f.discharge_over_aim_mean, d: 1 },
  { key: "optimiser.eval.overAimMin", get: (f) => f.discharge_over_aim_min, d: 1 },
  { key: "optimiser.eval.o2", get: (f) => f.mean_o2_sp, d: 2 },
];

function ReportView(props: { r: Report }) {
  const r = () => props.r;
  const n = (v: number | null, d: number) => (v === null ? "—" : formatValue(v, d, locale()));
  const hours = () => r().suggestions.map((a) => a.at_h);
  const fuelRange = () =>
    rangeOf(
      [r().suggestions.map((a) => a.fuel_predicted), r().suggestions.map((a) => a.fuel_realised), r().suggestions.map((a) => a.fuel_baseline)],
      200,
    );
  return (
    <div data-testid="evaluation-report">
      <p>
        <strong>
          {t("optimiser.eval.headline")
            .replace("{fuel}", n(r().fuel_change_pct, 1))
            .replace("{nox}", n(r().nox_change_pct, 1))
            .replace("{under}", String(r().optimised.under_heated))}
        </strong>{" "}
        <span class="muted">
          {r().scenario} · {r().hours} h · seed {r().seed}
        </span>
      </p>
      <div class="columns">
        <table class="grid" data-testid="evaluation-table">
          <thead>
            <tr>
              <th />
              <th>{t("optimiser.eval.baseline")}</th>
              <th>{t("optimiser.eval.optimised")}</th>
            </tr>
          </thead>
          <tbody>
            <For each={FIGURE_ROWS}>
              {(row) => (
                <tr>
                  <td>{t(row.key)}</td>
                  <td class="num">{n(row.get(r().baseline), row.d)}</td>
                  <td class="num">{n(row.get(r().optimised), row.d)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <figure>
          <figcaption>{t("optimiser.eval.chart")}</figcaption>
          <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} class="chart">
            <path d={linePath(hours(), r().suggestions.map((a) => a.fuel_baseline), W, H, ...fuelRange())} stroke="#8d99ae" fill="none" />
            <path
              d={linePath(hours(), r().suggestions.map((a) => a.fuel_predicted), W, H, ...fuelRange())}
              stroke="#e3a857"
              stroke-dasharray="4 3"
              fill="none"
            />
            <path d={linePath(hours(), r().suggestions.map((a) => a.fuel_realised), W, H, ...fuelRange())} stroke="#e3a857" stroke-width="2" fill="none" />
          </svg>
          <small class="muted">{t("optimiser.eval.chartLegend")}</small>
        </figure>
      </div>
      <p>
        {t("optimiser.eval.sources")
          .replace("{over}", n(r().sources.less_overheating_pct, 1))
          .replace("{o2}", n(r().sources.o2_trim_pct, 1))
          .replace("{profile}", n(r().sources.zone_profile_pct, 1))}
      </p>
      <p>
        {t("optimiser.eval.predicted")
          .replace("{p}", n(r().saving_predicted_pct, 1))
          .replace("{r}", n(r().saving_realised_pct, 1))
          .replace("{e}", n(r().fuel_prediction_error_pct, 1))
          .replace("{solve}", n(r().solve_s_max, 2))}
      </p>
    </div>
  );
}
