/** dashboards/grafana/geolab.json as the tests read it: panels, datasources and queries. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './run';

export const DATASOURCE_UID = 'geolab-prometheus';

interface Datasource {
  readonly type?: string;
  readonly uid?: string;
}
interface Target {
  readonly expr?: string;
  readonly datasource?: Datasource;
}
export interface Panel {
  readonly title: string;
  readonly datasource?: Datasource;
  readonly targets?: readonly Target[];
  readonly panels?: readonly Panel[];
}
interface Dashboard {
  readonly id: unknown;
  readonly uid: string;
  readonly schemaVersion: number;
  readonly panels: readonly Panel[];
  readonly templating: {
    readonly list: readonly {
      readonly datasource?: Datasource;
      readonly query?: { readonly query?: string } | string;
    }[];
  };
  readonly __inputs?: unknown;
}

export const dashboard = JSON.parse(
  readFileSync(join(ROOT, 'dashboards', 'grafana', 'geolab.json'), 'utf8'),
) as Dashboard;

/** Every panel, those inside collapsed rows included. */
export function allPanels(panels: readonly Panel[] = dashboard.panels): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/** Every PromQL query of the dashboard: panel targets and template variables. */
export function dashboardQueries(): string[] {
  const exprs = allPanels().flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  const vars = dashboard.templating.list.map((v) =>
    typeof v.query === 'string' ? v.query : v.query?.query,
  );
  return [...exprs, ...vars].filter((q): q is string => q !== undefined && q !== '');
}

/** The metric families a query reads: a histogram's _bucket/_sum/_count are the histogram's. */
export function metricFamilies(query: string): string[] {
  const names = query.match(/geolab_[a-z0-9_]+/g) ?? [];
  return [...new Set(names.map((n) => n.replace(/_(bucket|sum|count)$/, '')))];
}
