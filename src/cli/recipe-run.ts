/**
 * A recipe file, end to end (the `merge` command): sources (at the recipe's revisions) -> the
 * mergeability check -> calibration windows from the recipe's domain texts -> neuron alignment
 * -> router initialisation -> the merged MoE as a lazy provider -> optional router training
 * (Stage 2, CPU trainer) -> the Hugging Face export, streamed tensor by tensor into a folder.
 * The browser's engine worker runs the same stages (src/workers/session).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InvalidArgumentError } from '../core/errors';
import { exportHf, type HfExportSummary } from '../core/export/hf-export';
import { parseRecipe, RecipeError, type Recipe } from '../core/recipe/recipe';
import type { BackendTensor } from '../core/backend';
import { CpuTrainBackend } from '../core/train/cpu-train-backend';
import type { TrainBackend } from '../core/train/train-backend';
import { nodeFolderSink } from '../io/export/node-folder';
import { MissingFileError } from '../io/errors';
import type { CalibrationSet } from '../merge/calibrate';
import type { StageContext } from '../merge/context';
import { MergedWeights } from '../merge/merged-weights';
import { centroidRouters, randomRouters, type RouterWeights } from '../merge/router-init';
import { Trainer } from '../model/train/trainer';
import type { WeightProvider } from '../model/weights';
import { writeOnnxFile, type OnnxFiles } from './onnx';
import type { Reporter } from './output';
import { alignSources, calibrate, loadSources, type AlignMode, type AlignResult, type Loaded } from './pipeline';
import { weightsOf, type SourceOptions } from './sources';
import { readDocuments } from './text';

export interface RecipeRunOptions {
  recipePath: string;
  outDir: string;
  dtype?: 'f32' | 'bf16';
  maxShardBytes?: number;
  probe: AlignMode;
  chunkWindows: number;
  /** The trainer's backend (default: the CPU reference, f64). */
  trainBackend?: () => Promise<TrainBackend<BackendTensor>>;
  /** Also write the merged model as model.onnx in the output folder. */
  onnx?: { maxPositions: number };
}

export async function readRecipe(path: string): Promise<Recipe> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new MissingFileError(`The recipe file ${path} cannot be read. Check the path.`);
  }
  return parseRecipe(text);
}

/** Where a calibration domain's text lives: a file next to the recipe, or `demo:<domain>` (the demo corpora). */
function domainFile(d: { name: string; source: string }, baseDir: string, demoDir: string): string {
  const demo = /^(demo|builtin)(:(.+))?$/.exec(d.source);
  if (demo) return join(dirname(demoDir), 'corpora', `${demo[3] ?? d.name}.train.jsonl`);
  return resolve(baseDir, d.source);
}

async function routers(r: Recipe, l: Loaded, cal: CalibrationSet | null, ctx: StageContext): Promise<RouterWeights> {
  const cfg = l.weights[r.anchor].config;
  const E = r.moe.experts.length;
  if (r.router.init === 'random') return randomRouters(cfg.numLayers, E, cfg.hiddenSize, r.router.seed);
  let groups: Int32Array[][];
  if (r.router.init === 'prompts') {
    const p = r.router.prompts;
    if (!p || p.length !== E || p.some((x) => x.length === 0)) throw new RecipeError('Invalid recipe: router.init "prompts" needs router.prompts with a non-empty list of prompts per expert.');
    const tok = l.checkpoints[r.anchor].tokenizer();
    groups = p.map((ps) => ps.map((t) => Int32Array.from(tok.encode(t))).filter((w) => w.length > 0));
  } else {
    if (!cal) throw new RecipeError('Invalid recipe: router.init "centroids" needs calibration domains.');
    const names = cal.domains.map((d) => d.name);
    groups = r.moe.experts.map((s) => {
      const d = names.indexOf(r.sources[s].domain ?? '');
      if (d < 0) {
        throw new RecipeError(`Invalid recipe: router.init "centroids" needs sources[${s}].domain to name one of the calibration domains (${names.join(', ')}); set it or choose router.init "random".`);
      }
      return cal.windows.filter((_, i) => cal.domainOf[i] === d);
    });
  }
  return centroidRouters(l.weights[r.anchor], groups, ctx);
}

export interface RecipeRunSummary {
  out: string;
  export: HfExportSummary;
  calibration: { windows: number; seqLen: number; contentHash: string } | null;
  alignment: { mode: string; tokens: number; layers: { layer: number; model: number; meanCorrBefore: number; meanCorrAfter: number; fixedPoints: number }[] } | null;
  training: { steps: number; lmLoss: number; auxLoss: number } | null;
  onnx: OnnxFiles | null;
}

export async function runRecipe(o: RecipeRunOptions, src: (baseDir: string) => SourceOptions, ctx: StageContext, rep: Reporter): Promise<RecipeRunSummary> {
  const recipe = await readRecipe(o.recipePath);
  const baseDir = dirname(o.recipePath);
  if (recipe.export.target !== 'hf') throw new InvalidArgumentError('The CLI writes the Hugging Face export only; set export.target to "hf" in the recipe.');
  const so = src(baseDir);
  const revisions = recipe.sources.map((s) => (/^[0-9a-f]{40}$/.test(s.revision) ? s.revision : undefined));
  const loaded = await loadSources(recipe.sources.map((s) => s.id), recipe.anchor, so, rep, revisions);
  loaded.checkpoints.forEach((c, i) => {
    const want = recipe.sources[i].revision;
    if (want && c.source.kind !== 'hub' && want !== c.source.revision) rep.warn(`${c.source.id} is revision ${c.source.revision}, the recipe names ${want}: the result may differ.`);
  });

  // Calibration (needed for alignment and centroid routers; training reads the same text).
  const demoDir = so.demoDir ?? join(so.baseDir, 'public', 'demo', 'models');
  let cal: CalibrationSet | null = null;
  const needText = recipe.calibration.domains.length > 0;
  if (!needText && (recipe.alignment.enabled || recipe.router.init === 'centroids' || recipe.training.steps > 0)) {
    throw new RecipeError('Invalid recipe: calibration.domains is empty, but alignment, centroid routers or training need text. Add domains ({"name", "source": a text file next to the recipe, "tokens"}).');
  }
  const domains = [];
  for (const d of recipe.calibration.domains) domains.push({ name: d.name, documents: await readDocuments(domainFile(d, baseDir, demoDir), baseDir) });
  if (needText) {
    const tokens = Math.max(...recipe.calibration.domains.map((d) => d.tokens));
    cal = await calibrate(loaded, recipe.anchor, domains, tokens, recipe.calibration.seqLen, rep);
    if (recipe.calibration.contentHash && recipe.calibration.contentHash !== cal.contentHash) {
      rep.warn(`the calibration tokens differ from the recipe's (content hash ${cal.contentHash.slice(0, 12)} vs ${recipe.calibration.contentHash.slice(0, 12)}): the merge will not be identical.`);
    }
  }

  let aligned: AlignResult | null = null;
  if (recipe.alignment.enabled && loaded.checkpoints.length > 1) {
    let windows = cal!.windows;
    if (recipe.alignment.anchorDomainOnly) {
      const d = cal!.domains.findIndex((x) => x.name === recipe.sources[recipe.anchor].domain);
      if (d < 0) throw new RecipeError('Invalid recipe: alignment.anchorDomainOnly needs the anchor source\'s domain among the calibration domains.');
      windows = windows.filter((_, i) => cal!.domainOf[i] === d);
    }
    aligned = await alignSources(loaded, recipe.anchor, windows, { partial: recipe.alignment.partial, chunkWindows: o.chunkWindows, mode: o.probe }, ctx, rep);
  }

  const rw = await routers(recipe, loaded, cal, ctx);
  // The export reads every source tensor once: fresh providers without a cache, so the probe's
  // cached tensors are released before the largest step (the embedding merge holds every
  // source's embedding table decoded at once).
  loaded.weights = loaded.checkpoints.map((c) => weightsOf(c, 0));
  const merged = new MergedWeights(loaded.weights, {
    anchor: recipe.anchor, backbone: recipe.backbone, layout: recipe.moe, perms: aligned?.match.perms ?? null,
    vocab: loaded.vocab ? { size: loaded.vocab.tokens.length, fromUnion: loaded.vocab.fromUnion } : null,
    router: (l) => rw[l],
  });

  let weights: WeightProvider = merged;
  let training: RecipeRunSummary['training'] = null;
  const t = recipe.training;
  if (t.steps > 0) {
    const be = o.trainBackend ? await o.trainBackend() : (new CpuTrainBackend() as unknown as TrainBackend<BackendTensor>);
    rep.info(`training (${t.scope}, ${t.steps} steps) holds the merged model in memory on the ${be.name} trainer`);
    const streams = cal!.domains.map((_, d) => Int32Array.from(cal!.windows.filter((__, i) => cal!.domainOf[i] === d).flatMap((w) => [...w])));
    const trainer = await Trainer.create(be, merged, streams, {
      scope: t.scope, steps: t.steps, tokensPerStep: t.batchTokens, windowLength: t.seqLen, lr: t.lr,
      schedule: t.schedule === 'warmup-cosine' ? { kind: 'cosine', warmupSteps: t.warmupSteps } : { kind: 'constant' },
      adamw: { beta1: t.betas[0], beta2: t.betas[1], eps: t.eps, weightDecay: t.weightDecay },
      clipNorm: t.gradClip > 0 ? t.gradClip : null, balanceCoef: t.balanceCoef, zLossCoef: t.zLossCoef, seed: t.seed,
    });
    let last = { lmLoss: NaN, auxLoss: NaN };
    await trainer.run({ signal: ctx.signal, onStep: (e) => {
      last = e;
      rep.progress('train', e.step, e.totalSteps, `loss ${e.loss.toFixed(4)}`);
    } });
    weights = await trainer.weights();
    training = { steps: trainer.step, lmLoss: last.lmLoss, auxLoss: last.auxLoss };
  }

  const written: Recipe = {
    ...recipe,
    sources: recipe.sources.map((s, i) => ({ ...s, revision: loaded.checkpoints[i].source.revision })),
    calibration: cal ? { ...recipe.calibration, contentHash: cal.contentHash, domains: recipe.calibration.domains.map((d, i) => ({ ...d, tokens: cal.domains[i].tokens })) } : recipe.calibration,
  };
  const anchor = loaded.checkpoints[recipe.anchor];
  const enc = new TextEncoder();
  const files = Object.entries(anchor.tokenizerFiles).map(([name, text]) => ({ name, bytes: enc.encode(text) }));
  const dtype = (o.dtype ?? recipe.export.dtype) === 'bf16' ? 'BF16' : 'F32';
  const exp = await exportHf(nodeFolderSink(o.outDir), {
    weights, anchorConfig: anchor.config.raw, dtype, maxShardBytes: o.maxShardBytes, files, recipe: written,
    permutations: aligned?.match.perms ?? null, signal: ctx.signal,
    onProgress: (p) => rep.progress('export', p.bytesWritten, p.totalBytes, p.tensor ?? p.file),
  });
  const onnx = o.onnx ? await writeOnnxFile(weights, join(o.outDir, 'model.onnx'), { ...o.onnx, signal: ctx.signal }, rep) : null;
  return {
    out: o.outDir, export: exp,
    calibration: cal ? { windows: cal.windows.length, seqLen: cal.seqLen, contentHash: cal.contentHash } : null,
    alignment: aligned ? {
      mode: aligned.mode, tokens: aligned.tokens,
      layers: aligned.match.layers.map((x) => ({ layer: x.layer, model: x.model, meanCorrBefore: x.meanCorrBefore, meanCorrAfter: x.meanCorrAfter, fixedPoints: x.fixedPoints })),
    } : null,
    training, onnx,
  };
}
