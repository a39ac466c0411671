/**
 * The dashboard page: one WebSocket to the server (`/ws`, the token from the page's own URL
 * when one is required), the `hello` that describes the topology, `state` frames every
 * 500 ms and `event` frames as things happen; the views below render them, and the controls
 * send `control` frames, each answered by an `ack`.
 */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import type {
  AckFrame,
  Control,
  HelloFrame,
  ServerFrame,
  StateFrame,
} from '../../src/dashboard/protocol';
import { Charts } from './charts';
import { Controls } from './controls';
import { Demo } from './demo';
import { RegionMap } from './map';
import { renderMatrix } from './matrix';
import { Timeline } from './timeline';

/** What the views share: the latest frames, and a way to act. */
export interface App {
  hello: HelloFrame | undefined;
  state: StateFrame | undefined;
  send(control: Control): Promise<AckFrame>;
  toast(text: string): void;
}

const $ = (id: string): HTMLElement => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el;
};

const token = new URLSearchParams(location.search).get('token');
const pending = new Map<number, (ack: AckFrame) => void>();
let socket: WebSocket | undefined;
let nextId = 1;
let retryMs = 500;

const app: App = {
  hello: undefined,
  state: undefined,
  send(control) {
    const id = nextId++;
    const ws = socket;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      return Promise.resolve({ type: 'ack', id, ok: false, error: 'not connected' });
    }
    return new Promise((resolve) => {
      pending.set(id, (ack) => {
        if (!ack.ok) app.toast(ack.error ?? 'refused');
        resolve(ack);
      });
      ws.send(JSON.stringify({ type: 'control', id, control }));
    });
  },
  toast(text) {
    const el = $('toast');
    el.textContent = text;
    el.classList.add('show');
    setTimeout(() => el.classList.remove('show'), 4000);
  },
};

const timeline = new Timeline($('timeline'));
const map = new RegionMap($('map') as unknown as SVGSVGElement, app);
const charts = new Charts($('charts'));
const controls = new Controls($('controls'), app);
const demo = new Demo($('demo'), app);

function onFrame(frame: ServerFrame): void {
  switch (frame.type) {
    case 'hello':
      app.hello = frame;
      $('title').textContent =
        `${frame.topology.name} · ${frame.topology.mode} · ${frame.runtime === 'sim' ? 'simulated' : 'live'}`;
      $('matrix-note').textContent = `measured: ${frame.measured ?? 'as reported'}`;
      timeline.clear();
      charts.init(frame);
      controls.init(frame);
      demo.init(frame);
      break;
    case 'state':
      app.state = frame;
      $('clock').textContent =
        `t = ${(frame.t / 1000).toFixed(1)} s${frame.sim ? ` (virtual, ${frame.sim.paused ? 'paused' : `${frame.sim.speed}×`})` : ''}`;
      if (app.hello) {
        map.render(app.hello, frame);
        charts.push(frame);
        controls.render(frame);
        demo.render(frame);
        $('matrix').replaceChildren(renderMatrix(app.hello, frame));
      }
      break;
    case 'event':
      timeline.add(frame);
      break;
    case 'ack':
      pending.get(frame.id)?.(frame);
      pending.delete(frame.id);
      if (!frame.ok && !pending.has(frame.id) && frame.id === 0) app.toast(frame.error ?? '');
      break;
  }
}

function connect(): void {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws${
    token === null ? '' : `?token=${encodeURIComponent(token)}`
  }`;
  const ws = new WebSocket(url);
  socket = ws;
  const badge = $('connection');
  ws.onopen = () => {
    retryMs = 500;
    badge.textContent = 'connected';
    badge.className = 'badge up';
  };
  ws.onmessage = (e: MessageEvent<string>) => onFrame(JSON.parse(e.data) as ServerFrame);
  ws.onclose = (e: CloseEvent) => {
    badge.className = 'badge down';
    for (const [id, done] of pending) done({ type: 'ack', id, ok: false, error: 'disconnected' });
    pending.clear();
    if (e.code === 4401) {
      badge.textContent = 'token missing or wrong: open the URL geolab printed';
      return;
    }
    badge.textContent = 'disconnected: retrying';
    setTimeout(connect, retryMs);
    retryMs = Math.min(5000, retryMs * 2);
  };
}

connect();
(globalThis as unknown as { geolabDashboard: App }).geolabDashboard = app;
