// One live value with its unit, quality and age. Grey unless abnormal; a bad or stale value keeps
// its last good number, greyed, with how old it is.
import { Show } from "solid-js";
import { formatAge, formatUtc, formatValue, qualityClass, unitSymbol } from "../format";
import { locale, qualityLabel, t } from "../i18n";
import type { Live } from "../state";
import { Sparkline } from "./Sparkline";

export function Reading(props: {
  live: Live;
  tag: string | null | undefined;
  label?: string;
  big?: boolean;
  /** Show the last hour under the value. */
  spark?: boolean;
}) {
  const v = () => (props.tag ? props.live.live.tags[props.tag] : undefined);
  const info = () => (props.tag ? props.live.info[props.tag] : undefined);
  const cls = () => {
    const q = v()?.quality;
    return q ? qualityClass(q) : "bad";
  };
  // A bad reading is not a value to read off: show the last good one, greyed, with its age.
  const useLastGood = () => {
    const cur = v();
    return !cur || cur.value === null || qualityClass(cur.quality) === "bad";
  };
  const shown = () => (useLastGood() ? v()?.last_good_value : v()?.value) ?? null;
  const ageMs = () => (useLastGood() ? v()?.last_good_ms : v()?.ts_ms) ?? null;
  const title = () => {
    const cur = v();
    const i = info();
    const parts = [i?.description ?? props.tag ?? ""];
    if (cur?.ts_ms) parts.push(`${formatUtc(cur.ts_ms)} UTC`);
    if (cur) parts.push(cur.quality);
    return parts.join("\n");
  };
  return (
    <div class={`reading q-${cls()}${props.big ? " big" : ""}`} title={title()} data-tag={props.tag ?? ""} data-quality={v()?.quality ?? "none"}>
      <Show when={props.label}>
        <span class="label">{props.label}</span>
      </Show>
      <span class="value">
        <span class="number">{formatValue(shown(), info()?.decimals ?? 1, locale())}</span>
        <span class="unit">{unitSymbol(info()?.unit ?? "")}</span>
      </span>
      {/* Key values always say how fresh they are; the rest only when something is wrong. */}
      <Show when={cls() !== "good" || props.big}>
        <span class="quality">
          {v()?.quality ? qualityLabel(v()?.quality ?? "") : t("quality.noValue")}
          <Show when={ageMs()}>{(ms) => <> · {t("quality.age")} {formatAge(ms(), props.live.live.now_ms)}</>}</Show>
        </span>
      </Show>
      <Show when={props.spark && props.tag}>{(tag) => <Sparkline live={props.live} tag={tag()} />}</Show>
    </div>
  );
}
