import { formatIssue, sortIssues, type TopologyIssue } from './issue';
import { parseModeId } from './mode-id';
import type { FieldPath } from './position';
import type { RawTopology } from './raw';
import { resolveTopology } from './resolve';
import { RAFT_READS, replicationOptionsOf } from './resolve-replication';
import { checkSchema } from './schema';
import { parseYamlDocument, readSmallFile } from './yaml-document';
import type { OperationType, Topology } from './types';

/** Topology files are hand-written; anything larger is a mistake, not a topology. */
export const MAX_TOPOLOGY_BYTES = 1024 * 1024;

export type LoadResult = { ok: true; topology: Topology } | { ok: false; issues: TopologyIssue[] };

export interface LoadOptions {
  /** A short mode id (`raft`, `leaderless:LOCAL_QUORUM`, …) that overrides replication.mode. */
  mode?: string;
  /** An operation mix that replaces the file's `workload.mix` (as `geolab compare` gives one). */
  mix?: Readonly<Partial<Record<OperationType, number>>>;
}

/** Read, parse, schema-check and resolve one topology file. Never throws on bad input. */
export function loadTopologyFile(file: string, options: LoadOptions = {}): LoadResult {
  const read = readSmallFile(file, MAX_TOPOLOGY_BYTES, 'topology');
  return read.ok ? parseTopology(read.text, file, options) : read;
}

/** Parse topology text; `file` names it in messages. */
export function parseTopology(text: string, file: string, options: LoadOptions = {}): LoadResult {
  const parsed = parseYamlDocument(text, file, {
    empty: 'the file is empty (a topology needs regions and replication)',
    one: 'one topology per file',
  });
  if (!parsed.ok) return parsed;
  const { data, locate } = parsed;
  const issues: TopologyIssue[] = [];
  const report = (path: FieldPath, message: string, where: 'value' | 'key' = 'value') => {
    const { line, col } = locate(path, where);
    issues.push({ file, line, col, message });
  };

  if (options.mode !== undefined) {
    const mode = applyModeId(data, options.mode);
    if (!mode.ok) {
      issues.push({ file, ...locate(['replication', 'mode']), message: `--mode: ${mode.message}` });
      return { ok: false, issues };
    }
  }

  if (options.mix !== undefined && typeof data === 'object' && data !== null) {
    const top = data as Record<string, unknown>;
    const workload = typeof top.workload === 'object' && top.workload !== null ? top.workload : {};
    top.workload = { ...workload, mix: { ...options.mix } };
  }

  const problems = checkSchema(data);
  for (const p of problems) report(p.path, p.message, p.at);
  if (problems.length > 0) return { ok: false, issues: sortIssues(issues) };

  const topology = resolveTopology(
    data as RawTopology,
    file,
    { error: report, lineOf: (path) => locate(path).line },
    // Under --mode the file's mix was written for its own mode: adapt it (resolve-workload.ts).
    { adaptMix: options.mode !== undefined && options.mix === undefined },
  );
  if (!topology) return { ok: false, issues: sortIssues(issues) };
  return { ok: true, topology };
}

/**
 * Replace the file's replication mode by a short id's. The file's options that the new mode
 * (and protocol) takes are kept, the rest dropped: a raft file's read-index reads and election
 * timeout do not follow it to async, nor a leaderless file's `r`/`w` counts to a level.
 */
function applyModeId(data: unknown, id: string): { ok: true } | { ok: false; message: string } {
  const parsed = parseModeId(id);
  if (!parsed.ok) return parsed;
  if (typeof data !== 'object' || data === null) return { ok: true };
  const top = data as Record<string, unknown>;
  const current = top.replication;
  const old =
    typeof current === 'object' && current !== null ? (current as Record<string, unknown>) : {};
  const fields: Record<string, unknown> = parsed.fields;
  const taken = replicationOptionsOf(fields.mode as string, fields.protocol as string | undefined);
  const oldProtocol = typeof old.protocol === 'string' ? old.protocol : undefined;
  const dropped = replicationOptionsOf(fields.mode as string, oldProtocol).filter(
    (option) => !taken.includes(option),
  );
  // Options no mode takes stay, for the schema to report where they are.
  const kept = old.mode === fields.mode ? omit(old, dropped) : {};
  if (
    typeof kept.reads === 'string' &&
    fields.protocol !== 'raft' &&
    RAFT_READS.includes(kept.reads)
  )
    delete kept.reads;
  // A level replaces the file's explicit counts for its side.
  if (fields.read !== undefined) delete kept.r;
  if (fields.write !== undefined) delete kept.w;
  top.replication = { ...kept, ...fields };
  return { ok: true };
}

function omit(from: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(from).filter(([k]) => !keys.includes(k)));
}

export { formatIssue };
