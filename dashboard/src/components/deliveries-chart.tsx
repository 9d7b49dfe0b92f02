import { useEffect } from 'preact/hooks';
import { useSession } from '../session';
import { useLoad } from '../use-load';
import { layoutChart, OUTCOMES } from '../lib/chart';
import { formatClock, formatDateTime, plural } from '../lib/format';
import { ErrorNote, Loading } from './ui';

const WIDTH = 600;
const HEIGHT = 150;

/** Delivery attempts a minute by outcome over the last hour: the company's, or one subscription's. */
export function DeliveriesChart({ subscriptionId }: { subscriptionId?: string }) {
  const { api } = useSession();
  const stats = useLoad(() => api.deliveryStats(subscriptionId), [subscriptionId]);
  // A minute's bucket fills as deliveries happen: the chart reloads itself twice a minute.
  useEffect(() => {
    const timer = window.setInterval(stats.reload, 30_000);
    return () => window.clearInterval(timer);
  }, [stats.reload]);
  // The route counts attempts: a delivery retried within the hour counts once per attempt.
  const heading = subscriptionId
    ? 'Delivery attempts a minute by outcome, last hour'
    : "The company's delivery attempts a minute by outcome, last hour";
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
  // The plot stretches to the width it is given (bars and grid lines only: nothing in it that a
  // stretch would distort); the scale and the times are text beside and below it.
  return (
    <div>
      <div class="plot">
        <div class="y-scale" aria-hidden="true">
          {[...layout.ticks].reverse().map((tick) => (
            <span key={tick}>{tick}</span>
          ))}
        </div>
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          preserveAspectRatio="none"
          class="chart-svg"
          role="img"
          aria-label={`Delivery attempts a minute over the last hour: ${summary}`}
        >
          {layout.ticks.map((tick) => {
            const y = HEIGHT - (tick / layout.max) * HEIGHT;
            return (
              <line
                key={tick}
                class="grid"
                x1={0}
                x2={WIDTH}
                y1={y}
                y2={y}
                vector-effect="non-scaling-stroke"
              />
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
        </svg>
        {first && last ? (
          <div class="x-scale" aria-hidden="true">
            <span>{formatClock(first.at)}</span>
            <span>{formatClock(last.at)}</span>
          </div>
        ) : null}
      </div>
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
