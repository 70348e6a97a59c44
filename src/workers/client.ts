/** Main-thread handle on the engine worker. */
import { RpcClient } from './rpc';
import type { EngineApi } from './protocol';

export type EngineClient = RpcClient<EngineApi>;

export function startEngineWorker(): EngineClient {
  const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'symphony-engine' });
  return new RpcClient<EngineApi>(worker);
}
