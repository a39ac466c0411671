import { formatIssue, loadTopologyFile, type Topology } from '../topology';
import { InputError } from './errors';

/** Load a topology for a subcommand, or stop with its mistakes as bad input (exit 2). */
export function loadTopologyOrExit(file: string, mode?: string): Topology {
  const result = loadTopologyFile(file, { mode });
  if (!result.ok) throw new InputError(result.issues.map(formatIssue).join('\n'));
  return result.topology;
}
