// Small literal example values for the UI gallery (a test page, not the app): three sources
// (a base, a branched fine-tune, an independent model), four layers, FFN width 16.
import type { AlignmentSummary, CkaSummary, EvalRow, MergeReport, TokenRouting, TrainStep } from '../../src/workers/studio-types';

const four = (v: string): string[] => [v, v, v, v];
export const report: MergeReport = {
  mergeable: true,
  counts: { error: 0, warning: 1, info: 1, ok: 2 },
  rows: [
    { field: 'model_type', values: four('qwen2'), severity: 'ok', message: 'All sources agree.' },
    { field: 'hidden_size', values: four('64'), severity: 'ok', message: 'All sources agree.' },
    { field: 'rope_theta', values: ['10000', '10000', '10000', '1000000'], severity: 'warning', message: 'demo/indie encodes positions with a different rotary base than the anchor demo/prose; the merged model uses the anchor’s.' },
    { field: 'vocab_size', values: ['512', '512', '512', '480'], severity: 'info', message: 'Vocabularies differ; embeddings are merged by token string.' },
  ],
};

const hist = (peak: number): number[] => Array.from({ length: 20 }, (_, i) => Math.max(0, 8 - Math.abs(i - peak) * 3));

export const alignment: AlignmentSummary = {
  anchor: 0, tokens: 8192, width: 16, functionPreservation: 9.5e-7,
  layers: [0, 1, 2, 3].flatMap((layer) => [
    { layer, model: 1, meanCorrBefore: [0.93, 0.9, 0.86, 0.82][layer], meanCorrAfter: [0.94, 0.91, 0.88, 0.85][layer], fixedPoints: [1, 0.94, 0.94, 0.88][layer], histogram: hist(18), deadAnchor: 0, deadModel: 0, certified: true, ms: 2 },
    { layer, model: 2, meanCorrBefore: [0.04, 0.02, 0.01, 0.03][layer], meanCorrAfter: [0.61, 0.55, 0.48, 0.44][layer], fixedPoints: [0.06, 0, 0.06, 0][layer], histogram: hist(15), deadAnchor: 0, deadModel: 1, certified: true, ms: 3 },
  ]),
};

const e4 = (a: number, b: number, c: number): number[] => [1, a, b, c, a, 1, b, c, b, b, 1, c * 0.9, c, c, c * 0.9, 1];
export const cka: CkaSummary = {
  experts: ['demo/prose', 'demo/code', 'demo/math', 'demo/indie'],
  aligned: [e4(0.92, 0.9, 0.41), e4(0.88, 0.85, 0.37), e4(0.84, 0.8, 0.33), e4(0.8, 0.77, 0.3)],
  unaligned: [e4(0.92, 0.9, 0.41), e4(0.88, 0.85, 0.37), e4(0.84, 0.8, 0.33), e4(0.8, 0.77, 0.3)],
  maxDifference: 3.1e-7,
  models: ['demo/prose', 'demo/code', 'demo/indie'],
  numLayers: 4,
  layers: Array.from({ length: 144 }, (_, k) => {
    const i = Math.floor(k / 12), j = k % 12;
    const [mi, li, mj, lj] = [Math.floor(i / 4), i % 4, Math.floor(j / 4), j % 4];
    const near = Math.max(0, 1 - Math.abs(li - lj) * 0.25);
    return mi === mj ? near : mi === 2 || mj === 2 ? near * 0.35 : near * 0.9;
  }),
};

export const trainHistory: TrainStep[] = Array.from({ length: 40 }, (_, i) => ({
  step: i + 1, lmLoss: 2.1 + 1.4 * Math.exp(-i / 9), auxLoss: 2 + 0.6 * Math.exp(-i / 7), gradNorm: 0.4 + 1.5 * Math.exp(-i / 5), lr: 1e-3,
  tokensPerSec: 5200 + (i % 5) * 40, routerEntropy: 1.35 - 0.4 * (1 - Math.exp(-i / 10)),
  expertLoad: [0, 1, 2, 3].map((l) => [0.27 - l * 0.01, 0.25, 0.24 + l * 0.01, 0.24]),
}));

const dom = (p: number, c: number, m: number, legal: number) => [
  { domain: 'prose', heldOut: false, perplexity: p, tokens: 4096 }, { domain: 'code', heldOut: false, perplexity: c, tokens: 4096 },
  { domain: 'math', heldOut: false, perplexity: m, tokens: 4096 }, { domain: 'legal', heldOut: true, perplexity: legal, tokens: 2048 },
];
const route = (l: number) => [[0.62 - l * 0.02, 0.14, 0.12, 0.12], [0.1, 0.7, 0.1, 0.1], [0.12, 0.1, 0.58, 0.2], [0.3, 0.25, 0.25, 0.2]];
export const evalRows: EvalRow[] = [
  { model: 'source:demo/prose', label: 'demo/prose', perplexity: dom(9.1, 21.4, 18.2, 30.5), routing: null },
  { model: 'symphony', label: 'Symphony MoE', perplexity: dom(8.8, 7.2, 6.9, 24.1), routing: [0, 1, 2, 3].map(route) },
  { model: 'symphony-shared', label: 'Symphony + shared expert', perplexity: dom(8.6, 7.0, 6.8, 23.2), routing: [0, 1, 2, 3].map(route) },
  { model: 'btx', label: 'BTX', perplexity: dom(10.4, 8.9, 8.1, 29.9), routing: [0, 1, 2, 3].map(route) },
];

export const tokenRouting: TokenRouting = {
  tokens: ['def', ' fib', '(n', '):', '\n', 'The', ' integral', ' of', ' x', '²'],
  experts: [0, 1, 2, 3].map(() => [[1, 0], [1, 2], [1, 0], [1, 3], [0, 1], [0, 3], [2, 0], [0, 2], [2, 1], [2, 0]]),
  weights: [0, 1, 2, 3].map(() => Array.from({ length: 10 }, () => [0.7, 0.3])),
};
