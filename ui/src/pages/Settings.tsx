// The configuration in effect and where it came from: whether the file on disk still validates,
// devices, tags with their roles, limits and factors; the data dir, the engine this window is
// attached to, and the language.
import { For, Match, Show, Switch, createResource, createSignal } from "solid-js";
import type { ConfigProblem, EditableSetting, SettingResult, SettingsView, Validation } from "../bindings";
import type { EngineClient } from "../client";
import { formatBytes, formatValue, unitSymbol } from "../format";
import { type Key, type Locale, catalogues, locale, setLocale, t } from "../i18n";

function problems(v: Validation): ConfigProblem[] {
  return v.state === "invalid" ? v.problems : [];
}

export function Settings(props: { client: EngineClient }) {
  const [view, { refetch }] = createResource(() => props.client.settings());
  const [filter, setFilter] = createSignal("");
  const tags = (v: SettingsView) => {
    const q = filter().trim().toLowerCase();
    if (!q) return v.tags;
    return v.tags.filter((tag) =>
      [tag.name, tag.description, tag.device, tag.unit, ...tag.roles].some((s) => s.toLowerCase().includes(q)),
    );
  };
  const target = () => props.client.target;

  return (
    <section class="settings">
      <Show when={view.error as unknown}>
        <div class="banner banner-alarm" role="alert">
          {String(view.error)}
        </div>
      </Show>
      <Show when={view.latest}>
        {(v) => (
          <>
            <div class="settings-top">
              <div class="panel">
                <h3>{t("settings.config")}</h3>
                <Switch>
                  <Match when={v().validation.state === "valid"}>
                    <p class="valid" data-testid="config-validation">
                      {t("settings.valid")}
                    </p>
                  </Match>
                  <Match when={v().validation.state === "changed"}>
                    <p class="changed" data-testid="config-validation">
                      {t("settings.changed")}
                    </p>
                  </Match>
                  <Match when={v().validation.state === "invalid"}>
                    <div class="invalid" data-testid="config-validation">
                      <p>{t("settings.invalid")}</p>
                      <ul>
                        <For each={problems(v().validation)}>
                          {(p) => (
                            <li>
                              {p.file}
                              <Show when={p.key}>: {p.key}</Show> — {p.message}
                            </li>
                          )}
                        </For>
                      </ul>
                    </div>
                  </Match>
                </Switch>
                <button onClick={() => void refetch()}>{t("settings.recheck")}</button>
                <ul class="files">
                  <For each={v().files}>{(f) => <li>{f}</li>}</For>
                </ul>
              </div>
              <div class="panel">
                <h3>{t("settings.engine")}</h3>
                <dl>
                  <dt>{t("settings.window")}</dt>
                  <dd>
                    {target().kind === "in_process"
                      ? t("engine.inProcess")
                      : target().kind === "attached"
                        ? t("engine.attached")
                        : t("engine.browser")}
                  </dd>
                  <dt>{t("settings.api")}</dt>
                  <dd>{v().engine_api_url ?? "—"}</dd>
                  <dt>{t("settings.pid")}</dt>
                  <dd>{v().engine_pid}</dd>
                  <dt>{t("settings.clock")}</dt>
                  <dd>{t(`settings.clock.${v().clock}` as Key)}</dd>
                  <dt>{t("settings.dataDir")}</dt>
                  <dd data-testid="data-dir">{v().data_dir}</dd>
                  <dt>{t("settings.dataDirSize")}</dt>
                  <dd>{formatBytes(v().data_dir_bytes, locale())}</dd>
                  <dt>{t("settings.plant")}</dt>
                  <dd>
                    {v().plant_name} · {v().time_zone}
                  </dd>
                </dl>
              </div>
              <div class="panel">
                <h3>{t("language")}</h3>
                <For each={Object.keys(catalogues) as Locale[]}>
                  {(l) => (
                    <label class="radio">
                      <input type="radio" name="lang" checked={locale() === l} onChange={() => setLocale(l)} />
                      {l === "en" ? "English" : "简体中文"}
                    </label>
                  )}
                </For>
              </div>
            </div>

            <h3>{t("settings.devices")}</h3>
            <table class="grid">
              <thead>
                <tr>
                  <th>{t("devices.device")}</th>
                  <th>{t("settings.kind")}</th>
                  <th>{t("devices.address")}</th>
                  <th>{t("settings.unitId")}</th>
                  <th>{t("settings.timeouts")}</th>
                  <th>{t("settings.retries")}</th>
                  <th>{t("settings.wordOrder")}</th>
                  <th>{t("settings.writes")}</th>
                  <th>{t("settings.registerMap")}</th>
                </tr>
              </thead>
              <tbody>
                <For each={v().devices}>
                  {(d) => (
                    <tr>
                      <td>{d.name}</td>
                      <td>
                        {t(`settings.kind.${d.kind}` as Key)}
                        <Show when={d.overridden}> ({t("settings.overridden")})</Show>
                      </td>
                      <td>{d.address}</td>
                      <td class="num">{d.unit_id}</td>
                      <td class="num">
                        {d.connect_timeout_ms} / {d.request_timeout_ms} ms
                      </td>
                      <td class="num">{d.retries}</td>
                      <td>{d.word_order}</td>
                      <td>{d.writable ? t("settings.writable") : t("settings.readOnly")}</td>
                      <td class="path">{d.register_map}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>

            <div class="settings-tags-head">
              <h3>
                {t("settings.tags")} ({v().tags.length})
              </h3>
              <input
                type="search"
                placeholder={t("settings.filterTags")}
                value={filter()}
                onInput={(e) => setFilter(e.currentTarget.value)}
              />
            </div>
            <table class="grid" data-testid="settings-tags">
              <thead>
                <tr>
                  <th>{t("devices.tag")}</th>
                  <th>{t("settings.roles")}</th>
                  <th>{t("devices.device")}</th>
                  <th>{t("settings.register")}</th>
                  <th>{t("settings.type")}</th>
                  <th>{t("settings.scale")}</th>
                  <th>{t("settings.unit")}</th>
                  <th>{t("settings.range")}</th>
                  <th>{t("settings.pollGroup")}</th>
                  <th>{t("devices.description")}</th>
                </tr>
              </thead>
              <tbody>
                <For each={tags(v())}>
                  {(tag) => (
                    <tr data-tag={tag.name}>
                      <td>{tag.name}</td>
                      <td class="roles">{tag.roles.join(", ")}</td>
                      <td>{tag.device}</td>
                      <td>{tag.address}</td>
                      <td>{tag.data_type}</td>
                      <td class="num">
                        × {tag.scale}
                        <Show when={tag.offset !== 0}> + {tag.offset}</Show>
                      </td>
                      <td>{unitSymbol(tag.unit) || tag.unit}</td>
                      <td class="num">
                        <Show when={tag.range} fallback="—">
                          {(r) => `${formatValue(r()[0], 0, locale())} … ${formatValue(r()[1], 0, locale())}`}
                        </Show>
                      </td>
                      <td>
                        {tag.poll_group} ({tag.interval_ms} ms)
                      </td>
                      <td>{tag.description}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>

            <Editable client={props.client} settings={v().editable} onChanged={() => void refetch()} />

            <h3>{t("settings.values")}</h3>
            <table class="grid values">
              <tbody>
                <For each={v().values}>
                  {(s) => (
                    <tr>
                      <td class="key">{s.key}</td>
                      <td class="num">{s.value}</td>
                      <td>{s.unit}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </>
        )}
      </Show>
    </section>
  );
}

/** Limits, factors and prices an engineer may change while the engine runs: validated like the
 * config, written back to the file with a backup, applied at once and audited. */
function Editable(props: { client: EngineClient; settings: EditableSetting[]; onChanged: () => void }) {
  const [reason, setReason] = createSignal("");
  const [result, setResult] = createSignal<SettingResult | null>(null);
  const [drafts, setDrafts] = createSignal<Record<string, string>>({});
  const apply = async (s: EditableSetting) => {
    const text = drafts()[s.key] ?? String(s.value);
    const r = await props.client.changeSetting({ key: s.key, value: Number(text.replace(",", ".")), reason: reason() });
    setResult(r);
    if (r.outcome === "ok") {
      setDrafts({ ...drafts(), [s.key]: String(r.new_value) });
      props.onChanged();
    }
  };
  return (
    <>
      <h3>{t("settings.editable")}</h3>
      <p class="muted">{t("settings.editableHint")}</p>
      <label class="reason">
        {t("writes.reason")}{" "}
        <input data-testid="setting-reason" value={reason()} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      <Show when={result()}>
        {(r) => (
          <div
            class={r().outcome === "ok" ? "banner banner-ok" : "banner banner-alarm"}
            role="status"
            data-testid="setting-result"
          >
            {r().key}: {r().outcome === "ok" ? `${r().old_value ?? "—"} → ${r().new_value}. ` : ""}
            {r().detail}
          </div>
        )}
      </Show>
      <table class="grid values" data-testid="editable-settings">
        <tbody>
          <For each={props.settings}>
            {(s) => (
              <tr data-key={s.key}>
                <td class="key">{s.key}</td>
                <td>{s.what}</td>
                <td class="num">
                  <input
                    class="setting-value"
                    inputmode="decimal"
                    value={drafts()[s.key] ?? String(s.value)}
                    onInput={(e) => setDrafts({ ...drafts(), [s.key]: e.currentTarget.value })}
                  />
                </td>
                <td>{s.unit}</td>
                <td>
                  <button onClick={() => void apply(s)}>{t("settings.apply")}</button>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </>
  );
}
