import { formatIssue, sortIssues, type TopologyIssue } from './issue';
import { parseModeId } from './mode-id';
import type { FieldPath } from './position';
import type { RawTopology } from './raw';
import { resolveTopology } from './resolve';
import { checkSchema } from './schema';
import { parseYamlDocument, readSmallFile } from './yaml-document';
import type { Topology } from './types';

/** Topology files are hand-written; anything larger is a mistake, not a topology. */
export const MAX_TOPOLOGY_BYTES = 1024 * 1024;

export type LoadResult = { ok: true; topology: Topology } | { ok: false; issues: TopologyIssue[] };

export interface LoadOptions {
  /** A short mode id (`raft`, `leaderless:LOCAL_QUORUM`, …) that overrides replication.mode. */
  mode?: string;
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

  const problems = checkSchema(data);
  for (const p of problems) report(p.path, p.message, p.at);
  if (problems.length > 0) return { ok: false, issues: sortIssues(issues) };

  const topology = resolveTopology(data as RawTopology, file, {
    error: report,
    lineOf: (path) => locate(path).line,
  });
  if (!topology) return { ok: false, issues: sortIssues(issues) };
  return { ok: true, topology };
}

/**
 * Replace the file's replication mode by a short id's. Options that belong to the file's
 * mode but not the new one are dropped; options the new one shares are kept.
 */
function applyModeId(data: unknown, id: string): { ok: true } | { ok: false; message: string } {
  const parsed = parseModeId(id);
  if (!parsed.ok) return parsed;
  if (typeof data !== 'object' || data === null) return { ok: true };
  const top = data as Record<string, unknown>;
  const current = top.replication;
  const old =
    typeof current === 'object' && current !== null ? (current as Record<string, unknown>) : {};
  top.replication =
    old.mode === parsed.fields.mode ? { ...old, ...parsed.fields } : { ...parsed.fields };
  return { ok: true };
}

export { formatIssue };
