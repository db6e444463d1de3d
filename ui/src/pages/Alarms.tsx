// The Alarms page: the active list (filter, sort, acknowledge one or all visible, shelve with a
// duration, take out of service and back), the journal queried by time, alarm, priority and state
// and saved as CSV, and the alarm-system figures of the last week. The list is fetched again
// when the live stream says the alarms changed, not on a timer.
import { For, Match, Show, Switch, createMemo, createResource, createSignal } from "solid-js";
import type { ActiveAlarm, JournalEntry, JournalQuery, PlantInfo, Priority } from "../bindings";
import type { EngineClient } from "../client";
import { formatPlantTime, formatValue, plantLocalToUtc, utcToPlantLocal } from "../format";
import { type Key, locale, t } from "../i18n";
import type { Live } from "../state";

type Tab = "active" | "journal" | "metrics";
/** Which alarms the active list shows: those annunciated, or those silenced one way or another. */
type View = "annunciated" | "shelved" | "out_of_service" | "suppressed" | "all";
const VIEWS: View[] = ["annunciated", "shelved", "out_of_service", "suppressed", "all"];
const inView = (a: ActiveAlarm, v: View): boolean => {
  switch (v) {
    case "annunciated":
      return a.state !== "normal" && !a.shelved && !a.suppressed && !a.out_of_service;
    case "shelved":
      return a.shelved;
    case "out_of_service":
      return a.out_of_service;
    case "suppressed":
      return a.suppressed;
    case "all":
      return true;
  }
};
const STATES = ["active_unacked", "active_acked", "returned_unacked", "normal"] as const;
const JOURNAL_LIMIT = 5000;
const SHELVE = [
  { key: "15", minutes: 15 },
  { key: "60", minutes: 60 },
  { key: "480", minutes: 480 },
] as const;

export function Alarms(props: { client: EngineClient; plant: PlantInfo; live: Live }) {
  const [tab, setTab] = createSignal<Tab>("active");
  return (
    <section class="alarms">
      <div class="tabs" role="tablist">
        <For each={["active", "journal", "metrics"] as Tab[]}>
          {(x) => (
            <button classList={{ active: tab() === x }} onClick={() => setTab(x)} data-tab={x}>
              {t(`alarms.tab.${x}` as Key)}
            </button>
          )}
        </For>
      </div>
      <Switch>
        <Match when={tab() === "active"}>
          <ActiveList client={props.client} plant={props.plant} live={props.live} />
        </Match>
        <Match when={tab() === "journal"}>
          <JournalView client={props.client} plant={props.plant} now={props.live.live.now_ms} />
        </Match>
        <Match when={tab() === "metrics"}>
          <MetricsView client={props.client} now={props.live.live.now_ms} />
        </Match>
      </Switch>
    </section>
  );
}

function ActiveList(props: { client: EngineClient; plant: PlantInfo; live: Live }) {
  const [list, { refetch }] = createResource(
    () => [props.live.live.alarms_version] as const,
    () => props.client.alarms(true),
  );
  const [filter, setFilter] = createSignal("");
  const [view, setView] = createSignal<View>("annunciated");
  const [sort, setSort] = createSignal<"priority" | "time">("priority");
  const [error, setError] = createSignal<string | null>(null);
  // Goes with the next acknowledgement, shelving or change of service, into the journal.
  const [comment, setComment] = createSignal("");
  const rank = { urgent: 0, high: 1, medium: 2, low: 3 } as const;
  const counts = createMemo(() =>
    Object.fromEntries(VIEWS.map((v) => [v, (list.latest ?? []).filter((a) => inView(a, v)).length])),
  );
  const visible = createMemo(() => {
    const q = filter().trim().toLowerCase();
    const rows = (list.latest ?? []).filter(
      (a) => inView(a, view()) && (!q || [a.id, a.message, a.priority, a.state].some((s) => s.toLowerCase().includes(q))),
    );
    return sort() === "priority"
      ? rows.sort((a, b) => rank[a.priority] - rank[b.priority] || b.since_ms - a.since_ms)
      : rows.sort((a, b) => b.since_ms - a.since_ms);
  });
  /** The value now, from the live stream (the list itself is only fetched when alarms change). */
  const valueOf = (a: ActiveAlarm) => (a.tag ? (props.live.live.tags[a.tag]?.value ?? a.value) : a.value);
  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      setComment("");
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    void refetch();
  };
  const needsAck = (a: ActiveAlarm) =>
    (a.state === "active_unacked" || a.state === "returned_unacked") && !a.suppressed && !a.shelved && !a.out_of_service;
  const ack = (a: ActiveAlarm) => act(() => props.client.ackAlarms({ id: a.id, user: "", comment: comment() }));
  const ackVisible = () =>
    act(async () => {
      for (const a of visible()) {
        if (needsAck(a)) await props.client.ackAlarms({ id: a.id, user: "", comment: comment() });
      }
    });
  const shelve = (a: ActiveAlarm, how: string) =>
    act(() =>
      props.client.shelveAlarm({
        id: a.id,
        minutes: how === "one_shot" || how === "off" ? null : Number(how),
        one_shot: how === "one_shot",
        user: "",
        comment: comment(),
      }),
    );
  const service = (a: ActiveAlarm, out: boolean) => {
    // Out of service has no expiry: the journal must say why.
    if (out && !comment().trim()) {
      setError(`${a.id}: ${t("alarms.oos.reason")}`);
      return;
    }
    void act(() => props.client.setAlarmService({ id: a.id, out_of_service: out, user: "", comment: comment() }));
  };
  return (
    <>
      <div class="alarm-tools">
        <input
          type="search"
          placeholder={t("alarms.filter")}
          value={filter()}
          onInput={(e) => setFilter(e.currentTarget.value)}
        />
        <label>
          {t("alarms.view")}
          <select value={view()} onChange={(e) => setView(e.currentTarget.value as View)} data-testid="alarm-view">
            <For each={VIEWS}>
              {(v) => (
                <option value={v}>
                  {t(`alarms.view.${v}` as Key)} ({counts()[v]})
                </option>
              )}
            </For>
          </select>
        </label>
        <label>
          {t("alarms.sort")}
          <select value={sort()} onChange={(e) => setSort(e.currentTarget.value as "priority" | "time")}>
            <option value="priority">{t("alarms.sort.priority")}</option>
            <option value="time">{t("alarms.sort.time")}</option>
          </select>
        </label>
        <input
          type="text"
          class="comment"
          placeholder={t("alarms.comment")}
          value={comment()}
          onInput={(e) => setComment(e.currentTarget.value)}
          data-testid="alarm-comment"
        />
        <button onClick={() => void ackVisible()} data-testid="ack-visible">
          {t("alarms.ackVisible")}
        </button>
        <Show when={error()}>{(e) => <span class="error">{e()}</span>}</Show>
      </div>
      <table class="grid alarm-list" data-testid="alarm-list">
        <thead>
          <tr>
            <th>{t("alarms.priority")}</th>
            <th>{t("alarms.state")}</th>
            <th>{t("alarms.alarm")}</th>
            <th>{t("alarms.message")}</th>
            <th>{t("devices.value")}</th>
            <th>{t("alarms.since")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <For each={visible()} fallback={<tr><td colspan="7" class="note">{t("alarm.none")}</td></tr>}>
            {(a) => (
              <tr data-alarm={a.id} classList={{ unacked: needsAck(a), silenced: a.suppressed || a.shelved || a.out_of_service }}>
                <td>
                  <span class={`chip prio-${a.priority}`}>{t(`alarm.priority.${a.priority}` as Key)}</span>
                </td>
                <td>
                  {t(`alarms.state.${a.state}` as Key)}
                  <Show when={a.shelved}>
                    {" "}
                    · {t("alarms.shelved")}
                    <Show when={a.shelved_until_ms} fallback={<> {t("alarms.shelve.oneShot")}</>}>
                      {(u) => (
                        <>
                          {" "}
                          {t("alarms.until")} {formatPlantTime(u(), props.plant.time_zone).slice(11, 16)}
                        </>
                      )}
                    </Show>
                  </Show>
                  <Show when={a.suppressed}> · {t("alarms.suppressed")}</Show>
                  <Show when={a.out_of_service}> · {t("alarms.oos")}</Show>
                </td>
                <td>{a.id}</td>
                <td title={a.response ?? ""}>{a.message}</td>
                <td class="num">{valueOf(a) == null ? "—" : formatValue(valueOf(a) as number, 1, locale())}</td>
                <td title={a.since_ms > 0 ? new Date(a.since_ms).toISOString() : ""}>
                  {a.since_ms > 0 ? formatPlantTime(a.since_ms, props.plant.time_zone) : "—"}
                </td>
                <td class="actions">
                  <Show when={needsAck(a)}>
                    <button onClick={() => void ack(a)}>{t("alarm.ack")}</button>
                  </Show>
                  <select
                    value=""
                    aria-label={t("alarms.shelve")}
                    onChange={(e) => {
                      const v = e.currentTarget.value;
                      e.currentTarget.value = "";
                      if (v) void shelve(a, v);
                    }}
                  >
                    <option value="">{a.shelved ? t("alarms.shelved") : t("alarms.shelve")}…</option>
                    <For each={SHELVE}>{(s) => <option value={s.key}>{t(`alarms.shelve.${s.key}` as Key)}</option>}</For>
                    <option value="one_shot">{t("alarms.shelve.oneShot")}</option>
                    <Show when={a.shelved}>
                      <option value="off">{t("alarms.unshelve")}</option>
                    </Show>
                  </select>
                  <button
                    class="quiet"
                    onClick={() => service(a, !a.out_of_service)}
                    title={a.out_of_service ? "" : t("alarms.oos.reason")}
                    data-testid="alarm-service"
                  >
                    {a.out_of_service ? t("alarms.oos.return") : t("alarms.oos.take")}
                  </button>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </>
  );
}

function JournalView(props: { client: EngineClient; plant: PlantInfo; now: number }) {
  const tz = props.plant.time_zone;
  const [from, setFrom] = createSignal(utcToPlantLocal(props.now - 86_400_000, tz).replace("T", " "));
  const [to, setTo] = createSignal(utcToPlantLocal(props.now + 60_000, tz).replace("T", " "));
  const [alarm, setAlarm] = createSignal("");
  const [priority, setPriority] = createSignal<Priority | "">("");
  const [state, setState] = createSignal("");
  const [problem, setProblem] = createSignal<string | null>(null);
  const [saved, setSaved] = createSignal("");
  /** The form as a query, or null (with the reason shown) when the times do not read. */
  const query = (): JournalQuery | null => {
    const f = plantLocalToUtc(from(), tz);
    // The end minute is included: 09:00 to 09:00 is that one minute.
    const t0 = plantLocalToUtc(to(), tz);
    if (f == null || t0 == null || t0 + 60_000 <= f) {
      setProblem(t("trends.badRange"));
      return null;
    }
    setProblem(null);
    return {
      from: f,
      to: t0 + 60_000,
      limit: JOURNAL_LIMIT,
      alarm: alarm().trim() || null,
      priority: priority() || null,
      state: state() || null,
    };
  };
  const [asked, setAsked] = createSignal<JournalQuery | null>(query());
  const [entries] = createResource(asked, (q) => props.client.alarmJournal(q));
  const save = async () => {
    const q = query();
    if (!q) return;
    setSaved("");
    try {
      const path = await props.client.saveAlarmJournal({ ...q, limit: 100_000 });
      setSaved(path ? `${t("trends.exported")}: ${path}` : "");
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    }
  };
  const rows = (): JournalEntry[] => [...(entries.latest ?? [])].reverse();
  const num = (v: number | null) => (v == null ? "" : formatValue(v, 1, locale()));
  return (
    <>
      <form
        class="alarm-tools journal-query"
        onSubmit={(e) => {
          e.preventDefault();
          const q = query();
          if (q) setAsked(q);
        }}
      >
        <label>
          {t("trends.from")}
          <input class="time" value={from()} onChange={(e) => setFrom(e.currentTarget.value)} placeholder="YYYY-MM-DD HH:MM" data-testid="journal-from" />
        </label>
        <label>
          {t("trends.to")}
          <input class="time" value={to()} onChange={(e) => setTo(e.currentTarget.value)} placeholder="YYYY-MM-DD HH:MM" data-testid="journal-to" />
        </label>
        <input
          type="search"
          placeholder={t("alarms.journal.alarm")}
          value={alarm()}
          onChange={(e) => setAlarm(e.currentTarget.value)}
          data-testid="journal-alarm"
        />
        <select value={priority()} onChange={(e) => setPriority(e.currentTarget.value as Priority | "")} aria-label={t("alarms.priority")} data-testid="journal-priority">
          <option value="">{t("alarms.priority")}: {t("alarms.any")}</option>
          <For each={["urgent", "high", "medium", "low"] as Priority[]}>
            {(p) => <option value={p}>{t(`alarm.priority.${p}` as Key)}</option>}
          </For>
        </select>
        <select value={state()} onChange={(e) => setState(e.currentTarget.value)} aria-label={t("alarms.state")} data-testid="journal-state">
          <option value="">{t("alarms.state")}: {t("alarms.any")}</option>
          <For each={STATES}>{(x) => <option value={x}>{t(`alarms.state.${x}` as Key)}</option>}</For>
        </select>
        <button type="submit">{t("trends.show")}</button>
        <button type="button" onClick={() => void save()} data-testid="journal-csv">
          {t("alarms.journal.csv")}
        </button>
        <Show when={problem()}>{(p) => <span class="error">{p()}</span>}</Show>
        <Show when={saved()}>
          <span class="note">{saved()}</span>
        </Show>
      </form>
      <p class="note" data-testid="journal-count">
        {entries.loading ? t("trends.loading") : `${rows().length} ${t("alarms.journal.entries")}`}
        <Show when={rows().length >= JOURNAL_LIMIT}> · {t("alarms.journal.limited")}</Show>
      </p>
      <table class="grid" data-testid="alarm-journal">
        <thead>
          <tr>
            <th>{t("trends.time")}</th>
            <th>{t("alarms.alarm")}</th>
            <th>{t("alarms.transition")}</th>
            <th>{t("alarms.priority")}</th>
            <th>{t("devices.value")}</th>
            <th>{t("alarms.limit")}</th>
            <th>{t("alarms.message")}</th>
            <th>{t("alarms.user")}</th>
          </tr>
        </thead>
        <tbody>
          <For each={rows()} fallback={<tr><td colspan="8" class="note">{t("alarms.journal.none")}</td></tr>}>
            {(e) => (
              <tr data-transition={e.transition}>
                <td>{formatPlantTime(e.at_ms, tz)}</td>
                <td>{e.alarm}</td>
                <td>{t(`alarms.tr.${e.transition}` as Key)}</td>
                <td>{t(`alarm.priority.${e.priority}` as Key)}</td>
                <td class="num">{num(e.value)}</td>
                <td class="num">{num(e.limit)}</td>
                <td>{e.message}</td>
                <td>
                  {e.user ?? ""}
                  <Show when={e.comment}> — {e.comment}</Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </>
  );
}

function MetricsView(props: { client: EngineClient; now: number }) {
  const [m] = createResource(() => props.client.alarmMetrics(props.now - 7 * 86_400_000, props.now + 60_000));
  const n = (v: number, d = 0) => formatValue(v, d, locale());
  return (
    <Show when={m()}>
      {(x) => (
        <div class="metrics panel" data-testid="alarm-metrics">
          <h3>{t("alarms.metrics.week")}</h3>
          <dl>
            <dt>{t("alarms.metrics.annunciations")}</dt>
            <dd>{n(x().annunciations)}</dd>
            <dt>{t("alarms.metrics.per10")}</dt>
            <dd>
              {n(x().per_10min_average, 2)} ({t("alarms.metrics.busiest")} {n(x().per_10min_max)})
            </dd>
            <dt>{t("alarms.metrics.flood")}</dt>
            <dd>{n(x().time_in_flood_percent, 1)} %</dd>
            <dt>{t("alarms.metrics.chattering")}</dt>
            <dd>{x().chattering.join(", ") || "—"}</dd>
            <dt>{t("alarms.metrics.stale")}</dt>
            <dd>{x().stale.join(", ") || "—"}</dd>
            <dt>{t("alarms.priority")}</dt>
            <dd>
              <For each={x().by_priority}>
                {([p, c]) => (
                  <span class="prio-count">
                    {t(`alarm.priority.${p}` as Key)} {n(c)}
                  </span>
                )}
              </For>
            </dd>
          </dl>
          <h3>{t("alarms.metrics.top")}</h3>
          <ol>
            <For each={x().top_ten}>
              {(c) => (
                <li>
                  {c.alarm} ({n(c.count)})
                </li>
              )}
            </For>
          </ol>
        </div>
      )}
    </Show>
  );
}
