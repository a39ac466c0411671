import type { EventFrame } from '../../src/dashboard/protocol';

/** The event timeline, newest first, in the server's plain words. */
export class Timeline {
  constructor(private readonly list: HTMLElement) {}

  clear(): void {
    this.list.replaceChildren();
  }

  add(event: EventFrame): void {
    const li = document.createElement('li');
    li.className = `k-${event.kind}`;
    li.dataset.kind = event.kind;
    const time = document.createElement('time');
    time.textContent = `${(event.t / 1000).toFixed(1)} s`;
    li.append(time, event.text);
    this.list.prepend(li);
    while (this.list.children.length > 300) this.list.lastElementChild?.remove();
  }
}
