/**
 * The recipe file (FORMATS.md): one JSON document that reproduces a merge exactly. This module
 * defines its type, defaults, validation with actionable errors, and the URL-fragment form for
 * sharing small recipes (base64url of the canonical JSON). Access tokens never appear here.
 */
import { StudioError, registerError } from '../errors';
import { canonicalJson } from './hash';

export class RecipeError extends StudioError {
  override readonly code = 'RECIPE_INVALID';
}
registerError('RECIPE_INVALID', RecipeError);

export const RECIPE_VERSION = 1;

export type BackboneRule = 'symphony' | 'linear' | 'anchor';
export type SharedExpert = 'none' | 'aligned-mean' | 'anchor';
export type RouterInit = 'random' | 'centroids' | 'prompts';
export type TrainScope = 'router' | 'router+experts' | 'all';

export interface RecipeSource {
  /** Hub model ID, `demo/<name>`, or `local:<name>`. */
  id: string;
  /** Commit SHA the merge used (exact reproduction). */
  revision: string;
  /** Calibration domain this source is the expert for (optional, for reports and router init). */
  domain?: string;
}

export interface Recipe {
  version: number;
  sources: RecipeSource[];
  anchor: number;
  backbone: { rule: BackboneRule; slerpT: number; weights?: number[] };
  calibration: {
    domains: { name: string; source: string; tokens: number }[];
    seqLen: number;
    /** SHA-256 of the calibration token ids. */
    contentHash: string;
  };
  alignment: { enabled: boolean; partial: number; anchorDomainOnly: boolean; permutationsChecksum?: string };
  moe: { experts: number[]; topK: number; normTopkProb: boolean; sharedExpert: SharedExpert };
  router: { init: RouterInit; seed: number; prompts?: string[][] };
  training: {
    scope: TrainScope; steps: number; lr: number; schedule: 'constant' | 'warmup-cosine'; warmupSteps: number;
    batchTokens: number; seqLen: number; balanceCoef: number; zLossCoef: number; gradClip: number;
    betas: [number, number]; eps: number; weightDecay: number; seed: number;
  };
  export: { target: 'hf' | 'onnx'; dtype: 'f32' | 'bf16' };
}

export function defaultRecipe(sources: RecipeSource[], anchor = 0): Recipe {
  return {
    version: RECIPE_VERSION,
    sources,
    anchor,
    backbone: { rule: 'symphony', slerpT: 0.5 },
    calibration: { domains: [], seqLen: 128, contentHash: '' },
    alignment: { enabled: true, partial: 1, anchorDomainOnly: false },
    moe: { experts: sources.map((_, i) => i), topK: Math.min(2, sources.length), normTopkProb: false, sharedExpert: 'none' },
    router: { init: 'centroids', seed: 0 },
    training: {
      scope: 'router', steps: 200, lr: 1e-3, schedule: 'warmup-cosine', warmupSteps: 10, batchTokens: 2048, seqLen: 128,
      balanceCoef: 0.01, zLossCoef: 0, gradClip: 1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, seed: 0,
    },
    export: { target: 'hf', dtype: 'f32' },
  };
}

function req(cond: boolean, msg: string): void {
  if (!cond) throw new RecipeError(`Invalid recipe: ${msg}. Fix the recipe file or export it again from the studio.`);
}

/** Validate an untrusted object as a Recipe (throws RecipeError saying what is wrong). */
export function validateRecipe(x: unknown): Recipe {
  req(typeof x === 'object' && x !== null, 'it is not a JSON object');
  const r = x as Recipe;
  req(r.version === RECIPE_VERSION, `version ${String(r.version)} is not supported (expected ${RECIPE_VERSION})`);
  req(Array.isArray(r.sources) && r.sources.length >= 1, 'it lists no sources');
  for (const s of r.sources) req(typeof s?.id === 'string' && s.id.length > 0 && typeof s.revision === 'string', 'every source needs an id and a revision');
  const n = r.sources.length;
  req(Number.isInteger(r.anchor) && r.anchor >= 0 && r.anchor < n, `anchor ${String(r.anchor)} is not a source index (0..${n - 1})`);
  req(['symphony', 'linear', 'anchor'].includes(r.backbone?.rule), 'backbone.rule must be symphony, linear or anchor');
  req(r.backbone.slerpT >= 0 && r.backbone.slerpT <= 1, 'backbone.slerpT must lie in [0, 1]');
  req(Array.isArray(r.moe?.experts) && r.moe.experts.length >= 1 && r.moe.experts.every((e) => Number.isInteger(e) && e >= 0 && e < n), 'moe.experts must list source indices');
  req(Number.isInteger(r.moe.topK) && r.moe.topK >= 1 && r.moe.topK <= r.moe.experts.length, `moe.topK must lie in 1..${r.moe.experts.length}`);
  req(['none', 'aligned-mean', 'anchor'].includes(r.moe.sharedExpert), 'moe.sharedExpert must be none, aligned-mean or anchor');
  req(r.alignment?.partial > 0 && r.alignment.partial <= 1, 'alignment.partial must lie in (0, 1]');
  req(['random', 'centroids', 'prompts'].includes(r.router?.init), 'router.init must be random, centroids or prompts');
  req(['router', 'router+experts', 'all'].includes(r.training?.scope), 'training.scope must be router, router+experts or all');
  req(r.training.steps >= 0 && r.training.lr > 0, 'training.steps must be >= 0 and training.lr > 0');
  req(['hf', 'onnx'].includes(r.export?.target) && ['f32', 'bf16'].includes(r.export.dtype), 'export must name target hf|onnx and dtype f32|bf16');
  const text = JSON.stringify(r);
  req(!/hf_[A-Za-z0-9]{20,}/.test(text), 'it contains what looks like an access token; recipes never carry tokens');
  return r;
}

export function serializeRecipe(r: Recipe): string {
  return JSON.stringify(JSON.parse(canonicalJson(r)), null, 2) + '\n';
}

export function parseRecipe(text: string): Recipe {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    throw new RecipeError('Invalid recipe: the file is not valid JSON. Fix the recipe file or export it again from the studio.');
  }
  return validateRecipe(obj);
}

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): Uint8Array {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}

/** Longest fragment we produce; browsers handle far more, but chat apps and docs do not. */
export const MAX_FRAGMENT = 8000;

export function recipeToFragment(r: Recipe): string | null {
  const f = `recipe=${toBase64Url(new TextEncoder().encode(canonicalJson(r)))}`;
  return f.length <= MAX_FRAGMENT ? f : null;
}

export function recipeFromFragment(fragment: string): Recipe {
  const m = /(?:^#?|&)recipe=([A-Za-z0-9_-]+)/.exec(fragment);
  if (!m) throw new RecipeError('The link has no recipe in it (expected #recipe=...). Copy the whole link again.');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(m[1]));
  } catch {
    throw new RecipeError('The recipe in the link is damaged. Copy the whole link again.');
  }
  return parseRecipe(text);
}
