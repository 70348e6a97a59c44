/**
 * Typed errors of checkpoint sources. Messages say what to do and never contain an access token
 * (they are built from repo ids, file names and status codes only; `redactSecrets` is applied to
 * anything that comes from a library).
 */
import { StudioError, registerError } from '../core/errors';

export class RepoNotFoundError extends StudioError {
  override readonly code = 'REPO_NOT_FOUND';
}
registerError('REPO_NOT_FOUND', RepoNotFoundError);
export class RevisionNotFoundError extends StudioError {
  override readonly code = 'REVISION_NOT_FOUND';
}
registerError('REVISION_NOT_FOUND', RevisionNotFoundError);
/** Gated or private repository and no token: the message asks for one. */
export class AuthRequiredError extends StudioError {
  override readonly code = 'AUTH_REQUIRED';
}
registerError('AUTH_REQUIRED', AuthRequiredError);
/** A token was sent but has no access (403) or was rejected (401). */
export class AccessDeniedError extends StudioError {
  override readonly code = 'ACCESS_DENIED';
}
registerError('ACCESS_DENIED', AccessDeniedError);
export class InvalidTokenError extends StudioError {
  override readonly code = 'INVALID_TOKEN';
}
registerError('INVALID_TOKEN', InvalidTokenError);
/** The repository has weights, but not as safetensors (.bin, GGUF...). */
export class UnsupportedWeightsError extends StudioError {
  override readonly code = 'UNSUPPORTED_WEIGHTS';
}
registerError('UNSUPPORTED_WEIGHTS', UnsupportedWeightsError);
export class MissingFileError extends StudioError {
  override readonly code = 'MISSING_FILE';
}
registerError('MISSING_FILE', MissingFileError);
/** The network failed (after retries) or the server kept answering 5xx. */
export class NetworkError extends StudioError {
  override readonly code = 'NETWORK';
}
registerError('NETWORK', NetworkError);
export class InvalidModelRefError extends StudioError {
  override readonly code = 'INVALID_MODEL_REF';
}
registerError('INVALID_MODEL_REF', InvalidModelRefError);

/** An HTTP status from a file request, before it is mapped to one of the errors above. */
export class HttpStatusError extends StudioError {
  override readonly code = 'HTTP_STATUS';
  constructor(
    readonly status: number,
    readonly hubErrorCode: string | null,
    message: string,
  ) {
    super(message, { status, hubErrorCode });
  }
}
// Rebuilt across a worker boundary as a plain StudioError with its details (status, code).

const TOKEN_RE = /hf_[A-Za-z0-9]{6,}/g;

/** Remove access tokens (any hf_... string and the given secrets) from a text. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(TOKEN_RE, 'hf_***');
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

/**
 * Map a Hub HTTP failure to a typed error with the fix. `code` is the Hub's X-Error-Code
 * (GatedRepo, RepoNotFound, RevisionNotFound, EntryNotFound) when known.
 */
export function hubError(status: number, code: string | null, repo: string, hasToken: boolean, what = '', noun: 'model' | 'dataset' = 'model'): StudioError {
  const d = { repo, status, hubErrorCode: code };
  const id = noun === 'model' ? 'model ID' : 'dataset ID';
  if (code === 'GatedRepo' || (status === 401 && /restricted|gated/i.test(what))) {
    return hasToken
      ? new AccessDeniedError(`${repo} is gated and your access token has no access to it. Open the ${noun} page, accept its conditions, wait for approval, then load it again.`, d)
      : new AuthRequiredError(`${repo} is gated: accept its conditions on the ${noun} page, then paste a Hugging Face access token (read access) and load it again.`, d);
  }
  if (status === 401) {
    return hasToken
      ? new InvalidTokenError(`The Hub rejected your access token for ${repo}. Check that the token is valid and has read access, or create a new one in your Hugging Face settings.`, d)
      : new AuthRequiredError(`${repo} was not found or is private. Check the ${id}; if the repository is private, paste an access token with read access and load it again.`, d);
  }
  if (status === 403) return new AccessDeniedError(`Your access token has no access to ${repo}. Use a token with read access to this repository, or ask its owner for access.`, d);
  if (status === 404 && code === 'RevisionNotFound') return new RevisionNotFoundError(`${repo} has no revision named in the request${what ? ` (${what})` : ''}. Check the branch, tag or commit SHA.`, d);
  if (status === 404 && code === 'EntryNotFound') return new MissingFileError(`${repo}: a file listed by the Hub could not be downloaded${what ? ` (${what})` : ''}. The repository changed while loading; load it again.`, d);
  if (status === 404) return new RepoNotFoundError(`${repo} does not exist on the Hub${hasToken ? ' or your token cannot see it' : ''}. Check the ${id} (org/name); a private repository also needs an access token.`, d);
  if (status === 429) return new NetworkError(`The Hub is rate-limiting requests for ${repo}. Wait a minute and load it again.`, d);
  return new NetworkError(`The Hub answered HTTP ${status} for ${repo}${what ? ` (${what})` : ''}. Try again later; a local mirror works too.`, d);
}
