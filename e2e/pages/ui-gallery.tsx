// UI gallery: a test page (not part of the app) that renders the studio's panels with small
// literal example values, so that charts and heatmaps can be looked at and screenshotted before
// the engine computes real ones. It stores its state under its own key, away from the app's.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useStudio } from '../../src/state/store';
import { AlignmentPanel } from '../../src/ui/panels/AlignmentPanel';
import { CalibrationPanel } from '../../src/ui/panels/CalibrationPanel';
import { SourcesPanel } from '../../src/ui/panels/SourcesPanel';
import { CkaPanel } from '../../src/ui/panels/CkaPanel';
import { EvaluatePanel } from '../../src/ui/panels/EvaluatePanel';
import { TrainPanel } from '../../src/ui/panels/TrainPanel';
import { Findings } from '../../src/ui/tour/Findings';
import '../../src/ui/styles.css';
import '../../src/ui/panels.css';
import { alignment, cka, evalRows, report, tokenRouting, trainHistory } from './ui-gallery-data';

useStudio.persist.setOptions({ name: 'symphony-studio-ui-gallery' });
const ids = ['demo/prose', 'demo/code', 'demo/math', 'demo/indie'];
useStudio.setState({
  catalog: {
    models: ids.map((id, i) => ({ id, domain: ['prose', 'code', 'math', 'prose'][i], description: '', origin: (['base', 'branched', 'branched', 'independent'] as const)[i] })),
    domains: [{ name: 'prose', heldOut: false, trainDocs: 10, validationDocs: 2 }, { name: 'legal', heldOut: true, trainDocs: 0, validationDocs: 2 }],
  },
  entries: ids.map((id, i) => ({ kind: 'demo' as const, id, domain: ['prose', 'code', 'math', null][i] })),
  expertOrder: [0, 1, 2, 3],
  summaries: ids.map((id) => ({ id, kind: 'demo' as const, revision: 'main', modelType: 'qwen2', parameters: 1.2e6, tensorBytes: 4.8e6, hiddenSize: 64, intermediateSize: 16, numLayers: 4, vocabSize: 512, domain: null, description: null })),
  alignment: { ...alignment, layers: alignment.layers.map((l) => (l.model === 2 ? { ...l, model: 3 } : l)) },
  alignPick: { layer: 1, model: 3 },
  permutation: { model: 3, layer: 1, sigma: [3, 9, 0, 14, 6, 1, 12, 7, 15, 2, 10, 5, 8, 13, 4, 11], matched: [] },
  cka,
  built: [
    { id: 'symphony', label: 'Symphony MoE', kind: 'symphony', experts: 4, topK: 2, parameters: 3.1e6, trained: true },
    { id: 'symphony-shared', label: 'Symphony + shared expert', kind: 'symphony-shared', experts: 4, topK: 2, parameters: 3.4e6, trained: false },
    { id: 'btx', label: 'BTX', kind: 'btx', experts: 4, topK: 2, parameters: 3.1e6, trained: false },
  ],
  trainConfig: { model: 'symphony', scope: 'router', steps: 40, lr: 1e-3, batchTokens: 2048, seqLen: 128, balanceCoef: 0.01, warmupSteps: 4, seed: 0 },
  trainHistory, trainHistoryModel: 'symphony',
  trainSummaries: { symphony: { model: 'symphony', steps: 40, balancedAux: 2, history: trainHistory, heldOutLossBefore: 3.4, heldOutLossAfter: 3.1 } },
  evalRows, tokenRouting, routeModel: 'symphony',
  report,
  loadState: {
    'demo/prose': { stage: 'ready', message: '', networkBytes: 0, cacheBytes: 4.8e6 },
    'demo/code': { stage: 'downloading', message: '', file: 'model.safetensors', loaded: 2.9e6, total: 4.8e6, networkBytes: 2.9e6, cacheBytes: 0, bytesPerSecond: 1.6e6, etaSeconds: 1.2, fromCache: false },
  },
  calibration: {
    tokensPerDomain: 2048, seqLen: 128,
    domains: [
      { name: 'prose', catalog: true, heldOut: false, builtin: true, pasted: '', uploaded: [] },
      { name: 'code', catalog: true, heldOut: false, builtin: true, pasted: '', uploaded: ['def f(x):\n    return x'] },
      { name: 'legal', catalog: true, heldOut: true, builtin: false, pasted: '', uploaded: [] },
    ],
  },
  calibrationSummary: { seqLen: 128, windows: 48, domains: [{ name: 'prose', tokens: 2048, available: 90000 }, { name: 'code', tokens: 1500, available: 1500 }], contentHash: '3f9a0c1d2e4b5a6c' },
});

const sections: [string, () => React.ReactNode][] = [
  ['sources', SourcesPanel], ['calibration', CalibrationPanel], ['alignment', AlignmentPanel], ['cka', CkaPanel], ['train', TrainPanel], ['evaluate', EvaluatePanel], ['findings', Findings],
];

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <main className="panel-area">
      <h1>UI gallery: example values, not measurements</h1>
      {sections.map(([id, Section]) => (
        <section key={id} id={id} data-testid={`gallery-${id}`}>
          <h2>{id}</h2>
          <Section />
        </section>
      ))}
    </main>
  </StrictMode>,
);
