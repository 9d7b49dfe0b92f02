import { useEffect } from 'preact/hooks';
import { useSession } from '../session';
import { useLoad } from '../use-load';
import { layoutChart, OUTCOMES } from '../lib/chart';
import { formatClock, formatDateTime, plural } from '../lib/format';
import { ErrorNote, Loading } from './ui';

const WIDTH = 600;
const HEIGHT = 140;

/** Deliveries a minute by outcome over the last hour: the company's, or one subscription's. */
export function DeliveriesChart({ subscriptionId }: { subscriptionId?: string }) {
  const { api } = useSession();
  const stats = useLoad(() => api.deliveryStats(subscriptionId), [subscriptionId]);
  // A minute's bucket fills as deliveries happen: the chart reloads itself twice a minute.
  useEffect(() => {
    const timer = window.setInterval(stats.reload, 30_000);
    return () => window.clearInterval(timer);
  }, [stats.reload]);
  const heading = subscriptionId
    ? 'Deliveries a minute, last hour'
    : 'Company deliveries a minute, last hour';
  const id = `chart-${subscriptionId ?? 'company'}`;
  return (
    <figure class="chart" aria-labelledby={id}>
      <figcaption id={id}>
        {heading}
        <button type="button" class="link" onClick={stats.reload} disabled={stats.loading}>
          Refresh chart
        </button>
      </figcaption>
      <ErrorNote error={stats.error} />
      {stats.data ? (
        <Bars buckets={stats.data.buckets} />
      ) : stats.error ? null : (
        <Loading what="the chart" />
      )}
    </figure>
  );
}

function Bars({
  buckets,
}: {
  buckets: { at: string; succeeded: number; failed: number; retrying: number }[];
}) {
  const layout = layoutChart(buckets, WIDTH, HEIGHT);
  const summary = OUTCOMES.map((o) => `${layout.total[o]} ${o}`).join(', ');
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  return (
    <div>
      <svg
        viewBox={`-28 -6 ${WIDTH + 34} ${HEIGHT + 24}`}
        class="chart-svg"
        role="img"
        aria-label={`Deliveries a minute over the last hour: ${summary}`}
      >
        {layout.ticks.map((tick) => {
          const y = HEIGHT - (tick / layout.max) * HEIGHT;
          return (
            <g key={tick} class="tick">
              <line x1={0} x2={WIDTH} y1={y} y2={y} />
              <text x={-6} y={y + 4} text-anchor="end">
                {tick}
              </text>
            </g>
          );
        })}
        {layout.bars.map((bar) =>
          bar.segments.map((s) => (
            <rect
              key={`${bar.at}-${s.outcome}`}
              class={`bar-${s.outcome}`}
              x={s.x}
              y={s.y}
              width={s.width}
              height={s.height}
            >
              <title>{`${formatDateTime(bar.at)}: ${s.count} ${s.outcome}`}</title>
            </rect>
          )),
        )}
        {first && last ? (
          <g class="tick">
            <text x={0} y={HEIGHT + 16}>
              {formatClock(first.at)}
            </text>
            <text x={WIDTH} y={HEIGHT + 16} text-anchor="end">
              {formatClock(last.at)}
            </text>
          </g>
        ) : null}
      </svg>
      <ul class="legend">
        {OUTCOMES.map((o) => (
          <li key={o}>
            <span class={`swatch bar-${o}`} aria-hidden="true" />
            {plural(layout.total[o], o, o)}
          </li>
        ))}
      </ul>
    </div>
  );
}
