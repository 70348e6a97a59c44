/**
 * The Hub access token: held in memory only, unless the user chooses "remember", in which case it
 * is also kept in the given storage (localStorage in the browser). Its JSON form (state snapshots,
 * recipes, logs) says only whether a token is set, never the token.
 */
import { InvalidTokenError } from './errors';

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const TOKEN_STORAGE_KEY = 'symphony-studio.hf-token';

export class TokenStore {
  #token: string | undefined;
  #remembered = false;

  constructor(private readonly storage: KeyValueStorage | null = null) {
    const saved = storage?.getItem(TOKEN_STORAGE_KEY);
    if (saved) {
      this.#token = saved;
      this.#remembered = true;
    }
  }

  get token(): string | undefined {
    return this.#token;
  }

  get remembered(): boolean {
    return this.#remembered;
  }

  /** Set the token; with `remember` it also goes to storage, otherwise storage is cleared. */
  set(token: string, remember = false): void {
    const t = token.trim();
    if (!/^hf_[A-Za-z0-9]+$/.test(t)) {
      throw new InvalidTokenError('That is not a Hugging Face access token (hf_ followed by letters and digits). Copy it again from your Hugging Face settings (Access Tokens).');
    }
    this.#token = t;
    this.#remembered = remember && this.storage !== null;
    if (this.#remembered) this.storage!.setItem(TOKEN_STORAGE_KEY, t);
    else this.storage?.removeItem(TOKEN_STORAGE_KEY);
  }

  clear(): void {
    this.#token = undefined;
    this.#remembered = false;
    this.storage?.removeItem(TOKEN_STORAGE_KEY);
  }

  toJSON(): { hasToken: boolean; remembered: boolean } {
    return { hasToken: this.#token !== undefined, remembered: this.#remembered };
  }

  /** Never print the token (util.inspect / console.log in Node). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `TokenStore(${this.#token ? 'set' : 'empty'}${this.#remembered ? ', remembered' : ''})`;
  }
}
