import type { HelloFrame, StateFrame } from '../../src/dashboard/protocol';

/**
 * CockroachDB's network-latency page, for regions: each cell is the round trip from the row's
 * region to the column's, measured (as the server says it measures) over configured.
 */
export function renderMatrix(hello: HelloFrame, state: StateFrame): HTMLTableElement {
  const regions = hello.topology.regions.map((r) => r.name);
  const configured = (a: string, b: string) =>
    hello.topology.rtt.find((x) => (x.a === a && x.b === b) || (x.a === b && x.b === a))?.ms;
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  head.append(th('RTT ms: measured / configured'), ...regions.map((r) => th(r)));
  const body = table.createTBody();
  for (const a of regions) {
    const row = body.insertRow();
    row.append(th(a));
    for (const b of regions) {
      const cell = row.insertCell();
      const link = state.links.find((l) => l.from === a && l.to === b);
      const conf = configured(a, b);
      if (link?.cut) cell.className = 'cut';
      const ms = link?.measuredMs ?? null;
      const measured = link?.cut ? 'cut' : ms === null ? '–' : ms.toFixed(0);
      const added = link && link.addedMs > 0 ? ` (+${link.addedMs})` : '';
      cell.textContent = `${measured} / ${conf === undefined ? '?' : conf.toFixed(0)}${added}`;
      cell.dataset.from = a;
      cell.dataset.to = b;
    }
  }
  return table;
}

function th(text: string): HTMLTableCellElement {
  const cell = document.createElement('th');
  cell.textContent = text;
  return cell;
}
