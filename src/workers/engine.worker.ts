/// <reference lib="webworker" />
/** The engine worker entry: serves the engine's RPC on the worker's global scope. */
import { serveRpc } from './rpc';
import { createEngine } from './engine';
import type { EngineApi } from './protocol';
import { httpDemoAssets } from './session/assets';
import { browserOrt } from './ort-loader';
import { CacheApiChunkCache } from '../io/cache-browser';
import { IdbStageStore } from '../io/stage-store-idb';
import { MemoryStageStore } from '../io/stage-store';

const demoBase = new URL(`${import.meta.env.BASE_URL}demo`, self.location.origin).href;
// Downloaded byte ranges persist in the Cache API, so a reload downloads nothing again.
const cache = 'caches' in self ? new CacheApiChunkCache(self.caches) : undefined;
// Finished stages persist in IndexedDB, so a reload continues without recomputing them.
const stages = 'indexedDB' in self ? new IdbStageStore(self.indexedDB) : new MemoryStageStore();
serveRpc<EngineApi>(self, createEngine({ demo: httpDemoAssets(demoBase), cache, stages, ort: browserOrt }));
