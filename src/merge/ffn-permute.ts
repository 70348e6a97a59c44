/**
 * Applying a neuron permutation to one FFN held as engine host tensors ([out, in] layout): new
 * neuron j = old neuron sigma(j) (METHOD.md section 2), along the axes that the architecture
 * spec lists for the layer's FFN-hidden space (core/permute ffnAxes: gate/up rows, down columns,
 * gate/up biases where the architecture has them). The FFN computes the same function afterwards.
 */
import type { ArchSpec, SpecConfig } from '../core/arch/spec';
import { buildArchSpec } from '../core/arch/spec';
import { InvalidArgumentError } from '../core/errors';
import { ffnAxes, permuteFfnFields, type FfnField } from '../core/permute/apply';
import type { ModelConfig } from '../model/config';
import type { HostTensor, WeightProvider } from '../model/weights';

export interface HostFfn {
  gate: HostTensor;
  up: HostTensor;
  down: HostTensor;
  gateBias?: HostTensor;
  upBias?: HostTensor;
  downBias?: HostTensor;
}

/**
 * The architecture spec of an engine config. The engine's ModelConfig has no FFN biases (its
 * forward pass has none), so neither has this spec; checkpoint specs (parseHfConfig of the
 * config.json) list them for llama's mlp_bias.
 */
export function specConfigOfModel(cfg: ModelConfig): SpecConfig {
  const moe = cfg.moe;
  return {
    family: cfg.modelType, hiddenSize: cfg.hiddenSize, intermediateSize: cfg.intermediateSize, numLayers: cfg.numLayers,
    numHeads: cfg.numHeads, numKvHeads: cfg.numKvHeads, headDim: cfg.headDim, vocabSize: cfg.vocabSize,
    tieWordEmbeddings: cfg.tieWordEmbeddings, qkvBias: cfg.attentionBias,
    oBias: cfg.modelType === 'llama' || cfg.modelType === 'mistral' || cfg.modelType === 'mixtral' ? cfg.attentionBias : false,
    mlpBias: false,
    moe: moe && {
      numExperts: moe.numExperts, expertIntermediateSize: moe.expertIntermediateSize, sharedExpertIntermediateSize: moe.sharedExpertIntermediateSize,
      decoderSparseStep: 1, mlpOnlyLayers: moe.sparseLayers.flatMap((sparse, l) => (sparse ? [] : [l])),
    },
  };
}

const specs = new WeakMap<ModelConfig, ArchSpec>();

/** The (cached) architecture spec of an engine config. */
export function modelArchSpec(cfg: ModelConfig): ArchSpec {
  let s = specs.get(cfg);
  if (!s) specs.set(cfg, (s = buildArchSpec(specConfigOfModel(cfg))));
  return s;
}

const FIELDS = new Map<string, FfnField>([['gate:w', 'gate'], ['up:w', 'up'], ['down:w', 'down'], ['gate:b', 'gateBias'], ['up:b', 'upBias'], ['down:b', 'downBias']]);

/** The names of one FFN's tensors (dense, an expert or the shared expert) by field, from the spec. */
export function ffnTensorNames(spec: ArchSpec, layer: number, expert?: number | 'shared'): Partial<Record<FfnField, string>> {
  const out: Partial<Record<FfnField, string>> = {};
  for (const t of spec.tensors) {
    if (t.layer !== layer || t.expert !== expert) continue;
    const f = FIELDS.get(`${t.role}:${t.isBias ? 'b' : 'w'}`);
    if (f) out[f] = t.name;
  }
  return out;
}

/** Read one FFN's tensors (all those the spec lists for it) from a provider. */
export async function loadFfn(p: WeightProvider, spec: ArchSpec, layer: number, expert?: number | 'shared'): Promise<HostFfn> {
  const names = ffnTensorNames(spec, layer, expert);
  const out: Partial<HostFfn> = {};
  for (const [f, name] of Object.entries(names) as [FfnField, string][]) out[f] = await p.getTensor(name);
  if (!out.gate || !out.up || !out.down) throw new InvalidArgumentError(`The architecture spec lists no gate/up/down tensors for the FFN of layer ${layer}${expert === undefined ? '' : ` (expert ${expert})`}.`);
  return out as HostFfn;
}

/** Permute one FFN of layer `layer` (or an expert of it) along the spec's FFN-hidden axes. */
export function permuteFfn(spec: ArchSpec, layer: number, f: HostFfn, sigma: Int32Array, expert?: number | 'shared'): HostFfn {
  const t = permuteFfnFields(f, ffnAxes(spec, layer, expert), sigma);
  const back = (x: { data: Float32Array; shape: readonly number[] } | undefined): HostTensor | undefined => x && { data: x.data, shape: [...x.shape] };
  return {
    gate: back(t.gate)!, up: back(t.up)!, down: back(t.down)!,
    ...(t.gateBias ? { gateBias: back(t.gateBias) } : {}), ...(t.upBias ? { upBias: back(t.upBias) } : {}), ...(t.downBias ? { downBias: back(t.downBias) } : {}),
  };
}
