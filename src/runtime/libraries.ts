import * as Automerge from '@automerge/automerge';
import * as Y from 'yjs';
import { WebSocket, WebSocketServer } from 'ws';
import { Toxiproxy } from 'toxiproxy-node-client';

/** One library geolab depends on at run time, and proof that it works here. */
export interface LibraryCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * Exercise each run-time library the way geolab uses it, not merely `require` it:
 * Automerge loads its WebAssembly lazily on first use, so a change is made and merged.
 */
export async function checkLibraries(): Promise<LibraryCheck[]> {
  return Promise.all([checkAutomerge(), checkYjs(), checkWs(), checkToxiproxyClient()]);
}

async function attempt(name: string, body: () => Promise<string> | string): Promise<LibraryCheck> {
  try {
    return { name, ok: true, detail: await body() };
  } catch (err) {
    return { name, ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

function checkAutomerge(): Promise<LibraryCheck> {
  return attempt('@automerge/automerge', () => {
    let a = Automerge.from<{ n: number }>({ n: 1 });
    let b = Automerge.clone(a);
    a = Automerge.change(a, (d) => {
      d.n = 2;
    });
    b = Automerge.merge(b, a);
    if (b.n !== 2) throw new Error(`merge gave n=${String(b.n)}, expected 2`);
    return `wasm ${Automerge.isWasmInitialized() ? 'loaded' : 'not loaded'}, merge ok`;
  });
}

function checkYjs(): Promise<LibraryCheck> {
  return attempt('yjs', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getMap<number>('m').set('k', 7);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
    const got = b.getMap<number>('m').get('k');
    if (got !== 7) throw new Error(`update gave k=${String(got)}, expected 7`);
    return 'state-vector sync ok';
  });
}

function checkWs(): Promise<LibraryCheck> {
  return attempt(
    'ws',
    () =>
      new Promise<string>((resolve, reject) => {
        const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1024 });
        server.on('error', reject);
        server.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
        server.on('listening', () => {
          const address = server.address();
          if (address === null || typeof address === 'string') {
            return reject(new Error('server has no TCP address'));
          }
          const client = new WebSocket(`ws://127.0.0.1:${address.port}`);
          client.on('error', reject);
          client.on('open', () => client.send('ping'));
          client.on('message', (data) => {
            client.close();
            server.close();
            const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
            if (text === 'ping') resolve('loopback echo ok');
            else reject(new Error(`echo gave ${text}`));
          });
        });
      }),
  );
}

function checkToxiproxyClient(): Promise<LibraryCheck> {
  return attempt('toxiproxy-node-client', () => {
    const client = new Toxiproxy('http://127.0.0.1:8474');
    if (typeof client.createProxy !== 'function') throw new Error('client has no createProxy');
    return 'client constructed';
  });
}
