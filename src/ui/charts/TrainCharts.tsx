/**
 * Live training charts: a line chart per quantity against the step (LM loss, aux loss against
 * its balanced value, gradient norm, tokens/s, router entropy), and the latest step's expert
 * load per layer as stacked bars. A hidden list with one item per step lets tests count steps.
 */
import {
  Bar, BarChart, CartesianGrid, Label, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis,
} from 'recharts';
import type { TrainStep } from '../../workers/studio-types';
import { categorical } from '../components/colour';
import { loadRows, thin } from './chart-data';
import { layerLabel } from './AlignmentCharts';

const num = (v: unknown) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString()) : '');

interface SeriesProps {
  history: TrainStep[];
  dataKey: keyof TrainStep;
  title: string;
  yLabel: string;
  color: string;
  refY?: number;
  refLabel?: string;
  testId: string;
}

export function SeriesChart({ history, dataKey, title, yLabel, color, refY, refLabel, testId }: SeriesProps) {
  const data = thin(history);
  return (
    <figure className="mini-chart" data-testid={testId}>
      <figcaption className="chart-title">{title}</figcaption>
      <div className="chart chart-small">
        <ResponsiveContainer>
          <LineChart data={data} margin={{ top: 6, right: 16, bottom: 18, left: 14 }}>
            <CartesianGrid stroke="#e6e9ef" />
            <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false}>
              <Label value="step" position="insideBottom" offset={-8} />
            </XAxis>
            <YAxis tickFormatter={num} width={48} domain={['auto', 'auto']}>
              <Label value={yLabel} angle={-90} position="left" offset={2} style={{ textAnchor: 'middle', fontSize: 11 }} />
            </YAxis>
            <Tooltip formatter={num} labelFormatter={(l) => (typeof l === 'number' ? `step ${l}` : '')} />
            {refY !== undefined && (
              <ReferenceLine y={refY} stroke="#c53030" strokeDasharray="5 4" ifOverflow="extendDomain" label={{ value: refLabel, position: 'insideBottomRight', fill: '#c53030', fontSize: 11 }} />
            )}
            <Line dataKey={dataKey} name={title} stroke={color} dot={false} strokeWidth={1.8} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export function ExpertLoadChart({ step, experts }: { step: TrainStep | undefined; experts: string[] }) {
  const rows = loadRows(step);
  const E = rows.length ? Object.keys(rows[0]).length - 1 : 0;
  return (
    <figure className="mini-chart" data-testid="chart-expert-load">
      <figcaption className="chart-title">Expert load per layer{step ? ` (step ${step.step})` : ''}</figcaption>
      <div className="chart">
        <ResponsiveContainer>
          <BarChart data={rows} margin={{ top: 6, right: 16, bottom: 18, left: 4 }}>
            <CartesianGrid stroke="#e6e9ef" vertical={false} />
            <XAxis dataKey="layer"><Label value="layer" position="insideBottom" offset={-8} /></XAxis>
            <YAxis domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`}>
              <Label value="share of routed slots" angle={-90} position="insideLeft" style={{ textAnchor: 'middle' }} />
            </YAxis>
            <Tooltip formatter={(v) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '')} labelFormatter={layerLabel} />
            <Legend itemSorter={null} verticalAlign="top" wrapperStyle={{ paddingBottom: 6 }} />
            {Array.from({ length: Math.max(0, E - 1) }, (_, k) => (
              <ReferenceLine key={k} y={(k + 1) / E} stroke="#555" strokeDasharray="3 3" />
            ))}
            {Array.from({ length: E }, (_, e) => (
              <Bar key={e} dataKey={`e${e}`} stackId="load" name={experts[e] ?? `E${e}`} fill={categorical(e)} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      {E > 0 && <p className="chart-note">Dashed lines: where the segments would meet under uniform load ({(100 / E).toFixed(0)}% per expert).</p>}
    </figure>
  );
}

/** One item per step, for tests and screen readers. */
export function LossHistory({ history }: { history: TrainStep[] }) {
  return (
    <ol className="visually-hidden" data-testid="loss-history" aria-label="Training steps">
      {history.map((h) => (
        <li key={h.step} data-testid="loss-point" data-step={h.step} data-value={h.lmLoss}>
          step {h.step}: LM loss {h.lmLoss.toFixed(4)}, aux {h.auxLoss.toFixed(4)}
        </li>
      ))}
    </ol>
  );
}
