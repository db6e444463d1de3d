// Every PLC with its connection health, and every tag with its quality.
import { For, Show } from "solid-js";
import type { PlantInfo } from "../bindings";
import { formatAge, formatValue, qualityClass, unitSymbol } from "../format";
import { type Key, locale, qualityLabel, t } from "../i18n";
import type { Live } from "../state";

export function Devices(props: { live: Live; plant: PlantInfo }) {
  const devices = () => Object.values(props.live.live.devices);
  const ms = (v: number | null) => (v === null ? "—" : `${v.toFixed(1)} ms`);
  return (
    <section class="devices">
      <table class="grid">
        <thead>
          <tr>
            <th>{t("devices.device")}</th>
            <th>{t("devices.state")}</th>
            <th>{t("devices.address")}</th>
            <th>{t("devices.lastGood")}</th>
            <th>{t("devices.requests")}</th>
            <th>{t("devices.errors")}</th>
            <th>{t("devices.rtt")}</th>
            <th>{t("devices.restarts")}</th>
            <th>{t("devices.error")}</th>
          </tr>
        </thead>
        <tbody>
          <For each={devices()}>
            {(d) => (
              <tr class={`state-${d.state}`} data-device={d.name}>
                <td>{d.name}</td>
                <td class="state">{t(`state.${d.state}` as Key)}</td>
                <td>{d.address}</td>
                <td>
                  <Show when={d.last_good} fallback="—">
                    {(lg) => formatAge(Date.parse(lg()), props.live.live.now_ms)}
                  </Show>
                </td>
                <td class="num">{d.requests}</td>
                <td
                  class="num"
                  title={`${t("devices.timeouts")}: ${d.timeouts}\n${t("devices.connectFailures")}: ${d.connect_failures}\n${t("devices.protocolErrors")}: ${d.protocol_errors}\n${t("devices.exceptions")}: ${d.exceptions}`}
                >
                  {d.errors}
                </td>
                <td class="num">
                  {ms(d.rtt_p50_ms)} / {ms(d.rtt_p99_ms)}
                </td>
                <td class="num" title={d.last_restart ?? ""}>
                  {d.restarts}
                </td>
                <td class="error">{d.error ?? ""}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <h3>{t("devices.tags")}</h3>
      <table class="grid tags">
        <thead>
          <tr>
            <th>{t("devices.tag")}</th>
            <th>{t("devices.device")}</th>
            <th>{t("devices.value")}</th>
            <th>{t("devices.quality")}</th>
            <th>{t("devices.description")}</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.plant.tags.filter((x) => !x.derived)}>
            {(info) => {
              const v = () => props.live.live.tags[info.name];
              return (
                <tr class={`q-${v() ? qualityClass(v()!.quality) : "bad"}`} data-tag={info.name}>
                  <td>{info.name}</td>
                  <td>{info.device}</td>
                  <td class="num">
                    {formatValue(v()?.value ?? v()?.last_good_value, info.decimals, locale())} {unitSymbol(info.unit)}
                  </td>
                  <td title={v()?.quality ?? ""}>{v()?.quality ? qualityLabel(v()?.quality ?? "") : "—"}</td>
                  <td>{info.description}</td>
                </tr>
              );
            }}
          </For>
        </tbody>
      </table>
    </section>
  );
}
