// The furnace at a glance: charge to discharge, zone by zone, with the recuperator and the flue.
import { For } from "solid-js";
import type { PlantInfo } from "../bindings";
import { Reading } from "../components/Reading";
import { t } from "../i18n";
import type { Live } from "../state";

export function Overview(props: { live: Live; plant: PlantInfo }) {
  const f = () => props.plant.furnace;
  return (
    <section class="overview">
      <div class="schematic">
        <div class="flue-side">
          <div class="panel recuperator">
            <h3>{t("overview.recuperator")}</h3>
            <Reading spark live={props.live} tag={f().flue_temperature} label={t("overview.flue")} />
            <Reading spark live={props.live} tag={f().air_preheat_temperature} label={t("overview.airPreheat")} />
            <Reading spark live={props.live} tag={f().combustion_air_flow} label={t("overview.airFlow")} />
          </div>
          <div class="panel stack">
            <h3>{t("overview.stack")}</h3>
            <Reading spark live={props.live} tag={f().o2} label={t("overview.o2")} big />
            <Reading spark live={props.live} tag={f().co} label={t("overview.co")} />
            <Reading spark live={props.live} tag={f().nox} label={t("overview.nox")} />
          </div>
        </div>
        <div class="furnace">
          <div class="end charge">
            <span class="end-label">{t("overview.charge")} →</span>
            <Reading live={props.live} tag={f().charge_temperature} label={t("overview.chargeTemp")} />
          </div>
          <div class="zones">
            <For each={f().zones}>
              {(z) => (
                <div class="zone" data-zone={z.name}>
                  <h2>{z.name}</h2>
                  <Reading spark live={props.live} tag={z.temperature} big />
                  <Reading live={props.live} tag={z.setpoint} label={t("overview.setpoint")} />
                  <Reading spark live={props.live} tag={z.fuel_flow} label={t("overview.fuel")} />
                </div>
              )}
            </For>
            <div class="gas-arrow" aria-label={t("overview.gasFlow")}>
              ← {t("overview.gasFlow")}
            </div>
          </div>
          <div class="end discharge">
            <span class="end-label">→ {t("overview.discharge")}</span>
            <Reading spark live={props.live} tag={f().discharge_temperature} label={t("overview.dischargeTemp")} big />
          </div>
        </div>
        <div class="panel plantline">
          <Reading spark live={props.live} tag={f().throughput} label={t("overview.throughput")} />
          <Reading spark live={props.live} tag={f().pressure} label={t("overview.pressure")} />
        </div>
      </div>
    </section>
  );
}
