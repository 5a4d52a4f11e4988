/** The Prometheus metric types. @see https://prometheus.io/docs/concepts/metric_types/ */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'info';

/** One documented metric of a component. */
export interface MetricInfo {
  /** The metric type (a histogram also allows `_bucket`, `_sum` and `_count`). */
  readonly type: MetricType;
  /** What it measures, with its unit and main labels. */
  readonly help: string;
  /** Where upstream documents it (a URL). */
  readonly source: string;
}

/**
 * The documented metric set of one component (KServe model servers, vLLM,
 * Envoy, Istio, Kong, ...). Alerts, recording rules and dashboard panels may
 * only read metrics of their component's catalogs (and series recorded by
 * the library's own rules): a typo in a metric name is a synth error, not a
 * silent empty panel.
 */
export class MetricCatalog {
  /** A catalog that accepts every metric of the given catalogs. */
  public static merge(name: string, catalogs: readonly MetricCatalog[]): MetricCatalog {
    const metrics: Record<string, MetricInfo> = {};
    for (const c of catalogs) for (const [k, v] of c.entries) metrics[k] = v;
    return new MetricCatalog(name, metrics);
  }

  private readonly metrics: ReadonlyMap<string, MetricInfo>;

  /**
   * @param name the component, e.g. `vllm`
   * @param metrics the metrics by exposed name (counters with their `_total` suffix)
   */
  public constructor(
    /** The component name. */
    public readonly name: string,
    metrics: Readonly<Record<string, MetricInfo>>,
  ) {
    this.metrics = new Map(Object.keys(metrics).sort().map((k) => [k, metrics[k]]));
  }

  /** Every entry, in name order. */
  public get entries(): ReadonlyArray<readonly [string, MetricInfo]> {
    return [...this.metrics.entries()];
  }

  /** The entry for an exposed series name (`x_bucket` resolves to histogram `x`), if documented. */
  public lookup(series: string): MetricInfo | undefined {
    const direct = this.metrics.get(series);
    if (direct) return direct;
    const m = /^(.*)_(bucket|sum|count)$/.exec(series);
    if (!m) return undefined;
    const base = this.metrics.get(m[1]);
    if (base && (base.type === 'histogram' || (base.type === 'summary' && m[2] !== 'bucket'))) return base;
    return undefined;
  }

  /** True when `series` is documented in this catalog. */
  public has(series: string): boolean {
    return this.lookup(series) !== undefined;
  }
}
