// The shell: header with plant time and connection, navigation, the pages, and the close prompt.
import { For, Match, Show, Switch, createEffect, createResource, createSignal, onCleanup } from "solid-js";
import type { PlantInfo } from "./bindings";
import { type EngineClient, connect, inDesktop } from "./client";
import { answerClose, onCloseRequested } from "./client/tauri";
import { formatAge, formatPlantTime, formatUtc } from "./format";
import { type Key, type Locale, catalogues, locale, setLocale, t } from "./i18n";
import { Alarms } from "./pages/Alarms";
import { Devices } from "./pages/Devices";
import { Emissions } from "./pages/Emissions";
import { Overview } from "./pages/Overview";
import { Settings } from "./pages/Settings";
import { Optimiser } from "./pages/Optimiser";
import { Setpoints, handedWrite } from "./pages/Setpoints";
import { Simulator } from "./pages/Simulator";
import { Trends } from "./pages/Trends";
import { parseRoute } from "./route";
import { type Live, createLive } from "./state";
import { PRIORITIES, summarise } from "./alarms";

type Page =
  | "overview"
  | "alarms"
  | "emissions"
  | "trends"
  | "optimiser"
  | "devices"
  | "setpoints"
  | "simulator"
  | "settings";
const PAGES: Page[] = [
  "overview",
  "alarms",
  "emissions",
  "trends",
  "optimiser",
  "devices",
  "setpoints",
  "simulator",
  "settings",
];

/** The pages this engine has: the Simulator page only when a device is the bundled simulator. */
function pagesFor(plant: PlantInfo): Page[] {
  return PAGES.filter((p) => p !== "simulator" || plant.simulators.length > 0);
}

type Started =
  | { kind: "login"; client: EngineClient }
  | { kind: "ready"; client: EngineClient; plant: PlantInfo; live: Live; user: string | null };

async function start(): Promise<Started> {
  const client = await connect();
  const session = await client.session();
  if (session.login_required && !session.user) return { kind: "login", client };
  const plant = await client.plant();
  const live = createLive(client, plant);
  return { kind: "ready", client, plant, live, user: session.login_required ? session.user : null };
}

export function App() {
  const [started, { refetch: restart }] = createResource(start);
  const app = () => {
    const s = started();
    return s?.kind === "ready" ? s : undefined;
  };
  const [page, setPage] = createSignal<Page>((parseRoute(location.hash).page as Page) || "overview");
  const [handed, setHanded] = createSignal(handedWrite(parseRoute(location.hash).params));
  const [closing, setClosing] = createSignal(false);
  if (inDesktop()) onCloseRequested(() => setClosing(true));
  onCleanup(() => app()?.live.stop());
  const logout = async () => {
    const a = app();
    if (!a) return;
    a.live.stop();
    await a.client.logout();
    void restart();
  };
  const go = (p: Page) => {
    setPage(p);
    location.hash = p;
  };
  // The browser's back and forward buttons, and links to a page, move between pages too.
  const onHash = () => {
    const r = parseRoute(location.hash);
    setHanded(handedWrite(r.params));
    if (PAGES.includes(r.page as Page)) setPage(r.page as Page);
  };
  window.addEventListener("hashchange", onHash);
  onCleanup(() => window.removeEventListener("hashchange", onHash));

  return (
    <div class="shell">
      <Switch>
        <Match when={started.error as unknown}>
          <div class="fatal">
            <h1>{t("error.connect")}</h1>
            <pre>{String(started.error)}</pre>
          </div>
        </Match>
        <Match when={started()?.kind === "login" && started()}>
          {(s) => <Login client={s().client} onDone={() => void restart()} />}
        </Match>
        <Match when={app()}>
          {(a) => (
            <>
              <Header live={a().live} plant={a().plant} client={a().client} />
              <AlarmBanner client={a().client} live={a().live} />
              <Show when={a().live.live.historian_error}>
                {(e) => (
                  <div class="banner banner-alarm" role="alert" data-testid="historian-error">
                    {t("historian.cannotWrite")} {e()}
                  </div>
                )}
              </Show>
              <Show when={Math.abs(a().live.live.clock_skew_ms) >= 2000}>
                <div class="banner banner-warn" role="status" data-testid="clock-skew">
                  {t("clock.setBack").replace(
                    "{s}",
                    formatAge(0, Math.abs(a().live.live.clock_skew_ms)),
                  )}
                </div>
              </Show>
              <nav class="nav">
                <For each={pagesFor(a().plant)}>
                  {(p) => (
                    <button classList={{ active: page() === p }} onClick={() => go(p)} data-page={p}>
                      {t(`nav.${p}` as Key)}
                    </button>
                  )}
                </For>
                <div class="spacer" />
                <Show when={a().user}>
                  {(u) => (
                    <span class="user" data-testid="user">
                      {u()}{" "}
                      <button onClick={() => void logout()} data-testid="logout">
                        {t("login.logout")}
                      </button>
                    </span>
                  )}
                </Show>
                <label class="lang">
                  {t("language")}
                  <select value={locale()} onChange={(e) => setLocale(e.currentTarget.value as Locale)}>
                    <For each={Object.keys(catalogues) as Locale[]}>
                      {(l) => <option value={l}>{l === "en" ? "English" : "简体中文"}</option>}
                    </For>
                  </select>
                </label>
              </nav>
              <main class="page">
                <Switch>
                  <Match when={page() === "overview"}>
                    <Overview live={a().live} plant={a().plant} />
                  </Match>
                  <Match when={page() === "alarms"}>
                    <Alarms client={a().client} plant={a().plant} live={a().live} />
                  </Match>
                  <Match when={page() === "emissions"}>
                    <Emissions client={a().client} plant={a().plant} live={a().live} />
                  </Match>
                  <Match when={page() === "trends"}>
                    <Trends client={a().client} live={a().live} plant={a().plant} />
                  </Match>
                  <Match when={page() === "devices"}>
                    <Devices live={a().live} plant={a().plant} />
                  </Match>
                  <Match when={page() === "setpoints"}>
                    <Setpoints client={a().client} plant={a().plant} live={a().live} handed={handed()} />
                  </Match>
                  <Match when={page() === "optimiser"}>
                    <Optimiser client={a().client} plant={a().plant} live={a().live} />
                  </Match>
                  <Match when={page() === "simulator" && a().plant.simulators.length > 0}>
                    <Simulator client={a().client} plant={a().plant} />
                  </Match>
                  <Match when={page() === "settings"}>
                    <Settings client={a().client} />
                  </Match>
                </Switch>
              </main>
            </>
          )}
        </Match>
      </Switch>
      <Show when={closing()}>
        <div class="modal-backdrop">
          <div class="modal" role="dialog" aria-modal="true">
            <h2>{t("close.title")}</h2>
            <p>{t("close.body")}</p>
            <div class="actions">
              <button class="primary" onClick={() => void answerClose("tray").then(() => setClosing(false))}>
                {t("close.tray")}
              </button>
              <button onClick={() => void answerClose("quit")}>{t("close.quit")}</button>
              <button onClick={() => setClosing(false)}>{t("close.cancel")}</button>
            </div>
          </div>
        </div>
      </Show>
    </div>
  );
}

function Header(props: { live: Live; plant: PlantInfo; client: EngineClient }) {
  const now = () => props.live.live.now_ms;
  const devices = () => Object.values(props.live.live.devices);
  const connected = () => devices().filter((d) => d.state === "connected").length;
  const engineLabel = () => {
    const k = props.client.target.kind;
    return k === "in_process" ? t("engine.inProcess") : k === "attached" ? t("engine.attached") : t("engine.browser");
  };
  return (
    <header class="header">
      <div class="brand">{t("app.title")}</div>
      <div class="plant">{props.plant.name}</div>
      <div class="clock" title={`${formatUtc(now())} ${t("header.utcHint")}`}>
        <span class="label">{t("header.plantTime")}</span>
        <span class="time" data-testid="plant-time">
          {formatPlantTime(now(), props.plant.time_zone)}
        </span>
        <span class="tz">{props.plant.time_zone}</span>
      </div>
      <div class={`link link-${props.live.link()}`} title={props.client.target.api_url}>
        <span class="dot" />
        {t(`link.${props.live.link()}` as Key)} · {engineLabel()} · {connected()}/{devices().length}{" "}
        {t("nav.devices")}
      </div>
    </header>
  );
}

/** The highest-priority unacknowledged alarm, the counts by priority, and its acknowledgement. */
function AlarmBanner(props: { client: EngineClient; live: Live }) {
  // Asked again whenever the live stream carries a new alarm-list version: no polling.
  const [list, { refetch }] = createResource(
    () => [props.live.live.alarms_version] as const,
    () => props.client.alarms(),
  );
  const summary = () => summarise(list.latest ?? []);
  const [muted, setMuted] = createSignal(localStorage.getItem("hearth.alarmMuted") === "1");
  // A short two-tone cue for each new high or urgent alarm, unless muted.
  const heard = new Set<string>();
  createEffect(() => {
    const fresh = (list.latest ?? []).filter(
      (a) =>
        a.state === "active_unacked" &&
        !a.suppressed &&
        !a.shelved &&
        !a.out_of_service &&
        (a.priority === "high" || a.priority === "urgent") &&
        !heard.has(`${a.id}@${a.since_ms}`),
    );
    for (const a of fresh) heard.add(`${a.id}@${a.since_ms}`);
    if (fresh.length > 0 && !muted()) chime();
  });
  const toggleMute = () => {
    setMuted(!muted());
    localStorage.setItem("hearth.alarmMuted", muted() ? "1" : "0");
  };
  const ack = async (id: string) => {
    await props.client.ackAlarms({ id, user: "", comment: "" });
    void refetch();
  };
  return (
    <Show when={summary().top}>
      {(top) => (
        <div class={`banner alarm-banner prio-${top().priority}`} role="alert" data-testid="alarm-banner" data-alarm={top().id}>
          <span class="prio">{t(`alarm.priority.${top().priority}` as Key)}</span>
          <span class="msg" title={top().response ?? ""}>
            {top().message}
          </span>
          <span class="counts">
            <For each={PRIORITIES.filter((p) => summary().counts[p] > 0)}>
              {(p) => (
                <span class={`count prio-${p}`}>
                  {t(`alarm.priority.${p}` as Key)} {summary().counts[p]}
                </span>
              )}
            </For>
            <span class="note">{t("alarm.unacked")}</span>
          </span>
          <button onClick={() => void ack(top().id)}>{t("alarm.ack")}</button>
          <button
            class="mute"
            onClick={toggleMute}
            title={muted() ? t("alarm.unmute") : t("alarm.mute")}
            aria-label={muted() ? t("alarm.unmute") : t("alarm.mute")}
            data-testid="alarm-mute"
          >
            {muted() ? "🔇" : "🔊"}
          </button>
        </div>
      )}
    </Show>
  );
}

/** Two short tones (WebAudio; nothing to load). Browsers may hold audio until the first click. */
function chime(): void {
  try {
    const ctx = new AudioContext();
    [0, 0.25].forEach((at, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = i === 0 ? 880 : 660;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + at);
      osc.stop(ctx.currentTime + at + 0.18);
    });
    setTimeout(() => void ctx.close(), 1000);
  } catch {
    // No audio device: the banner still shows the alarm.
  }
}

/** The login form of `hearth serve` when users are configured. */
function Login(props: { client: EngineClient; onDone: () => void }) {
  const [name, setName] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [error, setError] = createSignal("");
  const submit = async (e: Event) => {
    e.preventDefault();
    setError("");
    try {
      await props.client.login(name().trim(), password());
      props.onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form class="login panel" onSubmit={(e) => void submit(e)} data-testid="login">
      <h2>{t("login.title")}</h2>
      <label>
        {t("login.name")}
        <input autocomplete="username" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        {t("login.password")}
        <input
          type="password"
          autocomplete="current-password"
          value={password()}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      <button class="primary" type="submit">
        {t("login.submit")}
      </button>
      <Show when={error()}>
        <p role="alert" class="write-error">
          {error()}
        </p>
      </Show>
    </form>
  );
}
