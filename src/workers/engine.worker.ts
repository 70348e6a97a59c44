/// <reference lib="webworker" />
/** The engine worker entry: serves the engine's RPC on the worker's global scope. */
import { serveRpc } from './rpc';
import { createEngine } from './engine';
import type { EngineApi } from './protocol';

serveRpc<EngineApi>(self, createEngine());
