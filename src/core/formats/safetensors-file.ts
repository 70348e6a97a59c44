/**
 * Lazy safetensors access through a RangeReader: the header is read (8 bytes, then N bytes) and
 * validated once; each tensor is then read on demand by its byte range and decoded to f32.
 * Shapes are the header's; data is row-major little-endian as the format specifies.
 */
import { throwIfAborted } from '../errors';
import type { RangeReader } from './range-reader';
import { decodeToF32, parseHeader, readHeaderLength, SafetensorsFormatError, type SafetensorsHeader, type TensorInfo } from './safetensors';

export class SafetensorsFile {
  private constructor(
    readonly file: string,
    readonly reader: RangeReader,
    readonly header: SafetensorsHeader,
  ) {}

  /** Read and validate the header of `file` through `reader`. */
  static async open(reader: RangeReader, file: string, signal?: AbortSignal): Promise<SafetensorsFile> {
    if (reader.size < 8) {
      throw new SafetensorsFormatError(
        `${file}: the file has ${reader.size} bytes, fewer than the 8-byte header length. The file is not a valid safetensors checkpoint; re-download it or export it again.`,
        { file },
      );
    }
    const n = readHeaderLength(await reader.read(0, 8, signal), file);
    if (8 + n > reader.size) {
      throw new SafetensorsFormatError(
        `${file}: header length ${n} runs past the end of the ${reader.size}-byte file. The file is truncated or not safetensors; re-download it.`,
        { file },
      );
    }
    throwIfAborted(signal);
    const header = parseHeader(await reader.read(8, 8 + n, signal), reader.size, file);
    return new SafetensorsFile(file, reader, header);
  }

  get tensorNames(): string[] {
    return [...this.header.tensors.keys()];
  }

  info(name: string): TensorInfo {
    const t = this.header.tensors.get(name);
    if (!t) {
      throw new SafetensorsFormatError(`${this.file}: tensor ${name} is not in this file. Check the tensor name against the checkpoint's index.`, {
        file: this.file,
        tensor: name,
      });
    }
    return t;
  }

  /** Absolute byte range [begin, end) of a tensor within the file. */
  byteRange(name: string): [number, number] {
    const t = this.info(name);
    return [this.header.dataStart + t.begin, this.header.dataStart + t.end];
  }

  async readRaw(name: string, signal?: AbortSignal): Promise<Uint8Array> {
    const [b, e] = this.byteRange(name);
    return this.reader.read(b, e, signal);
  }

  async readTensor(name: string, signal?: AbortSignal): Promise<Float32Array> {
    const t = this.info(name);
    return decodeToF32(await this.readRaw(name, signal), t.dtype);
  }
}
