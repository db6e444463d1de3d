// Trends: any tags, one y axis per unit, min/max envelopes so a spike is never averaged away,
// presets that follow now or a custom range, drag to zoom, wheel to zoom about the cursor,
// shift-drag to pan, saved views, and the window exported as CSV with progress and cancel.
import { For, Show, createEffect, createSignal, on, onCleanup, onMount } from "solid-js";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { History, PlantInfo } from "../bindings";
import { type EngineClient, inDesktop } from "../client";
import { exportToDownloads } from "../client/tauri";
import { formatPlantTime, plantLocalToUtc, unitSymbol, utcToPlantLocal } from "../format";
import { t } from "../i18n";
import { parseRoute, trendRequest } from "../route";
import type { Live } from "../state";
import {
  PRESETS,
  type PresetKey,
  type SavedView,
  type Window,
  deleteView,
  exportProgress,
  loadViews,
  loadWindow,
  pan,
  plotData,
  presetWindow,
  saveView,
  searchTags,
  unitScales,
  zoom,
  zoomAt,
} from "../trend";

// Muted pens on the dark background; the envelope is the same hue, faint.
const PENS = ["#8fb8de", "#d8b56a", "#9ccf9a", "#c99ad6", "#e09a8a", "#7fc9c4", "#c8c8c8"];
/** Buckets per visible window; a window's width either side is loaded too, for panning. */
const BUCKETS = 1000;
const DAY = uPlot.fmtDate("{MM}-{DD}");
const HM = uPlot.fmtDate("{HH}:{mm}");
const HMS = uPlot.fmtDate("{HH}:{mm}:{ss}");

export function Trends(props: { client: EngineClient; plant: PlantInfo; live: Live }) {
  const info = props.live.info;
  const zone = props.plant.furnace.zones[0];
  // A link from another page (an hour of the Emissions page) says what to show.
  const asked = trendRequest(parseRoute(location.hash));
  const [tags, setTags] = createSignal<string[]>(
    asked ? asked.tags.filter((n) => n in info) : zone ? [zone.temperature, zone.setpoint] : [],
  );
  const [preset, setPreset] = createSignal<PresetKey | null>(asked ? null : "1h");
  // The same window again (live mode while plant time stands still) is not a new load.
  const [win, setWin] = createSignal<Window>(
    asked ? { from: asked.from, to: asked.to } : presetWindow("1h", props.live.live.now_ms),
    { equals: (a, b) => a.from === b.from && a.to === b.to },
  );
  const [query, setQuery] = createSignal("");
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [source, setSource] = createSignal("");
  /** Pens loaded of those asked, while a load runs. */
  const [progress, setProgress] = createSignal<[number, number]>([0, 0]);
  const [views, setViews] = createSignal<SavedView[]>(loadViews(localStorage));
  const [viewName, setViewName] = createSignal("");
  const [customFrom, setCustomFrom] = createSignal("");
  const [customTo, setCustomTo] = createSignal("");
  const [exporting, setExporting] = createSignal<number | null>(null);
  const [exportNote, setExportNote] = createSignal("");
  const tz = props.plant.time_zone;
  let host: HTMLDivElement | undefined;
  let plot: uPlot | undefined;
  let plotKey = "";
  let generation = 0;
  let inflight: AbortController | undefined;
  let exportAbort: AbortController | undefined;
  // A pan in progress: where the drag started and the window then.
  let panning: { x: number; win: Window } | null = null;

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
        label: unitSymbol(u) || u,
        size: 70,
        labelSize: 18,
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
      plot.batch(() => {
        plot?.setData(columns, false);
        showWindow();
      });
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
        scales: { x: { time: true, range: (_u, min, max) => [min, max] } },
        // Axis times in the plant's zone, like every other time on screen.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), props.plant.time_zone),
        cursor: {
          drag: { x: true, y: false },
          bind: {
            // Shift-drag or the middle button pans; a plain drag selects a span to zoom to.
            mousedown: (u, _target, handler) => (e: MouseEvent) => {
              if (e.shiftKey || e.button === 1) {
                panning = { x: e.clientX, win: win() };
                e.preventDefault();
                return null;
              }
              return handler(e);
            },
          },
        },
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
    showWindow();
    plot.over.addEventListener("wheel", onWheel, { passive: false });
    setSource(histories[0]?.source ?? "");
  };

  /** Draw the current window from the data already loaded (no fetch: this is what keeps a pan
   * or a wheel zoom fluid), the rest follows when the load for it answers. */
  const showWindow = () => {
    const w = win();
    plot?.setScale("x", { min: w.from / 1000, max: w.to / 1000 });
  };

  const onWheel = (e: WheelEvent) => {
    if (!plot) return;
    e.preventDefault();
    const at = e.offsetX / Math.max(1, plot.over.clientWidth);
    move(zoomAt(win(), e.deltaY > 0 ? 1.25 : 0.8, at));
  };

  const onPanMove = (e: MouseEvent) => {
    if (!panning || !plot) return;
    const span = panning.win.to - panning.win.from;
    const d = Math.round(((panning.x - e.clientX) / Math.max(1, plot.over.clientWidth)) * span);
    setPreset(null);
    // Only the scale moves while dragging; the load waits for the button to come up.
    const w = { from: panning.win.from + d, to: panning.win.to + d };
    plot.setScale("x", { min: w.from / 1000, max: w.to / 1000 });
    panPending = w;
  };
  let panPending: Window | null = null;
  const onPanEnd = () => {
    if (!panning) return;
    panning = null;
    if (panPending) setWin(panPending);
    panPending = null;
  };

  const load = async () => {
    const names = tags();
    const w = loadWindow(win());
    const mine = ++generation;
    // A newer window supersedes a load still running: stop it rather than wait for it.
    inflight?.abort();
    const abort = new AbortController();
    inflight = abort;
    showWindow();
    setLoading(true);
    setError(null);
    try {
      setProgress([0, names.length]);
      const histories = await Promise.all(
        names.map((tag) =>
          props.client.history({ tag, from: w.from, to: w.to, buckets: BUCKETS * 3 }, abort.signal).then((h) => {
            if (mine === generation) setProgress(([done, all]) => [done + 1, all]);
            return h;
          }),
        ),
      );
      if (mine === generation) build(histories);
    } catch (e) {
      if (mine === generation) setError(abort.signal.aborted ? t("trends.cancelled") : String(e));
    } finally {
      if (mine === generation) setLoading(false);
    }
  };

  const cancelLoad = () => {
    generation++;
    inflight?.abort();
    setLoading(false);
    setError(t("trends.cancelled"));
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
    window.addEventListener("mousemove", onPanMove);
    window.addEventListener("mouseup", onPanEnd);
    onCleanup(() => {
      clearInterval(timer);
      window.removeEventListener("resize", resize);
      window.removeEventListener("mousemove", onPanMove);
      window.removeEventListener("mouseup", onPanEnd);
      inflight?.abort();
      exportAbort?.abort();
      plot?.destroy();
    });
  });

  const choose = (p: PresetKey) => {
    setPreset(p);
    setCustomFrom("");
    setCustomTo("");
    setWin(presetWindow(p, props.live.live.now_ms));
  };
  const move = (w: Window) => {
    setPreset(null);
    setCustomFrom("");
    setCustomTo("");
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

  /** Stream the export, showing how far it has got; cancel stops the engine's work too (the
   * connection closes and the engine stops writing). */
  const exportCsv = async () => {
    const w = win();
    const abort = new AbortController();
    exportAbort = abort;
    setExporting(0);
    setExportNote("");
    try {
      if (inDesktop()) {
        const q = { from: w.from, to: w.to, tags: tags().join(","), layout: "wide", local: false };
        const path = await exportToDownloads(q, setExporting, abort.signal);
        setExportNote(`${t("trends.exported")}: ${path}`);
        return;
      }
      const r = await fetch(exportUrl(), { signal: abort.signal });
      if (!r.ok || !r.body) throw new Error((await r.text()) || `HTTP ${r.status}`);
      const reader = r.body.getReader();
      const decoder = new TextDecoder();
      const parts: BlobPart[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        const p = exportProgress(decoder.decode(value, { stream: true }), w.from, w.to);
        if (p !== null) setExporting(p);
      }
      const url = URL.createObjectURL(new Blob(parts, { type: "text/csv" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = `hearth-${utcToPlantLocal(w.from, tz).replace(/[:T]/g, "")}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setExportNote(t("trends.exported"));
    } catch (e) {
      setExportNote(abort.signal.aborted ? t("trends.cancelled") : String(e));
    } finally {
      setExporting(null);
    }
  };

  const applyCustom = () => {
    const from = plantLocalToUtc(customFrom(), tz);
    const to = plantLocalToUtc(customTo(), tz);
    if (from === null || to === null || from >= to) {
      setError(t("trends.badRange"));
      return;
    }
    move({ from, to });
  };

  const storeView = () => {
    const name = viewName().trim();
    if (!name) return;
    const w = win();
    setViews(saveView(localStorage, { name, tags: tags(), preset: preset(), from: w.from, to: w.to }));
    setViewName("");
  };
  const openView = (name: string) => {
    const v = views().find((x) => x.name === name);
    if (!v) return;
    setTags(v.tags.filter((tag) => tag in info));
    if (v.preset) choose(v.preset);
    else move({ from: v.from, to: v.to });
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
        <Show
          when={exporting() !== null}
          fallback={
            <button class="export" onClick={() => void exportCsv()} data-testid="export">
              {t("trends.export")}
            </button>
          }
        >
          <span class="export progress" data-testid="export-progress">
            {t("trends.exporting")} {Math.round((exporting() ?? 0) * 100)} %
            <button onClick={() => exportAbort?.abort()}>{t("trends.cancel")}</button>
          </span>
        </Show>
        <span class="note">{exportNote()}</span>
      </div>
      <div class="trend-bar">
        <form
          class="custom"
          onSubmit={(e) => {
            e.preventDefault();
            applyCustom();
          }}
        >
          <span class="note">{t("trends.custom")}</span>
          <label>
            {t("trends.from")}
            <input
              type="text"
              class="time"
              placeholder="YYYY-MM-DD HH:MM"
              value={customFrom() || utcToPlantLocal(win().from, tz).replace("T", " ")}
              onChange={(e) => setCustomFrom(e.currentTarget.value)}
              data-testid="custom-from"
            />
          </label>
          <label>
            {t("trends.to")}
            <input
              type="text"
              class="time"
              placeholder="YYYY-MM-DD HH:MM"
              value={customTo() || utcToPlantLocal(win().to, tz).replace("T", " ")}
              onChange={(e) => setCustomTo(e.currentTarget.value)}
              data-testid="custom-to"
            />
          </label>
          <span class="note">{tz}</span>
          <button type="submit">{t("trends.show")}</button>
        </form>
        <div class="views">
          <select
            value=""
            onChange={(e) => {
              openView(e.currentTarget.value);
              e.currentTarget.value = "";
            }}
            data-testid="open-view"
            aria-label={t("trends.views")}
          >
            <option value="">{t("trends.chooseView")}</option>
            <For each={views()}>{(v) => <option value={v.name}>{v.name}</option>}</For>
          </select>
          <input
            type="text"
            placeholder={t("trends.viewName")}
            value={viewName()}
            onInput={(e) => setViewName(e.currentTarget.value)}
            data-testid="view-name"
          />
          <button onClick={storeView} disabled={!viewName().trim()}>
            {t("trends.saveView")}
          </button>
          <Show when={views().length > 0}>
            <select
              value=""
              onChange={(e) => {
                const n = e.currentTarget.value;
                if (n) setViews(deleteView(localStorage, n));
                e.currentTarget.value = "";
              }}
              aria-label={t("trends.deleteView")}
            >
              <option value="">{t("trends.deleteView")}…</option>
              <For each={views()}>{(v) => <option value={v.name}>{v.name}</option>}</For>
            </select>
          </Show>
        </div>
      </div>
      <div class="pens">
        <For each={tags()}>
          {(name, i) => (
            <span class="pen" style={{ "border-color": PENS[i() % PENS.length] }} title={info[name]?.description}>
              {name} <span class="unit">{unitSymbol(info[name]?.unit ?? "")}</span>
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
                      <b>{tag.name}</b> <span class="unit">{unitSymbol(tag.unit)}</span> {tag.description}
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
        <Show when={loading()}>
          {t("trends.loading")} {progress()[0]}/{progress()[1]}{" "}
          <button class="link-button" onClick={cancelLoad} data-testid="cancel-load">
            {t("trends.cancel")}
          </button>{" "}
        </Show>
        <Show when={error()}>{(e) => <span class="error">{e()}</span>}</Show>
        <Show when={source()}>
          {t("trends.source")}: {t(`trends.source.${source()}` as Parameters<typeof t>[0])}
        </Show>
      </div>
    </section>
  );
}
