// The Alarms page: the active list (filter, sort, acknowledge one or all visible, shelve with a
// duration), the journal of the last day, and the alarm-system figures of the last week.
import { For, Match, Show, Switch, createMemo, createResource, createSignal, onCleanup } from "solid-js";
import type { ActiveAlarm, PlantInfo } from "../bindings";
import type { EngineClient } from "../client";
import { formatPlantTime, formatValue } from "../format";
import { type Key, locale, t } from "../i18n";
import type { Live } from "../state";

type Tab = "active" | "journal" | "metrics";
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
          <ActiveList client={props.client} plant={props.plant} />
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

function ActiveList(props: { client: EngineClient; plant: PlantInfo }) {
  const [list, { refetch }] = createResource(() => props.client.alarms());
  const timer = setInterval(() => void refetch(), 2000);
  onCleanup(() => clearInterval(timer));
  const [filter, setFilter] = createSignal("");
  const [sort, setSort] = createSignal<"priority" | "time">("priority");
  const [error, setError] = createSignal<string | null>(null);
  // Goes with the next acknowledgement or shelving, into the journal.
  const [comment, setComment] = createSignal("");
  const rank = { urgent: 0, high: 1, medium: 2, low: 3 } as const;
  const visible = createMemo(() => {
    const q = filter().trim().toLowerCase();
    const rows = (list.latest ?? []).filter(
      (a) => !q || [a.id, a.message, a.priority, a.state].some((s) => s.toLowerCase().includes(q)),
    );
    return sort() === "priority"
      ? rows.sort((a, b) => rank[a.priority] - rank[b.priority] || b.since_ms - a.since_ms)
      : rows.sort((a, b) => b.since_ms - a.since_ms);
  });
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
  const ack = (a: ActiveAlarm) => act(() => props.client.ackAlarms({ id: a.id, user: "browser", comment: comment() }));
  const ackVisible = () =>
    act(async () => {
      for (const a of visible()) {
        if (a.state !== "active_acked" && !a.suppressed && !a.shelved)
          await props.client.ackAlarms({ id: a.id, user: "browser", comment: comment() });
      }
    });
  const shelve = (a: ActiveAlarm, how: string) =>
    act(() =>
      props.client.shelveAlarm({
        id: a.id,
        minutes: how === "one_shot" || how === "off" ? null : Number(how),
        one_shot: how === "one_shot",
        user: "browser",
        comment: comment(),
      }),
    );
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
              <tr data-alarm={a.id} classList={{ unacked: a.state !== "active_acked", silenced: a.suppressed || a.shelved }}>
                <td>
                  <span class={`chip prio-${a.priority}`}>{t(`alarm.priority.${a.priority}` as Key)}</span>
                </td>
                <td>
                  {t(`alarms.state.${a.state}` as Key)}
                  <Show when={a.shelved}> · {t("alarms.shelved")}</Show>
                  <Show when={a.suppressed}> · {t("alarms.suppressed")}</Show>
                </td>
                <td>{a.id}</td>
                <td title={a.response ?? ""}>{a.message}</td>
                <td class="num">{a.value === null ? "—" : formatValue(a.value, 1, locale())}</td>
                <td title={new Date(a.since_ms).toISOString()}>{formatPlantTime(a.since_ms, props.plant.time_zone)}</td>
                <td class="actions">
                  <Show when={a.state !== "active_acked"}>
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
  const to = props.now + 60_000;
  const [entries] = createResource(() => props.client.alarmJournal(to - 86_400_000, to));
  return (
    <table class="grid" data-testid="alarm-journal">
      <thead>
        <tr>
          <th>{t("trends.time")}</th>
          <th>{t("alarms.alarm")}</th>
          <th>{t("alarms.transition")}</th>
          <th>{t("alarms.priority")}</th>
          <th>{t("alarms.message")}</th>
          <th>{t("alarms.user")}</th>
        </tr>
      </thead>
      <tbody>
        <For each={[...(entries() ?? [])].reverse()}>
          {(e) => (
            <tr>
              <td>{formatPlantTime(e.at_ms, props.plant.time_zone)}</td>
              <td>{e.alarm}</td>
              <td>{e.transition}</td>
              <td>{t(`alarm.priority.${e.priority}` as Key)}</td>
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
