/**
 * Per-device pipeline cache. A pipeline is keyed by shader, entry point and override constants,
 * compiled once (ahead of use with `prepare`) and reused. Compilation errors become
 * ShaderCompilationError with the compiler's messages and line numbers.
 */
import { ShaderCompilationError } from './errors';
import { shaderSource } from './shaders';

export interface PipelineKey {
  shader: string;
  entryPoint?: string;
  constants?: Record<string, number>;
}

export function pipelineKeyString(k: PipelineKey): string {
  const c = k.constants ? Object.entries(k.constants).sort(([a], [b]) => a.localeCompare(b)) : [];
  return `${k.shader}:${k.entryPoint ?? 'main'}:${c.map(([n, v]) => `${n}=${v}`).join(',')}`;
}

export class PipelineCache {
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();
  private readonly ready = new Map<string, GPUComputePipeline>();

  constructor(private readonly device: GPUDevice) {}

  private async module(shader: string): Promise<GPUShaderModule> {
    let m = this.modules.get(shader);
    if (!m) {
      const code = shaderSource(shader);
      m = this.device.createShaderModule({ label: `shader:${shader}`, code });
      const info = await m.getCompilationInfo();
      const errors = info.messages.filter((x) => x.type === 'error');
      if (errors.length > 0) {
        const text = errors.map((e) => `  line ${e.lineNum}:${e.linePos} ${e.message}`).join('\n');
        throw new ShaderCompilationError(
          `shaders/${shader}.wgsl failed to compile on this adapter:\n${text}\nThis is a bug in the studio; please report it with the adapter shown in the header.`,
          { shader },
        );
      }
      this.modules.set(shader, m);
    }
    return m;
  }

  /** Compile (or fetch) a pipeline. Concurrent callers share one compilation. */
  get(key: PipelineKey): Promise<GPUComputePipeline> {
    const ks = pipelineKeyString(key);
    let p = this.pipelines.get(ks);
    if (!p) {
      p = (async () => {
        const module = await this.module(key.shader);
        this.device.pushErrorScope('validation');
        const pipe = await this.device.createComputePipelineAsync({
          label: `pipeline:${ks}`,
          layout: 'auto',
          compute: { module, entryPoint: key.entryPoint ?? 'main', constants: key.constants ?? {} },
        }).catch((e: unknown) => {
          throw new ShaderCompilationError(`Pipeline ${ks} could not be created: ${String(e)}`, { shader: key.shader });
        });
        const err = await this.device.popErrorScope();
        if (err) throw new ShaderCompilationError(`Pipeline ${ks} is invalid: ${err.message}`, { shader: key.shader });
        this.ready.set(ks, pipe);
        return pipe;
      })();
      this.pipelines.set(ks, p);
      p.catch(() => this.pipelines.delete(ks));
    }
    return p;
  }

  /** A pipeline compiled earlier, or undefined (lets hot paths skip an await). */
  peek(key: PipelineKey): GPUComputePipeline | undefined {
    return this.ready.get(pipelineKeyString(key));
  }

  /** Compile all given pipelines ahead of use. */
  async prepare(keys: PipelineKey[]): Promise<void> {
    await Promise.all(keys.map((k) => this.get(k)));
  }

  get size(): number {
    return this.ready.size;
  }
}
