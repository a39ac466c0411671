/** The conflict resolvers, by the name a topology gives them (`replication.resolver`). */
import { LwwResolver } from './lww';
import type { Resolver, ResolverName, ResolverOptions } from './resolver';

/**
 * Automerge and Yjs are loaded only when a topology uses them: loading both cost every
 * replica process about 0.24 s of CPU at start whatever its mode (issue 11's 27-replica
 * run), and a restart after kill -9 pays it again.
 */
export function makeResolver(name: ResolverName, options: ResolverOptions): Resolver {
  switch (name) {
    case 'automerge': {
      // require, not import(): replicas are made synchronously. Typed by the import type.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { AutomergeResolver } = require('./automerge') as typeof import('./automerge');
      return new AutomergeResolver(options);
    }
    case 'yjs': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { YjsResolver } = require('./yjs') as typeof import('./yjs');
      return new YjsResolver(options);
    }
    case 'lww':
      return new LwwResolver(options);
  }
}

export type { Resolver, ResolverName, ResolverOptions, Sealed, OriginPayload } from './resolver';
export { isUpdateOp, valueJson, type UpdateOp, type Value } from './values';
