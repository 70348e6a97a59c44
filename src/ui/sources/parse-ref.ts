/**
 * Turning what the user types, pastes or drops into source references (DOM-free, unit-tested):
 * Hub model IDs ("Qwen/Qwen2.5-0.5B"), huggingface.co / hf.co URLs (with /tree/<rev> or
 * /blob/<rev>/file), demo IDs ("demo/prose"), several per paste (whitespace or newlines).
 */
import type { SourceEntry } from '../../state/sources-slice';

const HUB_HOSTS = new Set(['huggingface.co', 'www.huggingface.co', 'hf.co']);
const REPO_PART = /^[A-Za-z0-9][\w.-]*$/;

export type ParsedRef = { ok: true; entry: SourceEntry } | { ok: false; input: string; reason: string };

export function parseRef(raw: string): ParsedRef {
  const input = raw.trim();
  if (!input) return { ok: false, input, reason: 'empty' };
  if (/^demo\/[\w.-]+$/.test(input)) return { ok: true, entry: { kind: 'demo', id: input, domain: null } };
  let path = input;
  let revision: string | undefined;
  if (/^https?:\/\//i.test(input) || /^(www\.)?(huggingface\.co|hf\.co)\//i.test(input)) {
    let url: URL;
    try {
      url = new URL(/^https?:\/\//i.test(input) ? input : `https://${input}`);
    } catch {
      return { ok: false, input, reason: 'not a URL' };
    }
    if (!HUB_HOSTS.has(url.hostname.toLowerCase())) return { ok: false, input, reason: `${url.hostname} is not the Hugging Face Hub` };
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'datasets' || parts[0] === 'spaces') return { ok: false, input, reason: `a ${parts[0].slice(0, -1)}, not a model` };
    if (parts[0] === 'models') parts.shift();
    if ((parts[2] === 'tree' || parts[2] === 'blob' || parts[2] === 'resolve') && parts[3]) revision = parts[3];
    path = parts.slice(0, 2).join('/');
  }
  const segs = path.split('/');
  if (segs.length !== 2 || !segs.every((s) => REPO_PART.test(s))) {
    return { ok: false, input, reason: 'expected a model ID like "owner/name" or a huggingface.co link' };
  }
  return { ok: true, entry: { kind: 'hub', id: path, revision: revision && revision !== 'main' ? revision : undefined, domain: null } };
}

/** Split a paste or a drop (text/uri-list or text/plain) into candidate references. */
export function splitRefs(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(/[\s,]+/))
    .filter(Boolean);
}

/** The folder name of files picked with a directory picker (webkitRelativePath "dir/file"). */
export function folderName(paths: string[]): string | null {
  const first = paths.find((p) => p.includes('/'));
  return first ? first.split('/')[0] : null;
}
