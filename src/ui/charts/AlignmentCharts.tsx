/**
 * Alignment charts: mean matched correlation per layer before vs after (one colour per model,
 * dashed = before), fraction of fixed points per layer and model, the matched-correlation
 * histogram of one layer/model, and one permutation as a scatter of sigma(j) against j.
 */
import {
  Bar, BarChart, CartesianGrid, Label, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart,
  Tooltip, XAxis, YAxis,
} from 'recharts';
import type { AlignmentSummary } from '../../workers/studio-types';
import { categorical } from '../components/colour';
import { alignedModels, histogramRows, perLayerRows, permutationPoints } from './chart-data';

const fmt = (v: unknown) => (typeof v === 'number' ? v.toFixed(3) : typeof v === 'string' ? v : '');
const tick2 = (v: number) => Number(v.toFixed(2)).toString();
export const layerLabel = (l: unknown) => (typeof l === 'number' || typeof l === 'string' ? `layer ${l}` : '');

export function CorrelationChart({ a, label }: { a: AlignmentSummary; label: (m: number) => string }) {
  const models = alignedModels(a);
  const before = perLayerRows(a, (l) => l.meanCorrBefore, 'b');
  const after = perLayerRows(a, (l) => l.meanCorrAfter, 'a');
  const rows = before.map((r, i) => ({ ...r, ...after[i] }));
  return (
    <div className="chart" data-testid="chart-correlation">
      <ResponsiveContainer>
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 20, left: 8 }}>
          <CartesianGrid stroke="#e6e9ef" />
          <XAxis dataKey="layer" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false}>
            <Label value="layer" position="insideBottom" offset={-10} />
          </XAxis>
          <YAxis domain={[(min: number) => Math.min(0, Math.floor(min * 10) / 10), 1]} tickFormatter={tick2} allowDecimals>
            <Label value="mean matched correlation" angle={-90} position="insideLeft" style={{ textAnchor: 'middle' }} />
          </YAxis>
          <Tooltip formatter={fmt} labelFormatter={layerLabel} />
          <Legend itemSorter={null} verticalAlign="top" wrapperStyle={{ paddingBottom: 6 }} />
          {models.flatMap((m) => [
            <Line key={`b${m}`} dataKey={`b${m}`} name={`${label(m)} before`} stroke={categorical(m)} strokeDasharray="5 4" dot={false} isAnimationActive={false} />,
            <Line key={`a${m}`} dataKey={`a${m}`} name={`${label(m)} after`} stroke={categorical(m)} strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />,
          ])}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function FixedPointsChart({ a, label }: { a: AlignmentSummary; label: (m: number) => string }) {
  const models = alignedModels(a);
  const rows = perLayerRows(a, (l) => l.fixedPoints, 'f');
  return (
    <div className="chart" data-testid="chart-fixed-points">
      <ResponsiveContainer>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 20, left: 8 }}>
          <CartesianGrid stroke="#e6e9ef" vertical={false} />
          <XAxis dataKey="layer"><Label value="layer" position="insideBottom" offset={-10} /></XAxis>
          <YAxis domain={[0, 1]} tickCount={6}>
            <Label value="fraction of fixed points" angle={-90} position="insideLeft" style={{ textAnchor: 'middle' }} />
          </YAxis>
          <Tooltip formatter={fmt} labelFormatter={layerLabel} />
          <Legend itemSorter={null} verticalAlign="top" wrapperStyle={{ paddingBottom: 6 }} />
          {models.map((m) => <Bar key={m} dataKey={`f${m}`} name={label(m)} fill={categorical(m)} isAnimationActive={false} />)}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function HistogramChart({ counts, color }: { counts: number[]; color: string }) {
  const rows = histogramRows(counts);
  return (
    <div className="chart" data-testid="chart-histogram">
      <ResponsiveContainer>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 20, left: 8 }} barCategoryGap={1}>
          <CartesianGrid stroke="#e6e9ef" vertical={false} />
          <XAxis dataKey="center" type="number" domain={[-1, 1]} ticks={[-1, -0.5, 0, 0.5, 1]}>
            <Label value="matched correlation" position="insideBottom" offset={-10} />
          </XAxis>
          <YAxis allowDecimals={false}><Label value="neurons" angle={-90} position="insideLeft" style={{ textAnchor: 'middle' }} /></YAxis>
          <Tooltip labelFormatter={(_, p) => String((p?.[0]?.payload as { label?: string } | undefined)?.label ?? '')} />
          <Bar dataKey="count" name="neurons" fill={color} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function PermutationChart({ sigma, color }: { sigma: number[]; color: string }) {
  const pts = permutationPoints(sigma);
  const n = sigma.length;
  return (
    <div className="chart chart-square" data-testid="chart-permutation" data-points={pts.length}>
      <ResponsiveContainer>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 20, left: 8 }}>
          <CartesianGrid stroke="#e6e9ef" />
          <XAxis dataKey="j" type="number" domain={[0, n - 1]} name="new position j">
            <Label value="new position j" position="insideBottom" offset={-10} />
          </XAxis>
          <YAxis dataKey="s" type="number" domain={[0, n - 1]} name="old neuron σ(j)">
            <Label value="old neuron σ(j)" angle={-90} position="insideLeft" style={{ textAnchor: 'middle' }} />
          </YAxis>
          <ReferenceLine segment={[{ x: 0, y: 0 }, { x: n - 1, y: n - 1 }]} stroke="#888" strokeDasharray="4 3" label={{ value: 'identity', position: 'insideTopLeft', fill: '#666', fontSize: 11 }} />
          <Tooltip cursor={false} />
          <Scatter data={pts} fill={color} shape="circle" isAnimationActive={false} r={2} />
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}
