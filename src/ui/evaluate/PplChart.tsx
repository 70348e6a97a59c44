/** Per-domain perplexity as grouped bars (one colour per model), on a log axis. */
import { Bar, BarChart, CartesianGrid, Label, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvalRow } from '../../workers/studio-types';
import { categorical } from '../components/colour';
import { pplChartRows } from './eval-data';

export function PplChart({ rows }: { rows: EvalRow[] }) {
  const data = pplChartRows(rows);
  return (
    <div className="chart chart-tall" data-testid="chart-ppl">
      <ResponsiveContainer>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
          <CartesianGrid stroke="#e6e9ef" vertical={false} />
          <XAxis dataKey="domain"><Label value="domain" position="insideBottom" offset={-14} /></XAxis>
          <YAxis scale="log" domain={[1, 'auto']} tickFormatter={(v: number) => Number(v.toPrecision(3)).toString()}>
            <Label value="perplexity (log scale from 1, lower is better)" angle={-90} position="insideLeft" style={{ textAnchor: 'middle' }} />
          </YAxis>
          <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(2) : '')} />
          <Legend itemSorter={null} verticalAlign="top" wrapperStyle={{ paddingBottom: 6 }} />
          {rows.map((r, i) => <Bar key={r.model} dataKey={`r${i}`} name={r.label} fill={categorical(i)} isAnimationActive={false} />)}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
