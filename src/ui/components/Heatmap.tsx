/**
 * An SVG heatmap on a fixed sequential scale (viridis over `domain`, default [0, 1]). Each cell
 * has a tooltip with its row, column and value, and data attributes for tests; values are printed
 * in the cells when the matrix is small. Optional groups draw separators (e.g. one block per model).
 */
import { formatCell, groupBreaks, heatmapLayout } from './heatmap-layout';
import { inkOn, normalise, viridis } from './colour';

export interface HeatmapProps {
  matrix: number[][];
  rowLabels: string[];
  colLabels: string[];
  /** Accessible name, also shown above when `caption` is set. */
  title: string;
  caption?: boolean;
  rowAxis?: string;
  colAxis?: string;
  domain?: [number, number];
  cell?: number;
  maxWidth?: number;
  rowLabelWidth?: number;
  /** Small multiples: no labels, no values. */
  compact?: boolean;
  /** Equal group size along both axes (separators every `group` cells). */
  group?: number;
  cellTestId?: string;
  digits?: number;
}

export function Heatmap(p: HeatmapProps) {
  const rows = p.matrix.length;
  const cols = rows ? p.matrix[0].length : 0;
  const [lo, hi] = p.domain ?? [0, 1];
  const L = heatmapLayout({
    rows, cols, cell: p.cell, maxWidth: p.maxWidth,
    rowLabelWidth: p.compact ? 0 : p.rowLabelWidth, colLabelHeight: p.compact ? 0 : undefined,
  });
  const showValues = !p.compact && L.showValues;
  const breaks = p.group ? groupBreaks(rows, p.group) : [];
  const axisPad = p.compact ? 0 : 16;
  return (
    <figure className="heatmap">
      {p.caption && <figcaption>{p.title}</figcaption>}
      <svg role="img" aria-label={p.title} width={L.width + axisPad} height={L.height + axisPad} viewBox={`${-axisPad} ${-axisPad} ${L.width + axisPad} ${L.height + axisPad}`}>
        {!p.compact && p.colAxis && (
          <text x={L.left + (cols * L.cell) / 2} y={-4} textAnchor="middle" className="axis-title">{p.colAxis}</text>
        )}
        {!p.compact && p.rowAxis && (
          <text transform={`translate(-4 ${L.top + (rows * L.cell) / 2}) rotate(-90)`} textAnchor="middle" className="axis-title">{p.rowAxis}</text>
        )}
        {!p.compact && p.colLabels.map((c, j) => j % L.tickEvery === 0 && (
          <text key={`c${j}`} x={L.left + j * L.cell + L.cell / 2} y={L.top - 6} textAnchor="middle" className="tick">{c}</text>
        ))}
        {!p.compact && p.rowLabels.map((r, i) => i % L.tickEvery === 0 && (
          <text key={`r${i}`} x={L.left - 6} y={L.top + i * L.cell + L.cell / 2} textAnchor="end" dominantBaseline="middle" className="tick">{r}</text>
        ))}
        {p.matrix.map((row, i) => row.map((v, j) => {
          const t = normalise(v, lo, hi);
          return (
            <g key={`${i}-${j}`}>
              <rect
                data-testid={p.cellTestId ?? 'heatmap-cell'} data-value={v} data-row={i} data-col={j}
                x={L.left + j * L.cell} y={L.top + i * L.cell} width={L.cell} height={L.cell} fill={viridis(t)}
              >
                <title>{`${p.rowLabels[i] ?? i} × ${p.colLabels[j] ?? j}: ${Number.isFinite(v) ? v.toFixed(4) : 'n/a'}`}</title>
              </rect>
              {showValues && (
                <text x={L.left + j * L.cell + L.cell / 2} y={L.top + i * L.cell + L.cell / 2} textAnchor="middle" dominantBaseline="central" fill={inkOn(t)} className="cell-value" pointerEvents="none">
                  {formatCell(v, p.digits)}
                </text>
              )}
            </g>
          );
        }))}
        {breaks.map((b) => (
          <g key={`b${b}`} className="group-break">
            <line x1={L.left + b * L.cell} x2={L.left + b * L.cell} y1={L.top} y2={L.top + rows * L.cell} />
            <line y1={L.top + b * L.cell} y2={L.top + b * L.cell} x1={L.left} x2={L.left + cols * L.cell} />
          </g>
        ))}
      </svg>
    </figure>
  );
}

/** The colour legend of the heatmaps: a gradient bar over the fixed domain with ticks. */
export function ColourLegend({ domain = [0, 1], label }: { domain?: [number, number]; label: string }) {
  const stops = Array.from({ length: 11 }, (_, k) => k / 10);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const w = 220;
  return (
    <figure className="colour-legend" aria-label={`Colour scale: ${label}, ${domain[0]} to ${domain[1]}`}>
      <svg width={w + 20} height={42} viewBox={`-10 0 ${w + 20} 42`}>
        <defs>
          <linearGradient id="viridis-legend" x1="0" x2="1" y1="0" y2="0">
            {stops.map((s) => <stop key={s} offset={s} stopColor={viridis(s)} />)}
          </linearGradient>
        </defs>
        <rect x={0} y={4} width={w} height={12} fill="url(#viridis-legend)" stroke="#888" strokeWidth={0.5} />
        {ticks.map((t) => (
          <g key={t}>
            <line x1={t * w} x2={t * w} y1={16} y2={20} stroke="#555" />
            <text x={t * w} y={31} textAnchor="middle" className="tick">{(domain[0] + t * (domain[1] - domain[0])).toFixed(2)}</text>
          </g>
        ))}
      </svg>
      <figcaption>{label}</figcaption>
    </figure>
  );
}
