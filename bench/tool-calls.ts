/**
 * bench/tool-calls.ts — a `tool_calls` list of compact calls read by the JS reader vs the
 * WebAssembly kernel (src/input/wasm/tool-calls.ts), in the seed member reader.
 *
 *   npm run build && npx tsx bench/tool-calls.ts [--calls 30] [--lists 200000] [--rounds 5]
 *
 * One list of `--calls` compact calls (10 tool names, latencies 10-12,000 ms, as the dense
 * archive writes them) is copied into the string kernel's memory and read `--lists` times by
 * each reader, in turn, round after round; the figure is the CPU time (user + sys) of each,
 * median over the rounds, and its ratio to js. Checked first: both read the same calls.
 * 2026-12-01, Node 20.20.2, the shared 2-vCPU VM at load average ~7 (ratios only): 30 calls,
 * wasm 0.57x and 0.63x of js in two runs (js ~100 ns a call there, wasm ~60 with the list's
 * JS around it).
 */
import { parseArgs } from 'node:util';
import { exitWithHelpIfAsked } from './_help.js';
import { K_TOOL_CALLS, MemberReader, NOT_READ, type ReadToolCalls } from '../src/input/_read-members.js';
import { stringKernel } from '../src/input/wasm/string-scan.js';
import { toolCallKernel } from '../src/input/wasm/tool-calls.js';

exitWithHelpIfAsked(import.meta.url);

const { values: args } = parseArgs({
  options: { calls: { type: 'string', default: '30' }, lists: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '5' } },
});
const CALLS = Number(args.calls);
const LISTS = Number(args.lists);
const ROUNDS = Number(args.rounds);

const TOOLS = ['Write', 'Task', 'WebFetch', 'Glob', 'Read', 'LS', 'TodoWrite', 'Bash', 'Grep', 'Edit'];
let seed = 1;
const rnd = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const list = `[${Array.from({ length: CALLS }, () => `{"tool":"${TOOLS[rnd(10)]}","latency_ms":${10 + rnd(12000)}}`).join(',')}],`;
const strings = stringKernel('wasm')!;
const view = strings.load(Buffer.from(list, 'latin1'));
const n = view.length;

const variants = { js: new MemberReader(undefined), wasm: new MemberReader(toolCallKernel(strings)) };
let check: number | undefined;
for (const [name, reader] of Object.entries(variants)) {
  if (reader.read(K_TOOL_CALLS, view, 0, n, false) === NOT_READ) throw new Error(`${name}: not read`);
  const v = reader.value as ReadToolCalls;
  const sum = Array.from({ length: CALLS }, (_, k) => {
    const c = v.calls as { ids: Int32Array; latencies: Float64Array; start: number };
    return c.ids[c.start + k]! * 100000 + c.latencies[c.start + k]!;
  }).reduce((a, b) => a + b, 0);
  if (check !== undefined && sum !== check) throw new Error(`${name}: different calls`);
  check = sum;
}

const times: Record<string, number[]> = { js: [], wasm: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, reader] of Object.entries(variants)) {
    const t0 = process.cpuUsage();
    for (let k = 0; k < LISTS; k++) reader.read(K_TOOL_CALLS, view, 0, n, false);
    const t = process.cpuUsage(t0);
    times[name]!.push((t.user + t.system) / 1e3);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
for (const [name, ts] of Object.entries(times)) {
  const m = median(ts);
  console.log(
    `${name.padEnd(5)} ${m.toFixed(1).padStart(8)} ms  ${((m * 1e6) / (LISTS * CALLS)).toFixed(1)} ns/call  ${(median(ts) / median(times['js']!)).toFixed(2)}x`,
  );
}
