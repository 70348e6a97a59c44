// Embedding backward: dTable[id, :] += sum of dy[r, :] over the rows r whose token is id.
// The host groups the rows by token (CSR: distinct ids uniq [u], offsets [u + 1], rows [n]),
// so one invocation per (distinct id, column) owns its output word: no write races, and the sum
// is deterministic. Reference: embeddingBackward in src/core/grad/linear.ts.
struct Params { u: u32, cols: u32, _a: u32, _b: u32 }

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> uniq: array<u32>;
@group(0) @binding(2) var<storage, read> offsets: array<u32>;
@group(0) @binding(3) var<storage, read> rows: array<u32>;
@group(0) @binding(4) var<storage, read_write> table: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.u * p.cols) { return; }
  let u = idx / p.cols;
  let c = idx % p.cols;
  var s = 0.0;
  for (var i = offsets[u]; i < offsets[u + 1u]; i++) { s += dy[rows[i] * p.cols + c]; }
  let a = uniq[u] * p.cols + c;
  table[a] = table[a] + s;
}
