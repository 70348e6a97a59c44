/**
 * Test helpers (Node only): load the golden fixtures of src/model/fixtures/<name>/ (config.json,
 * model.safetensors and goldens.json written by scripts/goldens/make_engine_goldens.py).
 */
import { readFileSync } from 'node:fs';
import { parseModelConfig, type ModelConfig } from '../config';
import { SafetensorsWeights } from '../weights';

export const FIXTURES = ['qwen2', 'llama', 'mistral', 'qwen2_moe', 'qwen2_moe_norm', 'mixtral'] as const;
export type FixtureName = (typeof FIXTURES)[number];

export interface GoldenSequence {
  tokens: number[];
  /** [T][V] logits from transformers. */
  logits: number[][];
  /** MoE only: [layer][token][k] expert ids chosen by transformers. */
  experts?: number[][][];
}

export interface Fixture {
  name: FixtureName;
  config: ModelConfig;
  rawConfig: Record<string, unknown>;
  weights: SafetensorsWeights;
  sequences: GoldenSequence[];
}

const dir = (name: string): URL => new URL(`../fixtures/${name}/`, import.meta.url);

export function loadFixture(name: FixtureName): Fixture {
  const rawConfig = JSON.parse(readFileSync(new URL('config.json', dir(name)), 'utf8')) as Record<string, unknown>;
  const config = parseModelConfig(rawConfig);
  const bytes = new Uint8Array(readFileSync(new URL('model.safetensors', dir(name))));
  const golden = JSON.parse(readFileSync(new URL('goldens.json', dir(name)), 'utf8')) as { sequences: GoldenSequence[] };
  return { name, config, rawConfig, weights: new SafetensorsWeights(config, [bytes]), sequences: golden.sequences };
}
