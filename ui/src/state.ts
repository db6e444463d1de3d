// The window's view of the engine: plant description, latest values and device states, kept in
// a fine-grained store so each value re-renders only itself.
import { createSignal } from "solid-js";
import { createStore, produce } from "solid-js/store";
import type { DeviceStatus, PlantInfo, TagInfo, TagValue } from "./bindings";
import type { EngineClient, LinkState } from "./client";
import { FrameBatcher, mergeBatches } from "./live";
import type { LiveBatch } from "./bindings";

export interface LiveStore {
  now_ms: number;
  tags: Record<string, TagValue>;
  devices: Record<string, DeviceStatus>;
  historian_error: string | null;
  /** Follows the engine's alarm-list version; the alarm views refetch when it moves. */
  alarms_version: number;
  clock_skew_ms: number;
}

export function createLive(client: EngineClient, plant: PlantInfo) {
  const [live, setLive] = createStore<LiveStore>({
    now_ms: Date.now(),
    tags: {},
    devices: {},
    historian_error: null,
    alarms_version: 0,
    clock_skew_ms: 0,
  });
  const [link, setLink] = createSignal<LinkState>("connecting");
  const info: Record<string, TagInfo> = Object.fromEntries(plant.tags.map((t) => [t.name, t]));

  const batcher = new FrameBatcher<LiveBatch>((batches) => {
    const m = mergeBatches(batches);
    setLive(
      produce((s) => {
        s.now_ms = Math.max(s.now_ms, m.now_ms);
        for (const [name, v] of m.tags) s.tags[name] = v;
        for (const [name, d] of m.devices) s.devices[name] = d;
        s.historian_error = m.historian_error;
        s.clock_skew_ms = m.clock_skew_ms;
        // A restarted engine counts from zero again: any change is news.
        if (m.alarms_version !== s.alarms_version) s.alarms_version = m.alarms_version;
      }),
    );
  });

  client.snapshot().then((snap) => batcher.push(snap), () => setLink("lost"));
  const stop = client.subscribe((b) => batcher.push(b), setLink);
  return { live, link, info, stop, client };
}

export type Live = ReturnType<typeof createLive>;
