import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Knossos' and Porcupine's reference histories, beside the repository in ../shared/reference. */
export const REFERENCE_DIR = join(__dirname, '..', '..', '..', '..', 'shared', 'reference');

export type ExpectedVerdict = 'linearizable' | 'not-linearizable';

export interface ReferenceHistory {
  /** Path below REFERENCE_DIR, e.g. `knossos/cas-register/good/memstress3-0.edn`. */
  readonly name: string;
  readonly path: string;
  /** The model each folder's README names. */
  readonly model: 'cas-register' | 'register' | 'kv';
  readonly expected: ExpectedVerdict;
}

/**
 * Every reference history with its known verdict: Knossos' `good/` and `bad/` folders (model
 * `(cas-register 0)`), Porcupine's etcd logs (verdicts in `etcd/VERDICTS`; a register initially
 * nil) and kv histories (`-ok` and `-bad` in the name).
 */
export function referenceHistories(): ReferenceHistory[] {
  const out: ReferenceHistory[] = [];
  const add = (name: string, model: ReferenceHistory['model'], expected: ExpectedVerdict): void => {
    out.push({ name, path: join(REFERENCE_DIR, name), model, expected });
  };
  for (const [folder, expected] of [
    ['good', 'linearizable'],
    ['bad', 'not-linearizable'],
  ] as const) {
    for (const file of sortedFiles(join('knossos', 'cas-register', folder))) {
      add(`knossos/cas-register/${folder}/${file}`, 'cas-register', expected);
    }
  }
  const verdicts = readFileSync(join(REFERENCE_DIR, 'porcupine', 'etcd', 'VERDICTS'), 'utf8');
  for (const line of verdicts.split('\n')) {
    const [file, verdict] = line.trim().split(/\s+/);
    if (!file) continue;
    if (verdict !== 'linearizable' && verdict !== 'not-linearizable') {
      throw new Error(`etcd/VERDICTS: unknown verdict "${verdict}" for ${file}`);
    }
    add(`porcupine/etcd/${file}`, 'register', verdict);
  }
  for (const file of sortedFiles(join('porcupine', 'kv'))) {
    add(`porcupine/kv/${file}`, 'kv', file.includes('-ok') ? 'linearizable' : 'not-linearizable');
  }
  return out;
}

function sortedFiles(folder: string): string[] {
  return readdirSync(join(REFERENCE_DIR, folder))
    .filter((f) => !f.startsWith('.') && f !== 'README.md')
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}
