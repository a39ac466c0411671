/** The dashboard flags `up`, `run`, `sim` and `demo` share, checked as bad input (exit 2). */
import type { Command } from 'commander';
import { isLoopback } from '../dashboard/server';
import type { Topology } from '../topology';
import { InputError } from './errors';

export interface DashboardFlags {
  dashboard?: boolean;
  port?: string;
  host?: string;
  token?: string;
}

export interface DashboardSettings {
  readonly host: string;
  readonly port: number;
  readonly token: string | undefined;
}

export function addDashboardOptions(command: Command, withSwitch = true): Command {
  if (withSwitch) command.option('--dashboard', 'serve the live dashboard while it runs');
  return command
    .option('--port <n>', 'dashboard port (default: the topology’s dashboard.port; 0 picks one)')
    .option(
      '--host <host>',
      'dashboard address to bind (default: the topology’s dashboard.host, 127.0.0.1)',
    )
    .option(
      '--token <token>',
      `secret every dashboard control must carry (required off loopback; default $${TOKEN_ENV})`,
    );
}

/**
 * Where the token may come from instead of --token: a command line is world-readable on Linux
 * (`ps`, /proc/PID/cmdline), a process's environment only to its user (/proc/PID/environ).
 */
export const TOKEN_ENV = 'GEOLAB_DASHBOARD_TOKEN';

export function dashboardSettings(
  topology: Topology,
  flags: DashboardFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
): DashboardSettings {
  // The topology's dashboard.host (default 127.0.0.1) unless --host says otherwise.
  const host = flags.host ?? topology.dashboard.host;
  const given = flags.token ?? env[TOKEN_ENV];
  const token = given === undefined || given === '' ? undefined : given;
  if (!isLoopback(host) && token === undefined) {
    const from = flags.host === undefined ? `${topology.file}: dashboard.host` : '--host';
    throw new InputError(
      `${from} ${host}: binding anything but loopback needs --token T or $${TOKEN_ENV} (every control must carry it)`,
    );
  }
  let port = topology.dashboard.port;
  if (flags.port !== undefined) {
    port = Number(flags.port);
    if (!/^\d+$/.test(flags.port) || port > 65535) {
      throw new InputError(`--port: must be a port number 0..65535, got ${flags.port}`);
    }
  }
  return { host, port, token };
}

/** The dashboard's settings with --dashboard; without it, none (and its other flags refused). */
export function requestedDashboard(
  topology: Topology,
  flags: DashboardFlags,
): DashboardSettings | undefined {
  if (flags.dashboard) return dashboardSettings(topology, flags);
  if ((flags.port ?? flags.host ?? flags.token) !== undefined) {
    throw new InputError('--port, --host and --token go with --dashboard');
  }
  return undefined;
}

export function printDashboardUrl(url: string): void {
  process.stdout.write(`dashboard: ${url}\n`);
}
