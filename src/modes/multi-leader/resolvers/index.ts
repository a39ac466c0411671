/** The conflict resolvers, by the name a topology gives them (`replication.resolver`). */
import { AutomergeResolver } from './automerge';
import { LwwResolver } from './lww';
import type { Resolver, ResolverName, ResolverOptions } from './resolver';
import { YjsResolver } from './yjs';

export function makeResolver(name: ResolverName, options: ResolverOptions): Resolver {
  switch (name) {
    case 'automerge':
      return new AutomergeResolver(options);
    case 'yjs':
      return new YjsResolver(options);
    case 'lww':
      return new LwwResolver(options);
  }
}

export type { Resolver, ResolverName, ResolverOptions, Sealed, OriginPayload } from './resolver';
export { isUpdateOp, valueJson, type UpdateOp, type Value } from './values';
