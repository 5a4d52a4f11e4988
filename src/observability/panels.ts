import { VizLegendOptionsBuilder, LegendDisplayMode, LegendPlacement } from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

/** The Prometheus datasource every panel uses: the dashboard's `datasource` variable. */
export const PROMETHEUS_DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

/** A panel builder of this library (time series or stat). */
export type PanelBuilderLike = TimeseriesPanelBuilder | StatPanelBuilder;

/** One query of a panel. */
export interface PanelQuery {
  /** The PromQL expression; `$__rate_interval` may stand for the rate window. */
  readonly expr: string;
  /** Legend, e.g. `{{route}}`. @default - the series labels */
  readonly legend?: string;
}

/** Options of a panel. */
export interface PanelOptions {
  /** Panel title. */
  readonly title: string;
  /** Grafana unit id, e.g. `reqps`, `s`, `percentunit`, `bytes`. */
  readonly unit: string;
  /** The queries, labelled A, B, C, ... */
  readonly queries: readonly PanelQuery[];
  /** Hover description. @default - none */
  readonly description?: string;
  /** Width in grid columns (1-24). @default 12 */
  readonly width?: number;
}

function targets(queries: readonly PanelQuery[]): DataqueryBuilder[] {
  return queries.map((q, i) => {
    const b = new DataqueryBuilder().refId(String.fromCharCode(65 + i)).expr(q.expr).datasource(PROMETHEUS_DATASOURCE).range();
    return q.legend ? b.legendFormat(q.legend) : b;
  });
}

/** A time-series panel of Prometheus queries, with a table legend at the bottom. */
export function timeseriesPanel(options: PanelOptions): TimeseriesPanelBuilder {
  const p = new TimeseriesPanelBuilder()
    .title(options.title)
    .unit(options.unit)
    .datasource(PROMETHEUS_DATASOURCE)
    .targets(targets(options.queries))
    .span(options.width ?? 12)
    .height(8)
    .legend(new VizLegendOptionsBuilder().displayMode(LegendDisplayMode.Table).placement(LegendPlacement.Bottom).showLegend(true));
  return options.description ? p.description(options.description) : p;
}

/** A single-value panel of Prometheus queries. */
export function statPanel(options: PanelOptions): StatPanelBuilder {
  const p = new StatPanelBuilder()
    .title(options.title)
    .unit(options.unit)
    .datasource(PROMETHEUS_DATASOURCE)
    .targets(targets(options.queries))
    .span(options.width ?? 6)
    .height(4);
  return options.description ? p.description(options.description) : p;
}
