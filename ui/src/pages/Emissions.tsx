// The Emissions page: a month calendar coloured by compliance, each pollutant's daily averages
// against its limit, the energy per tonne by day against the theoretical minimum and the
// benchmark; a day drills down to its hours (and from there to the raw trend). The day still
// running shows where its average is heading. Reports are saved as PDF or CSV from here.
import { For, Show, createMemo, createResource, createSignal, onCleanup } from "solid-js";
import type { DayReport, EnergyKpi, Mark, MarkKind, MonthReport, PlantInfo, Validity } from "../bindings";
import type { EngineClient } from "../client";
import { dayClass, monthGrid, pollutantLabel, shiftMonth } from "../emissions";
import { formatPlantTime, formatValue, plantLocalToUtc } from "../format";
import { type Key, locale, t } from "../i18n";
import { parseRoute, trendLink } from "../route";
import type { Live } from "../state";

const n = (v: number | null | undefined, d: number) => formatValue(v ?? null, d, locale());

export function Emissions(props: { client: EngineClient; plant: PlantInfo; live: Live }) {
  const tz = props.plant.time_zone;
  const today = () => formatPlantTime(props.live.live.now_ms, tz).slice(0, 10);
  const route = parseRoute(location.hash);
  const [day, setDay] = createSignal(route.params.get("day") ?? today());
  const [month, setMonth] = createSignal(route.params.get("month") ?? day().slice(0, 7));
  const [monthReport, { refetch: refetchMonth }] = createResource(month, (m) => props.client.emissionsMonth(m));
  const [dayReport, { refetch: refetchDay }] = createResource(day, (d) => props.client.emissionsDay(d));
  const [note, setNote] = createSignal("");
  // The day still running moves: its figures are fetched again every minute while it is shown.
  const timer = setInterval(() => {
    if (day() === today()) void refetchDay();
  }, 60_000);
  onCleanup(() => clearInterval(timer));
  const pick = (d: string) => {
    setDay(d);
    history.replaceState(null, "", `#emissions?day=${d}`);
  };
  const save = async (period: "day" | "month", format: "pdf" | "csv") => {
    setNote("");
    try {
      const path = await props.client.saveReport({ period, of: period === "day" ? day() : month(), format, lang: locale() });
      if (path) setNote(`${t("trends.exported")}: ${path}`);
    } catch (e) {
      setNote(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section class="emissions">
      <div class="alarm-tools">
        <button onClick={() => setMonth(shiftMonth(month(), -1))} aria-label={t("emissions.prevMonth")}>
          ‹
        </button>
        <strong data-testid="emissions-month">{month()}</strong>
        <button onClick={() => setMonth(shiftMonth(month(), 1))} aria-label={t("emissions.nextMonth")}>
          ›
        </button>
        <span class="note">{t("emissions.basis")}</span>
        <span class="spacer" />
        <span class="note">{t("emissions.report")}</span>
        <button onClick={() => void save("day", "pdf")} data-testid="report-day-pdf">
          {t("emissions.day")} PDF
        </button>
        <button onClick={() => void save("day", "csv")}>{t("emissions.day")} CSV</button>
        <button onClick={() => void save("month", "pdf")}>{t("emissions.month")} PDF</button>
        <button onClick={() => void save("month", "csv")} data-testid="report-month-csv">
          {t("emissions.month")} CSV
        </button>
        <Show when={note()}>
          <span class="note">{note()}</span>
        </Show>
      </div>
      <Show when={dayReport.latest}>{(r) => <Heading report={r()} />}</Show>
      <Show when={monthReport.error || dayReport.error}>
        <p class="error">{String(monthReport.error ?? dayReport.error)}</p>
      </Show>
      <Show when={monthReport.latest}>
        {(m) => (
          <div class="emissions-month">
            <Calendar report={m()} selected={day()} today={today()} onPick={pick} />
            <div class="month-charts">
              <For each={m().pollutants}>
                {(p) => (
                  <Chart
                    title={`${pollutantLabel(p.pollutant)} · ${t("emissions.dailyAverages")}`}
                    unit="mg/Nm³"
                    points={p.days.map((d) => ({ label: d.period.label.slice(8), value: d.average.value, key: d.period.label }))}
                    limit={p.limit?.limit_mg_nm3 ?? null}
                    bars
                    selected={day()}
                    onPick={pick}
                    testid={`daily-${p.pollutant}`}
                  />
                )}
              </For>
              <EnergyTrend days={m().energy_days} report={m()} selected={day()} onPick={pick} />
            </div>
          </div>
        )}
      </Show>
      <Show when={dayReport.latest}>
        {(r) => (
          <DayView
            report={r()}
            tz={tz}
            client={props.client}
            onChanged={() => {
              void refetchDay();
              void refetchMonth();
            }}
          />
        )}
      </Show>
    </section>
  );
}

/** The running day's averages heading over their limits, said before the day closes. */
function Heading(props: { report: DayReport }) {
  const heading = () => props.report.pollutants.filter((p) => p.day_standing?.heading_over);
  return (
    <For each={heading()}>
      {(p) => (
        <div class="banner banner-warn" role="alert" data-testid="emissions-heading">
          {pollutantLabel(p.pollutant)} {t("emissions.heading")} {n(p.day_standing?.projected, 0)} mg/Nm³ ({t("alarms.limit")}{" "}
          {n(p.day_standing?.limit.limit_mg_nm3, 0)}).{" "}
          <Show when={p.day_standing?.headroom != null} fallback={t("emissions.cannotComply")}>
            {t("emissions.restBelow")} {n(p.day_standing?.headroom, 0)} mg/Nm³.
          </Show>
        </div>
      )}
    </For>
  );
}

function Calendar(props: { report: MonthReport; selected: string; today: string; onPick: (d: string) => void }) {
  const weeks = createMemo(() => monthGrid(props.report));
  const weekdays = () => (t("emissions.weekdays") as string).split(",");
  return (
    <div class="panel calendar">
      <h3>{t("emissions.compliance")}</h3>
      <table data-testid="emissions-calendar">
        <thead>
          <tr>
            <For each={weekdays()}>{(d) => <th>{d}</th>}</For>
          </tr>
        </thead>
        <tbody>
          <For each={weeks()}>
            {(week) => (
              <tr>
                <For each={week}>
                  {(cell) => (
                    <td>
                      <Show when={cell}>
                        {(c) => (
                          <button
                            class={`day ${dayClass(c().states)}`}
                            classList={{ selected: c().date === props.selected, today: c().date === props.today }}
                            onClick={() => props.onPick(c().date)}
                            data-day={c().date}
                            data-state={dayClass(c().states)}
                            title={c().states.map((s) => `${pollutantLabel(s.pollutant)}: ${n(s.value, 1)} (${t(`emissions.validity.${s.validity}` as Key)})`).join("\n")}
                          >
                            <span class="num">{Number(c().date.slice(8))}</span>
                            <span class="val">{n(c().states[0]?.value, 0)}</span>
                          </button>
                        )}
                      </Show>
                    </td>
                  )}
                </For>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <div class="legend">
        <For each={["ok", "over", "heading", "invalid", "excluded", "open"]}>
          {(c) => <span class={`day ${c}`}>{t(`emissions.state.${c}` as Key)}</span>}
        </For>
      </div>
    </div>
  );
}

interface ChartPoint {
  label: string;
  value: number | null;
  /** What picking it selects (a date). */
  key?: string;
}

/** A small SVG chart: bars or a line, gaps where there is no valid value, references drawn. */
function Chart(props: {
  title: string;
  unit: string;
  points: ChartPoint[];
  limit: number | null;
  refs?: { value: number; label: string }[];
  bars?: boolean;
  selected?: string;
  onPick?: (key: string) => void;
  testid?: string;
  decimals?: number;
}) {
  const W = 560;
  const H = 150;
  const L = 40;
  const top = createMemo(() => {
    const vs = props.points.map((p) => p.value ?? 0);
    const refs = (props.refs ?? []).map((r) => r.value);
    return Math.max(1, ...vs, props.limit ?? 0, ...refs) * 1.15;
  });
  const x = (i: number) => L + ((W - L - 8) / Math.max(1, props.points.length)) * (i + 0.5);
  const y = (v: number) => 8 + (H - 28) * (1 - v / top());
  const step = () => (W - L - 8) / Math.max(1, props.points.length);
  const path = createMemo(() => {
    let d = "";
    let pen = false;
    props.points.forEach((p, i) => {
      if (p.value == null) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`;
      pen = true;
    });
    return d;
  });
  const every = () => Math.ceil(props.points.length / 12);
  // Enough decimals that the axis steps read apart (GJ/t lives around 1.4).
  const axisDecimals = () => (top() < 5 ? 2 : top() < 50 ? 1 : 0);
  return (
    <div class="panel chart" data-testid={props.testid}>
      <h3>
        {props.title} <span class="unit">{props.unit}</span>
      </h3>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title}>
        <For each={[0, 0.25, 0.5, 0.75, 1]}>
          {(f) => (
            <>
              <line class="grid" x1={L} x2={W - 8} y1={y(top() * f)} y2={y(top() * f)} />
              <text class="axis" x={L - 4} y={y(top() * f) + 3} text-anchor="end">
                {n(top() * f, axisDecimals())}
              </text>
            </>
          )}
        </For>
        <Show
          when={props.bars}
          fallback={
            <>
              <path class="line" d={path()} />
              <For each={props.points}>
                {(p, i) => (
                  <Show when={p.value != null}>
                    <circle class="dot" cx={x(i())} cy={y(p.value ?? 0)} r="2.2">
                      <title>{`${p.label}: ${n(p.value, props.decimals ?? 1)}`}</title>
                    </circle>
                  </Show>
                )}
              </For>
            </>
          }
        >
          <For each={props.points}>
            {(p, i) => (
              <Show when={p.value != null}>
                <rect
                  class="bar"
                  classList={{ over: props.limit != null && (p.value ?? 0) > props.limit, selected: p.key === props.selected }}
                  x={x(i()) - step() * 0.35}
                  width={step() * 0.7}
                  y={y(p.value ?? 0)}
                  height={H - 20 - y(p.value ?? 0)}
                  onClick={() => p.key && props.onPick?.(p.key)}
                >
                  <title>{`${p.label}: ${n(p.value, props.decimals ?? 1)}`}</title>
                </rect>
              </Show>
            )}
          </For>
        </Show>
        <For each={props.refs ?? []}>
          {(r) => (
            <>
              <line class="ref" x1={L} x2={W - 8} y1={y(r.value)} y2={y(r.value)} />
              <text class="axis" x={W - 10} y={y(r.value) - 3} text-anchor="end">
                {r.label}
              </text>
            </>
          )}
        </For>
        <Show when={props.limit != null}>
          <line class="limit" x1={L} x2={W - 8} y1={y(props.limit ?? 0)} y2={y(props.limit ?? 0)} />
          <text class="limit-label" x={W - 10} y={y(props.limit ?? 0) - 3} text-anchor="end">
            {t("alarms.limit")} {n(props.limit, 0)}
          </text>
        </Show>
        <For each={props.points}>
          {(p, i) => (
            <Show when={i() % every() === 0}>
              <text class="axis" x={x(i())} y={H - 6} text-anchor="middle">
                {p.label}
              </text>
            </Show>
          )}
        </For>
      </svg>
    </div>
  );
}

function EnergyTrend(props: { days: EnergyKpi[]; report: MonthReport; selected: string; onPick: (d: string) => void }) {
  return (
    <Chart
      title={t("emissions.energyTrend")}
      unit="GJ/t"
      points={props.days.map((k) => ({ label: k.label.slice(8), value: k.gj_per_t, key: k.label }))}
      limit={null}
      refs={[
        { value: props.report.basis.theoretical_min_gj_per_t, label: `${t("emissions.theoretical")} ${props.report.basis.theoretical_min_gj_per_t}` },
        { value: props.report.basis.benchmark_gj_per_t, label: `${t("emissions.benchmark")} ${props.report.basis.benchmark_gj_per_t}` },
      ]}
      selected={props.selected}
      onPick={props.onPick}
      testid="energy-trend"
      decimals={3}
    />
  );
}

/** The day's marked periods (start-up, shutdown, calibration), and marking another. */
function MarksPanel(props: { report: DayReport; tz: string; client: EngineClient; onChanged: () => void }) {
  const [kind, setKind] = createSignal<MarkKind>("calibration");
  const [from, setFrom] = createSignal("");
  const [to, setTo] = createSignal("");
  const [reason, setReason] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const date = () => props.report.period.label;
  const at = (hm: string): number | null =>
    hm.trim() === "24:00" ? props.report.period.end_ms : plantLocalToUtc(`${date()} ${hm.trim()}`, props.tz);
  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      setReason("");
      props.onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const mark = () => {
    const a = at(from());
    const b = at(to());
    if (a == null || b == null || b <= a) return setError(t("emissions.marks.badTimes"));
    if (!reason().trim()) return setError(t("emissions.marks.reasonNeeded"));
    void act(() => props.client.addEmissionMark({ kind: kind(), from_ms: a, to_ms: b, reason: reason(), user: "" }));
  };
  const withdraw = (m: Mark) => {
    if (!reason().trim()) return setError(t("emissions.marks.reasonNeeded"));
    void act(() => props.client.withdrawEmissionMark({ id: m.id, reason: reason(), user: "" }));
  };
  const hm = (ms: number) => formatPlantTime(ms, props.tz).slice(0, 16);
  return (
    <div class="panel marks" data-testid="emission-marks">
      <h3>{t("emissions.marks.title")}</h3>
      <p class="note">{t("emissions.marks.about")}</p>
      <table class="grid">
        <tbody>
          <For each={props.report.marks} fallback={<tr><td class="note">{t("emissions.marks.none")}</td></tr>}>
            {(m) => (
              <tr classList={{ faint: m.withdrawn != null }} data-mark={m.id}>
                <td>{t(`emissions.marks.${m.kind}` as Key)}</td>
                <td>
                  {hm(m.from_ms)} → {hm(m.to_ms)}
                </td>
                <td>{m.reason}</td>
                <td class="note">
                  {m.user} · {hm(m.at_ms)}
                </td>
                <td>
                  <Show
                    when={m.withdrawn}
                    fallback={
                      <button onClick={() => withdraw(m)} data-testid="withdraw-mark">
                        {t("emissions.marks.withdraw")}
                      </button>
                    }
                  >
                    {(w) => (
                      <span class="note">
                        {t("emissions.marks.withdrawn")} {w().user}: {w().reason}
                      </span>
                    )}
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <div class="alarm-tools">
        <select value={kind()} onChange={(e) => setKind(e.currentTarget.value as MarkKind)} data-testid="mark-kind">
          <For each={["startup", "shutdown", "calibration"] as MarkKind[]}>{(k) => <option value={k}>{t(`emissions.marks.${k}` as Key)}</option>}</For>
        </select>
        <input class="time short" placeholder="HH:MM" value={from()} onChange={(e) => setFrom(e.currentTarget.value)} data-testid="mark-from" />
        <input class="time short" placeholder="HH:MM" value={to()} onChange={(e) => setTo(e.currentTarget.value)} data-testid="mark-to" />
        <input
          class="comment"
          placeholder={t("emissions.marks.reason")}
          value={reason()}
          onInput={(e) => setReason(e.currentTarget.value)}
          data-testid="mark-reason"
        />
        <button onClick={mark} data-testid="add-mark">
          {t("emissions.marks.add")}
        </button>
        <Show when={error()}>{(e) => <span class="error">{e()}</span>}</Show>
      </div>
    </div>
  );
}

function validityText(v: Validity): string {
  return t(`emissions.validity.${v}` as Key);
}

function DayView(props: { report: DayReport; tz: string; client: EngineClient; onChanged: () => void }) {
  const r = () => props.report;
  const trend = (tag: string, from: number, to: number) => trendLink([tag, "o2"], from, to);
  return (
    <div class="emissions-day" data-testid="emissions-day" data-day={r().period.label}>
      <h2>
        {r().period.label} <span class="note">({r().basis.time_zone}, UTC{r().period.utc_offset})</span>
      </h2>
      <div class="day-summary">
        <For each={r().pollutants}>
          {(p) => (
            <div class="panel kpi" data-pollutant={p.pollutant}>
              <h3>{pollutantLabel(p.pollutant)}</h3>
              <div class="big">
                {n(p.day.value, 1)} <span class="unit">mg/Nm³ @ {p.reference_o2_percent} % O₂</span>
              </div>
              <div class="note">
                {validityText(p.day.validity)} · {p.day.counted}/{p.day.expected} {t("emissions.validHours")}
                <Show when={p.day.invalid > 0}>
                  {" "}
                  · {p.day.invalid} {t("emissions.invalidHours")}
                </Show>
                <Show when={p.day.excluded > 0}>
                  {" "}
                  · {p.day.excluded} {t("emissions.excludedHours")}
                </Show>
              </div>
              <Show when={p.day_standing}>
                {(s) => (
                  <div class="note" classList={{ bad: s().exceeded, warn: s().heading_over }}>
                    {t("alarms.limit")} {n(s().limit.limit_mg_nm3, 0)} ·{" "}
                    {s().exceeded
                      ? t("emissions.state.over")
                      : s().heading_over
                        ? t("emissions.state.heading")
                        : s().projected != null
                          ? `${t("emissions.state.sofar")} ${n(s().projected, 0)}`
                          : t("emissions.state.ok")}
                  </div>
                )}
              </Show>
              <a href={trend(p.tag, r().period.start_ms, r().period.end_ms)}>{t("emissions.rawTrend")}</a>
            </div>
          )}
        </For>
        <div class="panel kpi">
          <h3>{t("emissions.energy")}</h3>
          <div class="big">
            {n(r().energy_day.gj_per_t, 3)} <span class="unit">GJ/t</span>
          </div>
          <div class="note">
            {n(r().energy_day.kg_co2_per_t, 1)} kg CO₂/t · {n(r().energy_day.production_t, 0)} t ·{" "}
            {n(r().energy_day.fuel_nm3, 0)} Nm³
          </div>
          <Show when={r().energy_day.above_benchmark != null}>
            <div class="note" classList={{ warn: (r().energy_day.above_benchmark ?? 0) > 0.1 }}>
              {t("emissions.vsBenchmark")} {((r().energy_day.above_benchmark ?? 0) * 100).toFixed(1)} %
            </div>
          </Show>
        </div>
      </div>
      <div class="day-charts">
        <For each={r().pollutants}>
          {(p) => (
            <Chart
              title={`${pollutantLabel(p.pollutant)} · ${t("emissions.hourlyAverages")}`}
              unit="mg/Nm³"
              points={p.hours.map((h) => ({ label: h.period.label.slice(11, 13), value: h.average.value }))}
              limit={(p.hour_limit ?? p.day_standing?.limit)?.limit_mg_nm3 ?? null}
              testid={`hourly-${p.pollutant}`}
            />
          )}
        </For>
      </div>
      <table class="grid hours" data-testid="emissions-hours">
        <thead>
          <tr>
            <th>{t("emissions.hour")}</th>
            <For each={r().pollutants}>
              {(p) => (
                <>
                  <th>{pollutantLabel(p.pollutant)}</th>
                  <th>{t("emissions.samples")}</th>
                </>
              )}
            </For>
            <th>{t("emissions.fuel")}</th>
            <th>{t("emissions.production")}</th>
            <th>GJ/t</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <For each={r().energy_hours}>
            {(k, i) => (
              <tr>
                <td>
                  {k.label.slice(11)} <span class="note">{r().pollutants[0]?.hours[i()]?.period.utc_offset}</span>
                </td>
                <For each={r().pollutants}>
                  {(p) => {
                    const h = () => p.hours[i()];
                    return (
                      <>
                        <td class="num" classList={{ bad: h()?.over ?? false, faint: h()?.average.validity !== "valid" }} data-validity={h()?.average.validity}>
                          {n(h()?.average.value, 1)}
                        </td>
                        <td class="note">
                          {h()?.average.counted}/{h()?.average.expected} {h() ? validityText(h()!.average.validity) : ""}
                        </td>
                      </>
                    );
                  }}
                </For>
                <td class="num">{n(k.fuel_nm3, 0)}</td>
                <td class="num">{n(k.production_t, 1)}</td>
                <td class="num">{n(k.gj_per_t, 3)}</td>
                <td>
                  <a href={trendLink(r().pollutants.map((p) => p.tag as string).concat(["o2"]), k.start_ms, k.end_ms)}>{t("emissions.rawTrend")}</a>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <MarksPanel report={r()} tz={props.tz} client={props.client} onChanged={props.onChanged} />
      <h3>{t("emissions.shifts")}</h3>
      <table class="grid" data-testid="emissions-shifts">
        <thead>
          <tr>
            <th>{t("emissions.shift")}</th>
            <th>{t("emissions.fuel")} Nm³</th>
            <th>GJ</th>
            <th>{t("emissions.production")} t</th>
            <th>GJ/t</th>
            <th>kg CO₂/t</th>
          </tr>
        </thead>
        <tbody>
          <For each={[...r().energy_shifts, r().energy_day]}>
            {(k) => (
              <tr>
                <td>{k.label}</td>
                <td class="num">{n(k.fuel_nm3, 0)}</td>
                <td class="num">{n(k.energy_gj, 1)}</td>
                <td class="num">{n(k.production_t, 1)}</td>
                <td class="num">{n(k.gj_per_t, 3)}</td>
                <td class="num">{n(k.kg_co2_per_t, 1)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

