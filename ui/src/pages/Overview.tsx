// The furnace at a glance, drawn as the plant is built: slabs enter at the charge end and leave
// at discharge through the preheat, heating and soak zones and their burners; the flue gas
// flows the other way, out at the charge end through the recuperator, which preheats the
// combustion air, to the stack.
import { For } from "solid-js";
import type { PlantInfo } from "../bindings";
import { Reading } from "../components/Reading";
import { t } from "../i18n";
import type { Live } from "../state";

/** Burners drawn per zone, top and bottom (the drawing, not the plant's count). */
const BURNERS = [0, 1, 2, 3];

function Burners(props: { live: Live; fuelTag: string; side: "top" | "bottom" }) {
  // Lit while the zone burns fuel; hollow when its fuel is off (a trip, or no heat demand).
  const lit = () => {
    const v = props.live.live.tags[props.fuelTag];
    return v?.value !== null && v?.value !== undefined && v.value > 1;
  };
  return (
    <svg class={`burners burners-${props.side}`} viewBox="0 0 160 14" preserveAspectRatio="none" aria-hidden="true">
      <For each={BURNERS}>
        {(i) => (
          <path
            classList={{ flame: true, lit: lit() }}
            d={
              props.side === "top"
                ? `M${20 + i * 40},1 l-5,0 l5,11 l5,-11 z`
                : `M${20 + i * 40},13 l-5,0 l5,-11 l5,11 z`
            }
          />
        )}
      </For>
    </svg>
  );
}

function RecuperatorDrawing() {
  // Flue gas rises through the recuperator to the stack; air crosses it on its way to the burners.
  return (
    <svg class="recup-drawing" viewBox="0 0 220 120" aria-hidden="true">
      <path class="duct" d="M40,118 V20 H90" />
      <rect class="recup" x="20" y="45" width="40" height="45" />
      <path class="coil" d="M20,52 H52 V60 H28 V68 H52 V76 H28 V84 H60" />
      <path class="air" d="M0,52 H20 M60,84 H120 V118" />
      <path class="stack" d="M90,4 V36 H104 V4" />
      <text x="96" y="116" class="lbl">{t("overview.toBurners")}</text>
      <text x="110" y="24" class="lbl">{t("overview.toStack")}</text>
    </svg>
  );
}

export function Overview(props: { live: Live; plant: PlantInfo }) {
  const f = () => props.plant.furnace;
  return (
    <section class="overview">
      <div class="top-row">
        <div class="panel stack">
          <h3>{t("overview.stack")}</h3>
          <div class="readings">
            <Reading spark live={props.live} tag={f().o2} label={t("overview.o2")} big />
            <Reading spark live={props.live} tag={f().co} label={t("overview.co")} />
            <Reading spark live={props.live} tag={f().nox} label={t("overview.nox")} />
          </div>
        </div>
        <div class="panel recuperator">
          <h3>{t("overview.recuperator")}</h3>
          <div class="recup-body">
            <RecuperatorDrawing />
            <div class="readings">
              <Reading spark live={props.live} tag={f().flue_temperature} label={t("overview.flue")} />
              <Reading spark live={props.live} tag={f().air_preheat_temperature} label={t("overview.airPreheat")} />
              <Reading spark live={props.live} tag={f().combustion_air_flow} label={t("overview.airFlow")} />
            </div>
          </div>
        </div>
        <div class="panel plantline">
          <h3>{t("overview.production")}</h3>
          <div class="readings">
            <Reading spark live={props.live} tag={f().throughput} label={t("overview.throughput")} />
            <Reading spark live={props.live} tag={f().pressure} label={t("overview.pressure")} />
          </div>
        </div>
      </div>
      <div class="furnace">
        <div class="end charge">
          <span class="end-label">{t("overview.charge")}</span>
          <Reading live={props.live} tag={f().charge_temperature} label={t("overview.chargeTemp")} />
        </div>
        <div class="body">
          <div class="zones">
            <For each={f().zones}>
              {(z) => (
                <div class="zone" data-zone={z.name}>
                  <Burners live={props.live} fuelTag={z.fuel_flow} side="top" />
                  <h2>{z.name}</h2>
                  <Reading spark live={props.live} tag={z.temperature} big />
                  <div class="zone-pair">
                    <Reading live={props.live} tag={z.setpoint} label={t("overview.setpoint")} />
                    <Reading spark live={props.live} tag={z.fuel_flow} label={t("overview.fuel")} />
                  </div>
                  <Burners live={props.live} fuelTag={z.fuel_flow} side="bottom" />
                </div>
              )}
            </For>
          </div>
          <div class="hearth" aria-label={t("overview.slabFlow")}>
            <span class="slabs" />
            <span class="flow-label">{t("overview.slabFlow")} →</span>
          </div>
          <div class="gas-arrow">← {t("overview.gasFlow")}</div>
        </div>
        <div class="end discharge">
          <span class="end-label">{t("overview.discharge")}</span>
          <Reading spark live={props.live} tag={f().discharge_temperature} label={t("overview.dischargeTemp")} big />
        </div>
      </div>
    </section>
  );
}
