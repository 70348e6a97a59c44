/**
 * TrainerState <-> JSON text, for files and storage that only take strings (IndexedDB and
 * worker messages take the structured-clone object as is). Float64Arrays are written as base64
 * of their little-endian bytes, so the round trip is bit-exact (a resumed run then equals an
 * uninterrupted one exactly).
 */
import { InvalidArgumentError } from '../../core/errors';
import type { TrainerState } from './trainer';

function toBase64(a: Float64Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(s: string): Float64Array {
  const bin = atob(s);
  if (bin.length % 8 !== 0) throw new InvalidArgumentError('trainer state: a tensor is not a whole number of f64 values');
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float64Array(bytes.buffer);
}

const mapValues = <A, B>(o: Record<string, A>, f: (a: A) => B): Record<string, B> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

export function encodeTrainerState(s: TrainerState): string {
  return JSON.stringify({ ...s, params: mapValues(s.params, toBase64), m: mapValues(s.m, toBase64), v: mapValues(s.v, toBase64) });
}

export function decodeTrainerState(text: string): TrainerState {
  const raw = JSON.parse(text) as Omit<TrainerState, 'params' | 'm' | 'v'> & Record<'params' | 'm' | 'v', Record<string, string>>;
  if (raw.version !== 1) throw new InvalidArgumentError('this file is not a version 1 trainer state; it cannot be resumed');
  return { ...raw, params: mapValues(raw.params, fromBase64), m: mapValues(raw.m, fromBase64), v: mapValues(raw.v, fromBase64) };
}
