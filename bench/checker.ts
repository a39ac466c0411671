// Times the linearizability checker on every reference history (Knossos' and Porcupine's test
// data, with their known verdicts), then on long generated register histories, and prints
// tables. Run: npx tsx bench/checker.ts [--limit-ms N]
import { readFileSync } from 'node:fs';
import { checkHistoryText, checkLinearizability, REGISTER } from '../src/checker/linearizability';
import type { HistoryOp } from '../src/workload/history';
import { referenceHistories } from '../test/checker/linearizability/reference-histories';
import { simulateRegister } from '../test/checker/linearizability/simulate';

const limitArg = process.argv.indexOf('--limit-ms');
const timeLimitMs = limitArg > 0 ? Number(process.argv[limitArg + 1]) : 60_000;
const repeat = 3;

interface Row {
  file: string;
  events: number;
  expected: string;
  verdict: string;
  bestMs: number;
  steps: number;
}

const rows: Row[] = [];
for (const h of referenceHistories()) {
  const text = readFileSync(h.path, 'utf8');
  let bestMs = Infinity;
  let verdict = '';
  let steps = 0;
  let events = 0;
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    const r = checkHistoryText(text, { model: h.model, timeLimitMs });
    bestMs = Math.min(bestMs, performance.now() - started);
    verdict = r.verdict;
    steps = r.steps;
    events = r.events;
  }
  rows.push({ file: h.name, events, expected: h.expected, verdict, bestMs, steps });
}

const pad = (s: string, n: number): string => s.padEnd(n);
const num = (s: string, n: number): string => s.padStart(n);
console.log(
  `${pad('history', 46)}${num('events', 7)}  ${pad('expected', 17)}${pad('verdict', 17)}${num('ms', 9)}${num('steps', 11)}`,
);
for (const r of rows) {
  const mark = r.verdict === r.expected ? '' : r.verdict === 'unknown' ? '  (budget)' : '  WRONG';
  console.log(
    `${pad(r.file, 46)}${num(String(r.events), 7)}  ${pad(r.expected, 17)}${pad(r.verdict, 17)}${num(r.bestMs.toFixed(2), 9)}${num(String(r.steps), 11)}${mark}`,
  );
}
const total = (filter: (r: Row) => boolean): string =>
  rows
    .filter(filter)
    .reduce((s, r) => s + r.bestMs, 0)
    .toFixed(1);
console.log(
  `\ntotal ${total(() => true)} ms over ${rows.length} histories ` +
    `(knossos ${total((r) => r.file.startsWith('knossos'))} ms, ` +
    `porcupine etcd ${total((r) => r.file.includes('/etcd/'))} ms, ` +
    `porcupine kv ${total((r) => r.file.includes('/kv/'))} ms); best of ${repeat} runs each`,
);
const wrong = rows.filter((r) => r.verdict !== r.expected);
console.log(wrong.length === 0 ? 'every verdict agrees' : `${wrong.length} verdicts differ`);

// Long histories: simulated atomic registers (10 clients per key, 5% of ops crash as info,
// cas mismatches and failures as in the tests), linearizable by construction.
function generated(ops: number, keys: number): HistoryOp[] {
  const clients = 10;
  const perClient = Math.round(ops / keys / clients);
  return Array.from({ length: keys }, (_, k) =>
    simulateRegister(1 + k, clients, perClient).history.map((op) => ({
      ...op,
      key: k,
      process: (op.process as number) + clients * k,
    })),
  )
    .flat()
    .sort((a, b) => a.time - b.time || Number(a.type === 'invoke') - Number(b.type === 'invoke'));
}

console.log(
  `\n${pad('generated register history', 34)}${num('ops', 8)}${num('keys', 6)}  ${pad('verdict', 14)}${num('ms', 9)}${num('ops/s', 9)}`,
);
for (const [ops, keys] of [
  [10_000, 1],
  [10_000, 10],
  [10_000, 100],
  [100_000, 10],
  [100_000, 100],
]) {
  const h = generated(ops, keys);
  const started = performance.now();
  const r = checkLinearizability(h, REGISTER, { timeLimitMs });
  const ms = performance.now() - started;
  const opsPerS = Math.round((h.length / 2 / ms) * 1000);
  console.log(
    `${pad('', 34)}${num(String(h.length / 2), 8)}${num(String(keys), 6)}  ${pad(r.verdict, 14)}${num(ms.toFixed(0), 9)}${num(String(opsPerS), 9)}`,
  );
}
