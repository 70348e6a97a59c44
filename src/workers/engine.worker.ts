/// <reference lib="webworker" />
/** The engine worker entry: serves the engine's RPC on the worker's global scope. */
import { serveRpc } from './rpc';
import { createEngine } from './engine';
import type { EngineApi } from './protocol';
import { httpDemoAssets } from './session/assets';

const demoBase = new URL(`${import.meta.env.BASE_URL}demo`, self.location.origin).href;
serveRpc<EngineApi>(self, createEngine({ demo: httpDemoAssets(demoBase) }));
