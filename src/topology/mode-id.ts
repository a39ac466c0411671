import { CONSISTENCY_LEVELS } from '../core/consistency';
import { oneOf } from './suggest';

/**
 * The short ids that name a replication mode and its main option on the command line
 * (`--mode raft`, `--mode leaderless:LOCAL_QUORUM`), as DESIGN §4 lists them.
 */
export const MODE_IDS = [
  'single-copy',
  'raft',
  'async',
  'semi-sync',
  'multi-leader:automerge',
  'multi-leader:yjs',
  'multi-leader:lww',
  'leaderless',
  'leaderless:LEVEL',
] as const;

export const MODES = ['single-copy', 'single-leader', 'multi-leader', 'leaderless'] as const;
export type ModeName = (typeof MODES)[number];

/** Cassandra's consistency levels: core/consistency's one list. */
export const LEVELS = CONSISTENCY_LEVELS;

/** The `replication` fields a short id stands for; the rest keep the file's or the defaults. */
export type ModeFields =
  | { mode: 'single-copy' }
  | { mode: 'single-leader'; protocol: 'raft' | 'async' | 'semi-sync' }
  | { mode: 'multi-leader'; resolver: 'automerge' | 'yjs' | 'lww' }
  | { mode: 'leaderless'; read?: string; write?: string };

export type ModeIdResult = { ok: true; fields: ModeFields } | { ok: false; message: string };

export function parseModeId(id: string): ModeIdResult {
  const [head, option, ...rest] = id.split(':');
  const bad = (): ModeIdResult => ({
    ok: false,
    message: `unknown mode "${id}" (one of: ${oneOf([...MODE_IDS])})`,
  });
  if (rest.length > 0) return bad();
  switch (head) {
    case 'single-copy':
      return option === undefined ? { ok: true, fields: { mode: 'single-copy' } } : bad();
    case 'raft':
    case 'async':
    case 'semi-sync':
      return option === undefined
        ? { ok: true, fields: { mode: 'single-leader', protocol: head } }
        : bad();
    case 'single-leader':
      if (option === 'raft' || option === 'async' || option === 'semi-sync') {
        return { ok: true, fields: { mode: 'single-leader', protocol: option } };
      }
      return option === undefined
        ? { ok: true, fields: { mode: 'single-leader', protocol: 'raft' } }
        : bad();
    case 'multi-leader':
      if (option === undefined)
        return { ok: true, fields: { mode: 'multi-leader', resolver: 'automerge' } };
      if (option === 'automerge' || option === 'yjs' || option === 'lww') {
        return { ok: true, fields: { mode: 'multi-leader', resolver: option } };
      }
      return bad();
    case 'leaderless': {
      if (option === undefined) return { ok: true, fields: { mode: 'leaderless' } };
      const level = option.toUpperCase();
      if (!(LEVELS as readonly string[]).includes(level)) {
        return {
          ok: false,
          message: `unknown consistency level "${option}" in mode "${id}" (one of: ${oneOf([...LEVELS])})`,
        };
      }
      // One level names both sides, as cqlsh's CONSISTENCY does; ANY exists for writes only.
      return {
        ok: true,
        fields: { mode: 'leaderless', read: level === 'ANY' ? 'ONE' : level, write: level },
      };
    }
    default:
      return bad();
  }
}

/** The short id of a topology's replication (`raft`, `leaderless:QUORUM`, `leaderless:R=2,W=2`). */
export function modeIdOf(r: {
  readonly mode: ModeName;
  readonly protocol?: string;
  readonly resolver?: string;
  readonly read?: string | { readonly r: number };
  readonly write?: string | { readonly w: number };
}): string {
  switch (r.mode) {
    case 'single-copy':
      return 'single-copy';
    case 'single-leader':
      return r.protocol ?? 'raft';
    case 'multi-leader':
      return `multi-leader:${r.resolver ?? 'automerge'}`;
    case 'leaderless': {
      const read = typeof r.read === 'object' ? `R=${r.read.r}` : (r.read ?? 'QUORUM');
      const write = typeof r.write === 'object' ? `W=${r.write.w}` : (r.write ?? 'QUORUM');
      return read === write ? `leaderless:${read}` : `leaderless:${read}/${write}`;
    }
  }
}
