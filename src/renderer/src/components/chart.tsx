/** What the studio's recharts charts share: styles and formatters made once (recharts updates its store when a prop is a new object), and a legend of our own. */
import { memo } from 'react';

export const X_DOMAIN = ['dataMin', 'dataMax'];
export const TOOLTIP_STYLE = { background: '#1a212b', border: '1px solid #2c3644', fontSize: 12 };
export const secondsLabel = (v: unknown) => `${String(v)} s`;
export const secondsTick = (v: number) => `${Math.round(v)}s`;

export interface LegendEntry {
  name: string;
  colour: string;
  dashed?: boolean;
}

/** The series of a chart, drawn once (not with every new point, as recharts' own legend is). */
export const ChartLegend = memo(function ChartLegend({ series }: { series: readonly LegendEntry[] }) {
  return (
    <ul className="dash-legend" aria-label="series">
      {series.map((s) => (
        <li key={s.name}>
          <svg width="14" height="6" aria-hidden="true">
            <line
              x1="0"
              y1="3"
              x2="14"
              y2="3"
              stroke={s.colour}
              strokeWidth="3"
              strokeDasharray={s.dashed ? '4 2' : undefined}
            />
          </svg>
          {s.name}
        </li>
      ))}
    </ul>
  );
});
