import type { HelloFrame, StateFrame } from '../../src/dashboard/protocol';
import type { App } from './main';

/** The partition options the map's clicks use (the controls' mode and one-way boxes). */
export function partitionOptions(): { mode: 'blackhole' | 'hold' | 'refuse'; oneWay: boolean } {
  const mode = (document.getElementById('partition-mode') as HTMLSelectElement | null)?.value;
  const oneWay = (document.getElementById('one-way') as HTMLInputElement | null)?.checked ?? false;
  return { mode: mode === 'hold' || mode === 'refuse' ? mode : 'blackhole', oneWay };
}

/**
 * The control bar: how a click partitions (blackhole, hold or refuse; one-way), the latency
 * slider for a link (pick it here or click it on the map), the active faults with a heal
 * button each, heal-all, and the simulator's pause/step/speed when the clock is virtual.
 */
export class Controls {
  private faultsBox: HTMLElement | undefined;
  private simBox: HTMLElement | undefined;
  private from: HTMLSelectElement | undefined;
  private to: HTMLSelectElement | undefined;
  private slider: HTMLInputElement | undefined;
  private shownFaults = '';

  constructor(
    private readonly root: HTMLElement,
    private readonly app: App,
  ) {
    document.addEventListener('geolab:select-link', (e) => {
      const { from, to } = (e as CustomEvent<{ from: string; to: string }>).detail;
      if (this.from && this.to) {
        this.from.value = from;
        this.to.value = to;
        this.syncSlider();
      }
    });
  }

  init(hello: HelloFrame): void {
    const regions = hello.topology.regions.map((r) => r.name);
    this.root.innerHTML = `
      <fieldset><legend>partition on click</legend>
        <select id="partition-mode"><option>blackhole</option><option>hold</option><option>refuse</option></select>
        <label><input type="checkbox" id="one-way"> one-way (its messages out are dropped)</label>
      </fieldset>
      <fieldset><legend>add latency to a link</legend>
        <select id="lat-from"></select> → <select id="lat-to"></select>
        <input type="range" id="lat-ms" min="0" max="1000" step="10" value="0">
        <output id="lat-out">+0 ms</output>
      </fieldset>
      <fieldset><legend>faults</legend><span id="fault-list">none</span>
        <button id="heal-all" type="button">heal all</button></fieldset>
      <fieldset id="sim-box" hidden><legend>simulator</legend>
        <button type="button" data-sim="pause">pause</button>
        <button type="button" data-sim="resume">resume</button>
        <button type="button" data-sim="step">step 100 ms</button>
        <label>speed <select id="sim-speed">${[0.1, 0.25, 0.5, 1, 2, 5, 10, 50]
          .map((s) => `<option value="${s}"${s === 1 ? ' selected' : ''}>${s}×</option>`)
          .join('')}</select></label>
      </fieldset>`;
    const q = <T extends HTMLElement>(id: string) => this.root.querySelector(`#${id}`) as T;
    this.from = q<HTMLSelectElement>('lat-from');
    this.to = q<HTMLSelectElement>('lat-to');
    this.slider = q<HTMLInputElement>('lat-ms');
    this.faultsBox = q('fault-list');
    this.simBox = q('sim-box');
    for (const [select, start] of [
      [this.from, 0],
      [this.to, 1],
    ] as const) {
      select.replaceChildren(...regions.map((r) => new Option(r, r)));
      select.selectedIndex = Math.min(start, regions.length - 1);
      select.addEventListener('change', () => this.syncSlider());
    }
    const out = q<HTMLOutputElement>('lat-out');
    this.slider.addEventListener('input', () => (out.value = `+${this.slider?.value ?? 0} ms`));
    this.slider.addEventListener('change', () => {
      if (!this.from || !this.to || !this.slider) return;
      void this.app.send({
        type: 'latency',
        from: this.from.value,
        to: this.to.value,
        addMs: Number(this.slider.value),
      });
    });
    q('heal-all').addEventListener('click', () => void this.app.send({ type: 'heal' }));
    this.faultsBox.addEventListener('click', (e) => {
      const id = (e.target as HTMLElement).closest('[data-fault]')?.getAttribute('data-fault');
      if (id) void this.app.send({ type: 'heal', fault: Number(id) });
    });
    this.simBox.hidden = hello.clock !== 'virtual';
    const speed = q<HTMLSelectElement>('sim-speed');
    this.simBox.addEventListener('click', (e) => {
      const action = (e.target as HTMLElement).getAttribute('data-sim');
      if (action === 'pause' || action === 'resume' || action === 'step') {
        void this.app.send({ type: 'sim', action });
      }
    });
    speed.addEventListener('change', () => {
      const paused = this.app.state?.sim?.paused ?? false;
      void this.app.send({
        type: 'sim',
        action: paused ? 'pause' : 'resume',
        speed: Number(speed.value),
      });
    });
  }

  render(state: StateFrame): void {
    const key = state.faults.map((f) => `${f.id}:${f.detail}`).join('|');
    if (!this.faultsBox || key === this.shownFaults) return;
    this.shownFaults = key;
    this.faultsBox.replaceChildren(
      ...(state.faults.length === 0
        ? [document.createTextNode('none')]
        : state.faults.map((f) => {
            const b = document.createElement('button');
            b.type = 'button';
            b.dataset.fault = String(f.id);
            b.title = 'heal this fault';
            b.textContent = `✕ ${f.detail}`;
            return b;
          })),
    );
  }

  /** Show the picked link's current added latency on the slider. */
  private syncSlider(): void {
    if (!this.from || !this.to || !this.slider) return;
    const link = this.app.state?.links.find(
      (l) => l.from === this.from?.value && l.to === this.to?.value,
    );
    this.slider.value = String(link?.addedMs ?? 0);
    this.slider.dispatchEvent(new Event('input'));
  }
}
