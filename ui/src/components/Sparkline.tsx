// The last hour of one tag, small: its mean as a line and its min/max as a faint band, refreshed
// every half minute from the historian (60 one-minute buckets).
import { Show, createResource, onCleanup } from "solid-js";
import type { Live } from "../state";
import { sparkPaths } from "../trend";

const W = 120;
const H = 24;

export function Sparkline(props: { live: Live; tag: string }) {
  const [paths, { refetch }] = createResource(
    () => props.tag,
    async (tag) => {
      const now = props.live.live.now_ms;
      const h = await props.live.client.history({ tag, from: now - 3_600_000, to: now, buckets: 60 });
      return sparkPaths(h.buckets, W, H);
    },
  );
  const timer = setInterval(() => void refetch(), 30_000);
  onCleanup(() => clearInterval(timer));
  return (
    <svg class="spark" width={W} height={H} viewBox={`0 0 ${W} ${H}`} aria-hidden="true" data-spark={props.tag}>
      <Show when={paths()}>
        {(p) => (
          <>
            <path class="spark-band" d={p().band} />
            <path class="spark-line" d={p().line} />
          </>
        )}
      </Show>
    </svg>
  );
}
