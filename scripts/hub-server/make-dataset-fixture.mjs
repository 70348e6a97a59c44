// Writes scripts/hub-server/fixtures/calibration.parquet, the committed parquet fixture of the
// local Hub's dataset repos (fixtures.ts) and of the parquet reader's tests: 24 rows in 4 row
// groups of 6 (snappy), columns id (int32), text and topic (strings). Deterministic: rerun with
// `node scripts/hub-server/make-dataset-fixture.mjs` and the bytes are the same.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';

const SUBJECTS = ['the river', 'a small boat', 'the old town', 'the market', 'a quiet road', 'the harbour'];
const VERBS = ['runs past', 'waits near', 'turns toward', 'opens onto', 'rests beside', 'looks over'];
const OBJECTS = ['the green hills', 'the stone bridge', 'the early train', 'the long wall', 'the bright square', 'the north gate'];
const n = 24;
const id = Int32Array.from({ length: n }, (_, i) => i);
const text = Array.from({ length: n }, (_, i) =>
  `${SUBJECTS[i % 6]} ${VERBS[(i * 5) % 6]} ${OBJECTS[(i * 7) % 6]}, and ${SUBJECTS[(i + 3) % 6]} ${VERBS[(i + 1) % 6]} ${OBJECTS[(i + 2) % 6]} in the evening.`);
const topic = Array.from({ length: n }, (_, i) => (i % 2 ? 'travel' : 'places'));
const buf = parquetWriteBuffer({
  columnData: [
    { name: 'id', data: id, type: 'INT32' },
    { name: 'text', data: text, type: 'STRING' },
    { name: 'topic', data: topic, type: 'STRING' },
  ],
  rowGroupSize: 6,
});
const out = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'calibration.parquet');
writeFileSync(out, new Uint8Array(buf));
console.log(`${out.split('/').slice(-3).join('/')}: ${buf.byteLength} bytes`);
