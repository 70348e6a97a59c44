/**
 * ONNX export of a dense or MoE decoder (qwen2, llama, mistral, qwen2_moe, mixtral) from any
 * WeightProvider, with standard default-domain ops only (opset 17), so onnxruntime-web's wasm and
 * webgpu providers (and transformers.js) run it. Input input_ids int64 [1, T]; output logits
 * f32 [1, T, V]. The computation mirrors src/model/layer.ts step for step:
 *   RMSNorm       x / Sqrt(ReduceMean(x * x) + eps) * w
 *   Linear        Gemm(x, W, b; transB = 1): weights stay in HF's [out, in] layout, tied
 *                 embeddings are one initializer shared by Gather and the LM head
 *   RoPE          cos/sin tables [maxPositions, headDim] as initializers (angles as our engine
 *                 computes them), sliced to T; x * cos + concat(-x2, x1) * sin
 *   attention     per head [heads, T, hd]; GQA by Expand of kv heads; scores * 1/sqrt(hd) + a
 *                 causal (and sliding-window) mask built from Range / Sub / Less / Where; Softmax
 *   MoE           p = Softmax(router logits); the k-th largest (TopK) thresholds p to the top-k
 *                 weights w [T, E] (renormalised when norm_topk_prob); all experts run densely as
 *                 one fused FFN: gate/up [E*I, H] stacked, act * w per expert, one down Gemm. This
 *                 is exactly sum_k p_k expert_k(x) (by linearity), at E/k times the routed FLOPs.
 *   shared expert Sigmoid(x . g) * FFN_shared(x) (Qwen2-MoE)
 */
import { InvalidArgumentError, throwIfAborted } from '../errors';
import { ropeTable } from '../ref/rope';
import type { ModelConfig } from '../../model/config';
import type { WeightProvider } from '../../model/weights';
import { hfFfnNames, hfRouterName, sharedGateName } from '../export/hf-tensors';
import { ExternalData } from './external-data';
import { GraphBuilder } from './graph-builder';
import { DataType } from './proto';

export interface OnnxExportOptions {
  /** Longest sequence the RoPE tables cover (default 2048). */
  maxPositions?: number;
  signal?: AbortSignal;
  /** Called per layer with (layer, numLayers). */
  onLayer?: (layer: number, numLayers: number) => void;
  /**
   * Write weights of at least `minBytes` (default 1 KiB) to an external data file named
   * `location` (relative to the .onnx) through `write`, called in file order after each layer;
   * the returned model then holds only the graph and small tensors. Needed above 2 GiB.
   */
  external?: { location: string; write: (chunk: Uint8Array) => Promise<void>; minBytes?: number };
}

/** cos and sin tables [maxPositions, headDim], both halves equal (HF rotate_half convention). */
export function ropeTables(cfg: ModelConfig, maxPositions: number): { cos: Float32Array; sin: Float32Array } {
  const table = ropeTable(cfg.headDim, cfg.ropeTheta, cfg.ropeScaling);
  const hd = cfg.headDim;
  const half = hd / 2;
  const cos = new Float32Array(maxPositions * hd);
  const sin = new Float32Array(maxPositions * hd);
  for (let p = 0; p < maxPositions; p++) {
    for (let i = 0; i < half; i++) {
      const a = Math.fround(table.invFreq[i] * p);
      const c = Math.cos(a) * table.attentionScaling;
      const s = Math.sin(a) * table.attentionScaling;
      cos[p * hd + i] = cos[p * hd + i + half] = c;
      sin[p * hd + i] = sin[p * hd + i + half] = s;
    }
  }
  return { cos, sin };
}

interface Ctx {
  g: GraphBuilder;
  cfg: ModelConfig;
  wp: WeightProvider;
  cos: string;
  sin: string;
  mask: string;
}

async function w(c: Ctx, name: string): Promise<string> {
  const t = await c.wp.getTensor(name);
  return c.g.weight(name, t.shape, t.data);
}

function rmsnorm(c: Ctx, x: string, weight: string): string {
  const { g } = c;
  const ms = g.op1('ReduceMean', [g.mul(x, x)], { axes: [-1], keepdims: 1 });
  const rms = g.op1('Sqrt', [g.add(ms, g.float(c.cfg.rmsNormEps))]);
  return g.mul(g.op1('Div', [x, rms]), weight);
}

/** [T, n*hd] -> [n, T, hd] */
function heads(c: Ctx, x: string, n: number): string {
  return c.g.transpose(c.g.reshape(x, [-1, n, c.cfg.headDim]), [1, 0, 2]);
}

function rope(c: Ctx, x: string): string {
  const { g } = c;
  const hd = c.cfg.headDim;
  const half = hd / 2;
  const x1 = g.slice(x, 2, 0, half);
  const x2 = g.slice(x, 2, half, hd);
  const rot = g.concat([g.op1('Neg', [x2]), x1], 2);
  return g.add(g.mul(x, c.cos), g.mul(rot, c.sin));
}

async function attention(c: Ctx, l: number, h: string): Promise<string> {
  const { g, cfg } = c;
  const a = `model.layers.${l}.self_attn.`;
  const bias = async (p: string): Promise<string | null> => (cfg.attentionBias ? w(c, `${a}${p}_proj.bias`) : null);
  const q = rope(c, heads(c, g.linear(h, await w(c, `${a}q_proj.weight`), await bias('q')), cfg.numHeads));
  let k = rope(c, heads(c, g.linear(h, await w(c, `${a}k_proj.weight`), await bias('k')), cfg.numKvHeads));
  let v = heads(c, g.linear(h, await w(c, `${a}v_proj.weight`), await bias('v')), cfg.numKvHeads);
  const rep = cfg.numHeads / cfg.numKvHeads;
  if (rep > 1) {
    // kv head j serves query heads j*rep .. j*rep + rep - 1 (HF repeat_kv).
    const expand = (t: string): string => g.reshape(g.op1('Expand', [g.unsqueeze(t, [1]), g.ints([1, rep, 1, 1])]), [cfg.numHeads, -1, cfg.headDim]);
    k = expand(k);
    v = expand(v);
  }
  const scores = g.add(g.mul(g.matmul(q, g.transpose(k, [0, 2, 1])), g.float(1 / Math.sqrt(cfg.headDim))), c.mask);
  const probs = g.op1('Softmax', [scores], { axis: -1 });
  const out = g.reshape(g.transpose(g.matmul(probs, v), [1, 0, 2]), [-1, cfg.numHeads * cfg.headDim]);
  return g.linear(out, await w(c, `${a}o_proj.weight`));
}

async function ffn(c: Ctx, h: string, n: { gate: string; up: string; down: string }): Promise<string> {
  const { g } = c;
  const act = g.mul(g.silu(g.linear(h, await w(c, n.gate))), g.linear(h, await w(c, n.up)));
  return g.linear(act, await w(c, n.down));
}

async function moe(c: Ctx, l: number, h: string): Promise<string> {
  const { g, cfg, wp } = c;
  const m = cfg.moe!;
  const E = m.numExperts;
  const H = cfg.hiddenSize;
  const I = m.expertIntermediateSize;
  const p = g.op1('Softmax', [g.linear(h, await w(c, hfRouterName(cfg, l)))], { axis: -1 });
  const values = g.op('TopK', [p, g.ints([m.topK])], { axis: -1, largest: 1, sorted: 1 }, 2)[0];
  const kth = g.slice(values, 1, m.topK - 1, m.topK);
  let weights = g.mul(p, g.op1('Cast', [g.op1('GreaterOrEqual', [p, kth])], { to: DataType.FLOAT }));
  if (m.normTopkProb) weights = g.op1('Div', [weights, g.op1('ReduceSum', [weights, g.ints([-1])], { keepdims: 1 })]);
  // Experts fused: gate/up rows stacked [E*I, H]; down columns side by side [H, E*I].
  const gate = new Float32Array(E * I * H);
  const up = new Float32Array(E * I * H);
  const down = new Float32Array(H * E * I);
  for (let e = 0; e < E; e++) {
    const n = hfFfnNames(cfg, l, e);
    gate.set((await wp.getTensor(n.gate)).data, e * I * H);
    up.set((await wp.getTensor(n.up)).data, e * I * H);
    const d = (await wp.getTensor(n.down)).data;
    for (let r = 0; r < H; r++) down.set(d.subarray(r * I, (r + 1) * I), r * E * I + e * I);
  }
  const pre = `model.layers.${l}.experts_fused.`;
  const act = g.mul(g.silu(g.linear(h, g.weight(`${pre}gate`, [E * I, H], gate))), g.linear(h, g.weight(`${pre}up`, [E * I, H], up)));
  const scaled = g.reshape(g.mul(g.reshape(act, [-1, E, I]), g.unsqueeze(weights, [2])), [-1, E * I]);
  let y = g.linear(scaled, g.weight(`${pre}down`, [H, E * I], down));
  if (m.sharedExpertIntermediateSize > 0) {
    const s = await ffn(c, h, hfFfnNames(cfg, l, 'shared'));
    const sg = g.sigmoid(g.linear(h, await w(c, sharedGateName(l))));
    y = g.add(y, g.mul(sg, s));
  }
  return y;
}

/** Build the ONNX model (serialised ModelProto bytes) of `wp`. */
export async function exportOnnx(wp: WeightProvider, opts: OnnxExportOptions = {}): Promise<Uint8Array> {
  const cfg = wp.config;
  if (cfg.moe && cfg.moe.sparseLayers.some((s) => !s)) throw new InvalidArgumentError('mixed dense/MoE layers are not exported to ONNX yet.');
  const maxPositions = opts.maxPositions ?? 2048;
  const ext = opts.external ? new ExternalData(opts.external.location, opts.external.minBytes) : null;
  const flush = async (): Promise<void> => {
    if (ext && opts.external) for (const chunk of ext.take()) await opts.external.write(chunk);
  };
  const g = new GraphBuilder('symphony_decoder', ext);
  const ids = g.reshape('input_ids', [-1]);
  const shape = g.op1('Shape', ['input_ids']);
  const tVec = g.slice(shape, 0, 1, 2);
  const tScalar = g.op1('Gather', [shape, g.int(1)], { axis: 0 });
  const tables = ropeTables(cfg, maxPositions);
  const cos = g.slice(g.weight('rope.cos', [maxPositions, cfg.headDim], tables.cos), 0, 0, tVec);
  const sin = g.slice(g.weight('rope.sin', [maxPositions, cfg.headDim], tables.sin), 0, 0, tVec);
  // mask[i, j] = -1e30 where j > i (future) or i - j >= window, else 0.
  const pos = g.op1('Range', [g.int(0), tScalar, g.int(1)]);
  const diff = g.op1('Sub', [g.unsqueeze(pos, [1]), g.unsqueeze(pos, [0])]);
  let blocked = g.op1('Less', [diff, g.int(0)]);
  if (cfg.slidingWindow) blocked = g.op1('Or', [blocked, g.op1('Greater', [diff, g.int(cfg.slidingWindow - 1)])]);
  const mask = g.op1('Where', [blocked, g.float(-1e30), g.float(0)]);
  const c: Ctx = { g, cfg, wp, cos, sin, mask };
  const embed = await w(c, 'model.embed_tokens.weight');
  let x = g.op1('Gather', [embed, ids], { axis: 0 });
  for (let l = 0; l < cfg.numLayers; l++) {
    throwIfAborted(opts.signal);
    const h = rmsnorm(c, x, await w(c, `model.layers.${l}.input_layernorm.weight`));
    const mid = g.add(x, await attention(c, l, h));
    const h2 = rmsnorm(c, mid, await w(c, `model.layers.${l}.post_attention_layernorm.weight`));
    const f = cfg.moe?.sparseLayers[l] ? await moe(c, l, h2) : await ffn(c, h2, hfFfnNames(cfg, l, 'dense'));
    x = g.add(mid, f);
    await flush();
    opts.onLayer?.(l, cfg.numLayers);
  }
  const y = rmsnorm(c, x, await w(c, 'model.norm.weight'));
  const head = cfg.tieWordEmbeddings ? embed : await w(c, 'lm_head.weight');
  g.opNamed('Unsqueeze', [g.linear(y, head), g.ints([0])], ['logits']);
  await flush();
  return g.toModel(
    [{ name: 'input_ids', elemType: DataType.INT64, shape: [1, 'sequence_length'] }],
    [{ name: 'logits', elemType: DataType.FLOAT, shape: [1, 'sequence_length', cfg.vocabSize] }],
    { model_type: cfg.modelType, max_positions: String(maxPositions) },
  );
}
