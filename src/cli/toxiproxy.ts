import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { ApiError } from '../proxy/server/api-error';
import type { ProxyConfig, ToxiproxyServer } from '../proxy/server';
import { startToxiproxyServer, TOXIPROXY_API_VERSION } from '../proxy/server';
import { decodePopulate } from '../proxy/server/proxy-body';
import { printWarnings, toxiproxyApiWarning } from '../runtime/live/exposure';
import { EXIT_OK, InputError } from './errors';

interface ToxiproxyOptions {
  host: string;
  port: string;
  config?: string;
}

/** `--port`: an integer 0-65535 (0 picks a free port). */
function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new InputError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/**
 * The proxies of a config file: a JSON array of `{name, listen, upstream, enabled?}`, the
 * format of `toxiproxy-server -config` and `POST /populate`. Upstream logs a bad file and
 * serves anyway; here it is bad input, refused before anything listens.
 */
async function readConfig(file: string): Promise<ProxyConfig[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not JSON: ${(err as Error).message}`);
  }
  try {
    return decodePopulate(json);
  } catch (err) {
    if (err instanceof ApiError) throw new InputError(`${file}: ${err.message}`);
    throw err;
  }
}

/** Resolves on the first SIGINT or SIGTERM, and stops listening for either. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * `geolab toxiproxy`: the embedded Toxiproxy-compatible server alone, for toxiproxy-cli,
 * testcontainers or any Toxiproxy client. Ctrl-C (or SIGTERM) closes every listener and
 * connection and exits 0.
 */
export function toxiproxyCommand(): Command {
  return new Command('toxiproxy')
    .description('serve the embedded Toxiproxy-compatible server (API v2) alone')
    .option('--host <host>', 'address the HTTP API listens on', '127.0.0.1')
    .option('--port <port>', 'port of the HTTP API (0 picks a free one)', '8474')
    .option('--config <file>', 'create proxies from a JSON array, as toxiproxy-server -config')
    .action(async (options: ToxiproxyOptions) => {
      const port = parsePort(options.port);
      const proxies = options.config === undefined ? [] : await readConfig(options.config);
      // No token here: Toxiproxy clients send none, so off loopback is allowed, and said.
      printWarnings([toxiproxyApiWarning(options.host)].filter((w) => w !== undefined));
      let server: ToxiproxyServer;
      try {
        server = await startToxiproxyServer({ host: options.host, port, proxies });
      } catch (err) {
        // A taken or unbindable address, for the API or a configured proxy.
        if (err instanceof ApiError) throw new InputError(`cannot start: ${err.message}`);
        throw err;
      }
      const signalled = untilSignal();
      process.stdout.write(
        `geolab toxiproxy: API v${TOXIPROXY_API_VERSION} on ${server.url} ` +
          `with ${proxies.length} ${proxies.length === 1 ? 'proxy' : 'proxies'}; Ctrl-C stops it\n`,
      );
      const signal = await signalled;
      await server.close();
      process.stdout.write(`geolab toxiproxy: ${signal}: closed every listener\n`);
      process.exitCode = EXIT_OK;
    });
}
