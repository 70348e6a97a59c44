/**
 * What the CLI prints. Results go to stdout; progress, notes and errors to stderr. Three modes:
 *   tty    a redrawn progress bar per stage on stderr (when stderr is a terminal)
 *   plain  one line per stage on stderr (pipes, CI logs)
 *   json   (--json) JSON lines on stdout only: {"event":"progress"|"log"|"warning"|"result"|"error", ...};
 *          the last line is the result or the error, so `tail -n 1 | jq` gets the answer.
 * The backend line ("backend: cpu ...") always goes to stderr as plain text.
 */
import { StudioError } from '../core/errors';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress bars). */
  isTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Stops long-running commands (serve-hub) and cancels the pipeline. */
  signal?: AbortSignal;
}

export type OutputMode = 'tty' | 'plain' | 'json';

const BAR = 24;
const fmtBytes = (n: number): string => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`);
export { fmtBytes };

export class Reporter {
  private barStage: string | null = null;
  private lastDraw = 0;
  private lastJson = new Map<string, number>();
  private announced = new Set<string>();
  private lastPlain = 0;

  constructor(
    readonly io: CliIo,
    readonly mode: OutputMode,
    readonly quiet = false,
  ) {}

  private json(obj: Record<string, unknown>): void {
    this.io.stdout(`${JSON.stringify(obj)}\n`);
  }

  private clearBar(): void {
    if (this.barStage !== null) {
      this.io.stderr('\r\x1b[2K');
      this.barStage = null;
    }
  }

  progress(stage: string, done: number, total: number, message?: string): void {
    if (this.quiet) return;
    const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
    const now = Date.now();
    if (this.mode === 'json') {
      // At most one event per stage and percent step (a 0.5B merge reports thousands of tensors).
      const pct = Math.floor(frac * 100);
      if (this.lastJson.get(stage) === pct && done < total) return;
      this.lastJson.set(stage, pct);
      this.json({ event: 'progress', stage, done, total, ...(message ? { message } : {}) });
      return;
    }
    if (this.mode === 'plain') {
      // Logs: the stage's start, then a line at most every 30 s for long stages.
      if (!this.announced.has(stage)) {
        this.announced.add(stage);
        this.lastPlain = now;
        this.io.stderr(`${stage}...\n`);
      } else if (now - this.lastPlain >= 30_000) {
        this.lastPlain = now;
        this.io.stderr(`${stage}: ${done}/${total}${message ? ` (${message})` : ''}\n`);
      }
      return;
    }
    if (stage === this.barStage && now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    this.barStage = stage;
    const filled = Math.round(frac * BAR);
    const text = `${stage.padEnd(10)} [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${String(Math.round(frac * 100)).padStart(3)}% ${message ?? ''}`;
    this.io.stderr(`\r\x1b[2K${text.slice(0, 110)}`);
  }

  /** A note on stderr (json: a log event). */
  info(message: string): void {
    if (this.quiet) return;
    if (this.mode === 'json') return this.json({ event: 'log', message });
    this.clearBar();
    this.io.stderr(`${message}\n`);
  }

  warn(message: string): void {
    if (this.mode === 'json') return this.json({ event: 'warning', message });
    this.clearBar();
    this.io.stderr(`warning: ${message}\n`);
  }

  /** The command's answer: `text` for people, `data` for --json (and as the text when none is given). */
  result(command: string, data: unknown, text?: string): void {
    this.clearBar();
    if (this.mode === 'json') return this.json({ event: 'result', command, data });
    this.io.stdout(text ?? `${JSON.stringify(data, null, 2)}\n`);
  }

  error(err: unknown, exitCode: number, usage?: string): void {
    this.clearBar();
    const studio = err instanceof StudioError;
    const message = err instanceof Error ? err.message : String(err);
    if (this.mode === 'json') {
      this.json({ event: 'error', exitCode, code: studio ? err.code : 'INTERNAL', message });
    }
    this.io.stderr(`error: ${message}\n`);
    if (usage) this.io.stderr(`\n${usage}`);
    if (!studio && exitCode !== 2 && err instanceof Error && err.stack && this.io.env.SYMPHONY_DEBUG) this.io.stderr(`${err.stack}\n`);
  }

  finish(): void {
    this.clearBar();
  }
}
