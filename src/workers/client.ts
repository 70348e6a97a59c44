/** Main-thread handle on the engine worker. */
// The typed errors the engine's sources and datasets throw are registered on this side too, so
// that they are rebuilt in their class (and keep their code) after crossing the worker boundary.
import '../io/errors';
import '../core/calibration/documents';
import { RpcClient } from './rpc';
import type { EngineApi } from './protocol';

export type EngineClient = RpcClient<EngineApi>;

export function startEngineWorker(): EngineClient {
  const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'symphony-engine' });
  return new RpcClient<EngineApi>(worker);
}
