// Trends: any tags, one y axis per unit, min/max envelopes so a spike is never averaged away,
// presets that follow now, drag to zoom, pan and widen, and the window exported as CSV.
import { For, Show, createEffect, createSignal, on, onCleanup, onMount } from "solid-js";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { History, PlantInfo } from "../bindings";
import type { EngineClient } from "../client";
import { formatPlantTime } from "../format";
import { t } from "../i18n";
import type { Live } from "../state";
import {
  PRESETS,
  type PresetKey,
  type Window,
  pan,
  plotData,
  presetWindow,
  searchTags,
  unitScales,
  zoom,
} from "../trend";

// Muted pens on the dark background; the envelope is the same hue, faint.
const PENS = ["#8fb8de", "#d8b56a", "#9ccf9a", "#c99ad6", "#e09a8a", "#7fc9c4", "#c8c8c8"];
const BUCKETS = 1000;
const DAY = uPlot.fmtDate("{MM}-{DD}");
const HM = uPlot.fmtDate("{HH}:{mm}");
const HMS = uPlot.fmtDate("{HH}:{mm}:{ss}");

export function Trends(props: { client: EngineClient; plant: PlantInfo; live: Live }) {
  const info = props.live.info;
  const zone = props.plant.furnace.zones[0];
  const [tags, setTags] = createSignal<string[]>(zone ? [zone.temperature, zone.setpoint] : []);
  const [preset, setPreset] = createSignal<PresetKey | null>("1h");
  const [win, setWin] = createSignal<Window>(presetWindow("1h", props.live.live.now_ms));
  const [query, setQuery] = createSignal("");
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [source, setSource] = createSignal("");
  let host: HTMLDivElement | undefined;
  let plot: uPlot | undefined;
  let plotKey = "";
  let generation = 0;

  const build = (histories: History[]) => {
    const names = histories.map((h) => h.tag);
    const units = unitScales(names, info);
    const data = plotData(histories);
    const series: uPlot.Series[] = [
      {
        label: t("trends.time"),
        value: (_u, v) => (v == null ? "" : formatPlantTime(v * 1000, props.plant.time_zone)),
      },
    ];
    const bands: uPlot.Band[] = [];
    data.pens.forEach((p, i) => {
      const colour = PENS[i % PENS.length] ?? "#c8c8c8";
      const scale = info[p.tag]?.unit || "-";
      const base = series.length;
      series.push({ label: p.tag, scale, stroke: colour, width: 1.5, spanGaps: false });
      series.push({ label: `${p.tag} ${t("trends.min")}`, scale, stroke: `${colour}55`, width: 0.5, spanGaps: false });
      series.push({ label: `${p.tag} ${t("trends.max")}`, scale, stroke: `${colour}55`, width: 0.5, spanGaps: false });
      bands.push({ series: [base + 2, base + 1], fill: `${colour}22` });
    });
    const tz = props.plant.time_zone;
    const axes: uPlot.Axis[] = [
      {
        stroke: "#9aa4ad",
        grid: { stroke: "#2a3036" },
        ticks: { stroke: "#2a3036" },
        // 24-hour plant time; dates once ticks are a day or more apart.
        values: (_u, splits, _axis, _space, incr) =>
          splits.map((s) => (incr >= 86_400 ? DAY : incr < 60 ? HMS : HM)(uPlot.tzDate(new Date(s * 1000), tz))),
      },
      ...units.map((u, i) => ({
        scale: u,
        label: u,
        side: i === 0 ? 3 : 1,
        stroke: "#9aa4ad",
        grid: { show: i === 0, stroke: "#2a3036" },
        ticks: { stroke: "#2a3036" },
      })),
    ];
    const columns: uPlot.AlignedData = [
      data.xs,
      ...data.pens.flatMap((p) => [p.mean, p.min, p.max]),
    ] as uPlot.AlignedData;
    // Same pens: new data into the same chart (no flicker, and a drag in progress survives).
    const key = names.join("\u0000");
    if (plot && key === plotKey) {
      plot.setData(columns);
      setSource(histories[0]?.source ?? "");
      return;
    }
    plot?.destroy();
    if (!host) return;
    plotKey = key;
    plot = new uPlot(
      {
        width: Math.max(320, host.clientWidth),
        height: 420,
        series,
        bands,
        axes,
        scales: { x: { time: true } },
        // Axis times in the plant's zone, like every other time on screen.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), props.plant.time_zone),
        cursor: { drag: { x: true, y: false } },
        hooks: {
          setSelect: [
            (u) => {
              if (u.select.width < 4) return;
              const from = Math.round(u.posToVal(u.select.left, "x") * 1000);
              const to = Math.round(u.posToVal(u.select.left + u.select.width, "x") * 1000);
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              setPreset(null);
              setWin({ from, to });
            },
          ],
        },
      },
      columns,
      host,
    );
    setSource(histories[0]?.source ?? "");
  };

  const load = async () => {
    const names = tags();
    const w = win();
    const mine = ++generation;
    setLoading(true);
    setError(null);
    try {
      const histories = await Promise.all(
        names.map((tag) => props.client.history({ tag, from: w.from, to: w.to, buckets: BUCKETS })),
      );
      // A newer request superseded this one while it loaded: drop it.
      if (mine === generation) build(histories);
    } catch (e) {
      if (mine === generation) setError(String(e));
    } finally {
      if (mine === generation) setLoading(false);
    }
  };

  onMount(() => {
    createEffect(on([tags, win], () => void load()));
    // Live mode: a preset follows now.
    const timer = setInterval(() => {
      const p = preset();
      if (p) setWin(presetWindow(p, props.live.live.now_ms));
    }, 5000);
    const resize = () => plot?.setSize({ width: Math.max(320, host?.clientWidth ?? 320), height: 420 });
    window.addEventListener("resize", resize);
    onCleanup(() => {
      clearInterval(timer);
      window.removeEventListener("resize", resize);
      plot?.destroy();
    });
  });

  const choose = (p: PresetKey) => {
    setPreset(p);
    setWin(presetWindow(p, props.live.live.now_ms));
  };
  const move = (w: Window) => {
    setPreset(null);
    setWin(w);
  };
  const add = (name: string) => {
    if (!tags().includes(name)) setTags([...tags(), name]);
    setQuery("");
  };
  const exportUrl = () => {
    const w = win();
    const p = new URLSearchParams({ from: String(w.from), to: String(w.to), tags: tags().join(","), layout: "wide" });
    return `${props.client.target.api_url}/api/export?${p.toString()}`;
  };

  return (
    <section class="trends">
      <div class="trend-bar">
        <div class="presets" role="group" aria-label={t("trends.range")}>
          <For each={PRESETS}>
            {(p) => (
              <button classList={{ active: preset() === p.key }} onClick={() => choose(p.key)} data-preset={p.key}>
                {t(`trends.preset.${p.key}` as Parameters<typeof t>[0])}
              </button>
            )}
          </For>
        </div>
        <div class="nav-buttons">
          <button onClick={() => move(pan(win(), -0.5))} title={t("trends.back")}>◀</button>
          <button onClick={() => move(zoom(win(), 2))} title={t("trends.widen")}>−</button>
          <button onClick={() => move(pan(win(), 0.5))} title={t("trends.forward")}>▶</button>
        </div>
        <div class="window" data-testid="trend-window">
          {formatPlantTime(win().from, props.plant.time_zone)} → {formatPlantTime(win().to, props.plant.time_zone)}
          <Show when={preset()}> · {t("trends.live")}</Show>
        </div>
        <a class="export" href={exportUrl()} download="hearth-export.csv">
          {t("trends.export")}
        </a>
      </div>
      <div class="pens">
        <For each={tags()}>
          {(name, i) => (
            <span class="pen" style={{ "border-color": PENS[i() % PENS.length] }} title={info[name]?.description}>
              {name} <span class="unit">{info[name]?.unit}</span>
              <button aria-label={t("trends.remove")} onClick={() => setTags(tags().filter((x) => x !== name))}>
                ×
              </button>
            </span>
          )}
        </For>
        <div class="tag-search">
          <input
            type="search"
            placeholder={t("trends.addTag")}
            value={query()}
            onInput={(e) => setQuery(e.currentTarget.value)}
            data-testid="tag-search"
          />
          <Show when={query()}>
            <ul class="hits">
              <For each={searchTags(query(), props.plant.tags)}>
                {(tag) => (
                  <li>
                    <button onClick={() => add(tag.name)}>
                      <b>{tag.name}</b> <span class="unit">{tag.unit}</span> {tag.description}
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </div>
      </div>
      <div class="plot" ref={host} data-testid="trend-plot" />
      <div class="trend-status">
        <Show when={loading()}>{t("trends.loading")} </Show>
        <Show when={error()}>{(e) => <span class="error">{e()}</span>}</Show>
        <Show when={source()}>
          {t("trends.source")}: {t(`trends.source.${source()}` as Parameters<typeof t>[0])}
        </Show>
      </div>
    </section>
  );
}
