/**
 * The playground on onnxruntime-web instead of our engine: the model is exported to ONNX in the
 * worker (core/onnx), opened in an ORT session with the wasm or webgpu execution provider, and
 * generated from with merge/ort-generate.ts (same sampling and seeded RNG as our engine). One
 * session per model and provider is kept while the model's weights stay the same (training
 * replaces them, and the next call exports again).
 */
import type * as Ort from 'onnxruntime-web';
import { InvalidArgumentError } from '../../core/errors';
import { exportOnnx } from '../../core/onnx/transformer-graph';
import { ortGenerate } from '../../merge/ort-generate';
import type { WeightProvider } from '../../model/weights';
import type { ModelEntry, StudioSession } from './state';

export type OrtProvider = 'wasm' | 'webgpu';
/** The onnxruntime-web module for a provider (the worker loads its wasm files from the app). */
export type OrtLoader = (provider: OrtProvider) => Promise<typeof Ort>;

/** Longest sequence the exported graph covers (its RoPE tables). */
const ORT_POSITIONS = 1024;

interface Open {
  weights: WeightProvider;
  provider: OrtProvider;
  session: Promise<Ort.InferenceSession>;
}

const sessions = new WeakMap<StudioSession, Map<string, Open>>();

async function sessionFor(s: StudioSession, ort: typeof Ort, id: string, m: ModelEntry, provider: OrtProvider): Promise<Ort.InferenceSession> {
  let map = sessions.get(s);
  if (!map) sessions.set(s, (map = new Map<string, Open>()));
  const open = map.get(id);
  if (open && open.weights === m.weights && open.provider === provider) return open.session;
  map.delete(id);
  if (open) void open.session.then((x) => x.release(), () => undefined);
  const session = exportOnnx(m.weights, { maxPositions: ORT_POSITIONS })
    .then((bytes) => ort.InferenceSession.create(bytes, { executionProviders: [provider], logSeverityLevel: 3 }));
  map.set(id, { weights: m.weights, provider, session });
  session.catch(() => map.delete(id));
  return session;
}

export async function ortGenerateIds(
  s: StudioSession, id: string, provider: OrtProvider, prompt: Int32Array,
  o: { maxNewTokens: number; greedy: boolean; temperature: number; seed: number; onToken: (id: number) => void },
  signal?: AbortSignal,
): Promise<void> {
  const load = s.deps.ort;
  if (!load) throw new InvalidArgumentError('onnxruntime-web is not available in this engine; generate with "our engine".');
  if (prompt.length + o.maxNewTokens > ORT_POSITIONS) throw new InvalidArgumentError(`The ONNX playground covers ${ORT_POSITIONS} tokens; shorten the prompt or ask for fewer new tokens.`);
  const ort = await load(provider);
  const session = await sessionFor(s, ort, id, s.requireModel(id), provider);
  await ortGenerate(ort, session, [...prompt], {
    maxNewTokens: o.maxNewTokens, greedy: o.greedy, temperature: o.temperature, seed: o.seed, signal, onToken: (t) => o.onToken(t),
  });
}
