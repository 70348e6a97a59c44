/// <reference lib="webworker" />
/** The engine worker entry: serves the engine's RPC on the worker's global scope. */
import { serveRpc } from './rpc';
import { createEngine } from './engine';
import type { EngineApi } from './protocol';
import { httpDemoAssets } from './session/assets';
import { CacheApiChunkCache } from '../io/cache-browser';

const demoBase = new URL(`${import.meta.env.BASE_URL}demo`, self.location.origin).href;
// Downloaded byte ranges persist in the Cache API, so a reload downloads nothing again.
const cache = 'caches' in self ? new CacheApiChunkCache(self.caches) : undefined;
serveRpc<EngineApi>(self, createEngine({ demo: httpDemoAssets(demoBase), cache }));
