// Small builders for Grafana dashboard JSON (schema 39): panels, Prometheus targets, template
// variables and a row layout that assigns ids and grid positions. Pure: the dashboard
// definitions call these and write-dashboards.ts turns the result into the committed JSON.

/** Every panel and target points at the dashboard's data source variable. */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

/** The uid the provisioned data source has (provisioning/datasources/prometheus.yml). */
export const PROVISIONED_DATASOURCE_UID = 'sluice-prometheus';

export interface Target {
  readonly expr: string;
  readonly legendFormat?: string;
  /** An instant query (stat, gauge, table) rather than a range. */
  readonly instant?: boolean;
}

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

export interface PanelSpec {
  readonly type: 'timeseries' | 'stat' | 'gauge' | 'state-timeline' | 'bargauge';
  readonly title: string;
  readonly description: string;
  readonly targets: readonly Target[];
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
  /** Value → text (and colour) for stat and state panels. */
  readonly mappings?: readonly { value: string; text: string; color: string }[];
  readonly thresholds?: readonly { value: number | null; color: string }[];
  readonly options?: { readonly [key: string]: Json };
  readonly custom?: { readonly [key: string]: Json };
  readonly width: number;
  readonly height: number;
}

export interface Row {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

export interface VariableSpec {
  readonly name: string;
  readonly label: string;
  /** PromQL label_values(...) query. */
  readonly query: string;
  /** The value Grafana selects first (before the query answers). */
  readonly current: string;
  readonly includeAll?: boolean;
  readonly multi?: boolean;
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly variables: readonly VariableSpec[];
  readonly rows: readonly Row[];
}

const DEFAULT_THRESHOLDS = [{ value: null, color: 'green' }] as const;

export function panel(
  spec: Omit<PanelSpec, 'width' | 'height'>,
  width = 12,
  height = 8,
): PanelSpec {
  return { ...spec, width, height };
}

function targetJson(target: Target, index: number): Json {
  return {
    refId: String.fromCharCode(65 + index),
    datasource: DATASOURCE,
    expr: target.expr,
    legendFormat: target.legendFormat ?? '__auto',
    range: target.instant !== true,
    instant: target.instant === true,
  };
}

function panelJson(spec: PanelSpec, id: number, x: number, y: number): Json {
  const defaults: { [key: string]: Json } = {
    unit: spec.unit ?? 'short',
    color: { mode: spec.mappings === undefined ? 'palette-classic' : 'thresholds' },
    thresholds: { mode: 'absolute', steps: spec.thresholds ?? DEFAULT_THRESHOLDS },
    mappings:
      spec.mappings === undefined
        ? []
        : [
            {
              type: 'value',
              options: Object.fromEntries(
                spec.mappings.map((m, index) => [m.value, { text: m.text, color: m.color, index }]),
              ),
            },
          ],
  };
  if (spec.min !== undefined) defaults.min = spec.min;
  if (spec.max !== undefined) defaults.max = spec.max;
  if (spec.custom !== undefined) defaults.custom = spec.custom;
  else if (spec.type === 'timeseries') {
    defaults.custom = { drawStyle: 'line', lineWidth: 1, fillOpacity: 10, showPoints: 'never' };
  }
  return {
    id,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos: { x, y, w: spec.width, h: spec.height },
    targets: spec.targets.map(targetJson),
    fieldConfig: { defaults, overrides: [] },
    options: { ...defaultOptions(spec.type), ...spec.options },
  };
}

function defaultOptions(type: PanelSpec['type']): { [key: string]: Json } {
  const reduce = { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } };
  switch (type) {
    case 'timeseries':
      return {
        legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
        tooltip: { mode: 'multi', sort: 'desc' },
      };
    case 'stat':
      return { ...reduce, colorMode: 'value', graphMode: 'area', textMode: 'auto' };
    case 'gauge':
      return { ...reduce, showThresholdLabels: false, showThresholdMarkers: true };
    case 'bargauge':
      return { ...reduce, displayMode: 'gradient', orientation: 'horizontal' };
    case 'state-timeline':
      return { showValue: 'auto', mergeValues: true, rowHeight: 0.9 };
  }
}

function variableJson(spec: VariableSpec): Json {
  return {
    name: spec.name,
    label: spec.label,
    type: 'query',
    datasource: DATASOURCE,
    definition: spec.query,
    query: { query: spec.query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    refresh: 2,
    sort: 1,
    regex: '',
    hide: 0,
    includeAll: spec.includeAll === true,
    multi: spec.multi === true,
    ...(spec.includeAll === true ? { allValue: '.*' } : {}),
    current:
      spec.current === '$__all'
        ? { selected: true, text: ['All'], value: ['$__all'] }
        : { selected: true, text: spec.current, value: spec.current },
    options: [],
  };
}

/** The dashboard JSON: rows laid out top to bottom, panels left to right, ids from 1. */
export function dashboardJson(spec: DashboardSpec): Json {
  const panels: Json[] = [];
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { x: 0, y, w: 24, h: 1 },
      panels: [],
    });
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const p of row.panels) {
      if (x + p.width > 24) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      panels.push(panelJson(p, id++, x, y));
      x += p.width;
      lineHeight = Math.max(lineHeight, p.height);
    }
    y += lineHeight;
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['sluice'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: '10s',
    time: { from: 'now-1h', to: 'now' },
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    links: [
      {
        type: 'dashboards',
        tags: ['sluice'],
        title: 'Sluice dashboards',
        asDropdown: true,
        includeVars: true,
        keepTime: true,
      },
    ],
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Data source',
          type: 'datasource',
          query: 'prometheus',
          current: { selected: true, text: 'Prometheus', value: PROVISIONED_DATASOURCE_UID },
          hide: 0,
          refresh: 1,
          regex: '',
          options: [],
        },
        ...spec.variables.map(variableJson),
      ],
    },
    panels,
  };
}
