/**
 * `symphony inspect SOURCE...`: each source's architecture and sizes (read from config.json, the
 * tokenizer and the safetensors headers only) and, for two or more, the mergeability diff.
 * Exits 1 when the sources cannot be merged (the report is printed first).
 */
import type { Checkpoint } from '../../io/checkpoint';
import { tensorShapes } from '../../io/checkpoint';
import { checkMergeability } from '../../core/arch/mergeability';
import { UsageError } from '../args';
import type { Command } from '../command';
import { fmtBytes } from '../output';
import { NotMergeableError, openSourceArg } from '../sources';

function describe(c: Checkpoint) {
  const k = c.config;
  const dtypes = [...new Set([...c.tensors.values()].map((t) => t.dtype))];
  return {
    id: c.source.id, kind: c.source.kind, revision: c.source.revision, modelType: k.modelType,
    hiddenSize: k.hiddenSize, intermediateSize: k.intermediateSize, numLayers: k.numLayers, numHeads: k.numHeads, numKvHeads: k.numKvHeads,
    headDim: k.headDim, vocabSize: k.vocabSize, tokenizerVocab: c.tokenizer().vocab.size, tieWordEmbeddings: k.tieWordEmbeddings,
    ropeTheta: k.ropeTheta, moe: k.moe ? { experts: k.moe.numExperts, topK: k.moe.topK } : null,
    parameters: c.sizes.parameters, tensorBytes: c.sizes.tensorBytes, tensors: c.tensors.size, dtypes, sharded: c.sharded,
  };
}

export const inspect: Command = {
  name: 'inspect',
  summary: 'configs, sizes and the mergeability diff of sources',
  usage: `Usage: symphony inspect SOURCE... [options]
  SOURCE: a model folder, demo/<name>, or a Hub model ID (org/name[@revision]).
  Prints each source's architecture and sizes and, for two or more sources, the field-by-field
  mergeability diff (source 1 is the anchor). Exits 1 when the sources cannot be merged.
`,
  options: {},
  async run({ args, rep, sourceOptions }) {
    if (args.positionals.length === 0) throw new UsageError('inspect needs at least one SOURCE');
    const cps: Checkpoint[] = [];
    for (const s of args.positionals) cps.push(await openSourceArg(s, sourceOptions()));
    const sources = cps.map(describe);
    const report = cps.length > 1 ? checkMergeability(cps.map((c) => ({ label: c.source.id, config: c.config, tensors: tensorShapes(c) }))) : null;
    const lines: string[] = [];
    for (const s of sources) {
      lines.push(`${s.id} (${s.kind}, ${s.revision.slice(0, 16)})`);
      lines.push(`  ${s.modelType}${s.moe ? ` MoE ${s.moe.experts} experts top-${s.moe.topK}` : ''}: hidden ${s.hiddenSize}, ${s.numLayers} layers, FFN ${s.intermediateSize}, heads ${s.numHeads}/${s.numKvHeads} x ${s.headDim}, vocab ${s.vocabSize} (tokenizer ${s.tokenizerVocab})${s.tieWordEmbeddings ? ', tied' : ''}`);
      lines.push(`  ${(s.parameters / 1e6).toFixed(2)}M parameters, ${fmtBytes(s.tensorBytes)} in ${s.tensors} tensors (${s.dtypes.join(', ')})${s.sharded ? ', sharded' : ''}`);
    }
    if (report) {
      lines.push('', `mergeable: ${report.mergeable ? 'yes' : 'NO'} (${report.counts.error} error(s), ${report.counts.warning} warning(s), ${report.counts.info} note(s))`);
      for (const r of report.rows.filter((x) => x.severity !== 'ok')) lines.push(`  [${r.severity}] ${r.field}: ${r.values.join(' | ')}\n      ${r.message}`);
    }
    rep.result('inspect', { sources, mergeability: report }, `${lines.join('\n')}\n`);
    if (report && !report.mergeable) {
      throw new NotMergeableError(`The sources cannot be merged: ${report.rows.filter((r) => r.severity === 'error').map((r) => r.field).join(', ')} differ.`);
    }
    return 0;
  },
};
