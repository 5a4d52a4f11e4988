import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from '../core/errors';
import { assertDnsLabel } from '../core/names';
import { MetricCatalog } from './metric-catalog';
import { joinModelKindRules, ModelRuleMember } from './model-kind-rules';
import { formatPromDuration, latencyThresholdSeconds } from './prom-duration';
import { PanelBuilderLike, statPanel, timeseriesPanel } from './panels';
import { PrometheusRule } from './prometheus-rule';
import { formatNumber, LabelMatcher, selector } from './promql';
import { isBucketBound, RequestMetrics, secondsPerUnit } from './request-metrics';
import { runbookUrl } from './runbook';
import { Severity } from './severity';
import { AlertRule, RecordingRule } from './alert-rule';
import { AlertTestCase } from './test-series';
import { checkedRecord } from '../core/records';
import { checkProps, childPath, hasProperty, requireShape } from '../core/prop-types';

/** What an {@link Slo} promises. */
export class SloObjective {
  /**
   * At least `target` (e.g. 0.995) of requests succeed (no server error).
   *
   * @param target the good share, strictly between 0 and 1
   */
  public static availability(target: number): SloObjective {
    return new SloObjective('availability', target);
  }

  /**
   * At least `target` of requests are faster than `threshold`: "p95 < 500 ms"
   * is `latency(Duration.millis(500), 0.95)`. The latency histogram needs a
   * bucket bound at exactly the threshold (PromQL compares it in seconds:
   * `0.5`).
   *
   * @param threshold longer than 0; sub-second values are fine
   * @param target the good share, strictly between 0 and 1
   * @throws ModelServingError when `threshold` is not a cdk8s Duration (a bare number has no unit) or is zero
   */
  public static latency(threshold: Duration, target: number): SloObjective {
    latencyThresholdSeconds('SloObjective.latency', 'threshold', threshold, 'SloObjective.latency(Duration.millis(500), 0.95)');
    return new SloObjective('latency', target, threshold);
  }

  private constructor(
    /** `availability` or `latency`. */
    public readonly kind: 'availability' | 'latency',
    /** The good share (0-1). */
    public readonly target: number,
    /** The latency threshold (latency objectives). */
    public readonly threshold?: Duration,
  ) {}
}

/** Props of {@link Slo}. */
export interface SloProps {
  /** The SLO name: the `slo` label of its series and alerts, and its PrometheusRule name. A DNS-1123 label. @default - the construct id */
  readonly name?: string;
  /** Where the requests are measured. */
  readonly traffic: RequestMetrics;
  /** The objective. */
  readonly objective: SloObjective;
  /** The compliance window. @default Duration.days(30) */
  readonly window?: Duration;
  /** Prefix of runbook URLs. @default DEFAULT_RUNBOOK_BASE_URL */
  readonly runbookBaseUrl?: string;
  /** `metadata.labels` of the PrometheusRule. @default - the platform labels */
  readonly labels?: Record<string, string>;
  /**
   * The model the SLO is of, when its rules are to join those of the same
   * SLO of the other models of its kind and namespace: one PrometheusRule
   * `<name>-slo` (the SLO name is then the kind's, e.g.
   * `kserve-sklearn-models-availability`) whose recording rules and
   * burn-rate alerts select every model with the same objective, aggregate
   * by the traffic source's target labels and carry the model label. The
   * model bundles (`KServeModelMonitoring`, `LlmMonitoring`,
   * `LlmInferenceServiceMonitoring`) set it.
   * @default - the SLO has its own PrometheusRule `<name>-slo`
   */
  readonly model?: ModelRuleMember;
}

/** The windows recorded (SRE workbook, chapter 5). */
const RECORD_WINDOWS = [Duration.minutes(5), Duration.minutes(30), Duration.hours(1), Duration.hours(2), Duration.hours(6), Duration.days(1), Duration.days(3)];

/** A multi-window burn-rate pair: alert when both windows burn faster than `factor`. */
interface BurnWindow {
  readonly long: Duration;
  readonly short: Duration;
  /** Share of the error budget this pair may spend in `long`. */
  readonly budgetShare: number;
}

const PAGE: readonly BurnWindow[] = [
  { long: Duration.hours(1), short: Duration.minutes(5), budgetShare: 0.02 },
  { long: Duration.hours(6), short: Duration.minutes(30), budgetShare: 0.05 },
];
const TICKET: readonly BurnWindow[] = [
  { long: Duration.days(1), short: Duration.hours(2), budgetShare: 0.1 },
  { long: Duration.days(3), short: Duration.hours(6), budgetShare: 0.1 },
];

/**
 * A service-level objective over a window, the SRE-workbook way (as Sloth
 * and Pyrra do): recording rules for the error ratio over 5m to 3d plus the
 * whole window, and multi-window, multi-burn-rate alerts:
 *
 * - `SloErrorBudgetBurnFast` (critical): 2% of the budget in 1h (5m
 *   confirms) or 5% in 6h (30m confirms): 14.4× and 6× burn for 30 days;
 * - `SloErrorBudgetBurnSlow` (warning): 10% in 1d (2h) or 10% in 3d (6h).
 *
 * Emits `PrometheusRule/<name>-slo` (shared by the models of a kind with
 * `model`, whose series and alerts then select each model's target labels
 * besides the `slo` label); {@link Slo.panels} gives the dashboard panels.
 *
 * ```ts
 * new Slo(models, 'iris-availability', { traffic, objective: SloObjective.availability(0.995) });
 * new Slo(models, 'iris-latency', { traffic, objective: SloObjective.latency(0.5, 0.95) });
 * ```
 *
 * @see https://sre.google/workbook/alerting-on-slos/
 */
export class Slo extends Construct {
  /** The SLO name (`slo` label). */
  public readonly sloName: string;
  /** The objective. */
  public readonly objective: SloObjective;
  /** The compliance window. */
  public readonly window: Duration;
  /** The rules. */
  public readonly prometheusRule: PrometheusRule;
  private readonly traffic: RequestMetrics;
  private readonly shared: boolean;

  public constructor(scope: Construct, id: string, props: SloProps) {
    checkProps(childPath(scope, id), props, 'SloProps');
    super(scope, id);
    this.sloName = assertDnsLabel(this, 'name', props.name ?? id, 57);
    this.objective = props.objective;
    this.traffic = props.traffic;
    this.shared = props.model !== undefined;
    this.window = props.window ?? Duration.days(30);
    requireShape(this, 'objective', props.objective, (v): v is SloObjective => hasProperty(v, 'target'), 'an SloObjective', 'use SloObjective.availability(0.995) or SloObjective.latency(Duration.millis(500), 0.99)');
    const target = props.objective.target;
    if (!(target > 0 && target < 1)) invalid(this, 'objective.target', 'must be strictly between 0 and 1', target, 'use e.g. 0.995 for 99.5%');
    if (this.window.toHours({ integral: false }) < 24 * 7) invalid(this, 'window', 'must be at least 7 days', formatPromDuration(this.window), 'use Duration.days(28) or Duration.days(30)');
    const thresholdS = props.objective.kind === 'latency' ? latencyThresholdSeconds(this, 'objective.threshold', props.objective.threshold!, 'SloObjective.latency(Duration.millis(500), 0.95)') : NaN;
    const sli = (w: Duration): string | undefined => (props.objective.kind === 'availability' ? props.traffic.errorRatio(w) : props.traffic.slowRatio(props.objective.threshold!, w));
    const h = props.traffic.spec.latency;
    if (props.objective.kind === 'latency' && h && !isBucketBound(h, thresholdS)) {
      const unit = secondsPerUnit(h);
      const bounds = h.buckets!.map((b) => b * unit).filter((b) => b >= thresholdS / 2 && b <= thresholdS * 2);
      invalid(this, 'objective.threshold', `is not a bucket bound of ${h.metric} (${props.traffic.spec.source}), so the share of requests under it cannot be read from the histogram`, `${formatNumber(thresholdS)}s`, `use a bound of the histogram (near it: ${bounds.map((b) => formatNumber(b)).join(', ') || 'none'} s), or measure latency where the buckets are round, e.g. at the gateway`);
    }
        if (!sli(Duration.minutes(5))) {
      invalid(this, 'traffic', `has no ${props.objective.kind === 'availability' ? 'error' : 'latency'} signal for a ${props.objective.kind} SLO`, props.traffic.spec.source, props.objective.kind === 'availability' ? 'measure at the gateway or mesh, e.g. RequestMetrics.envoyCluster(...) or RequestMetrics.istio(...)' : 'use a source with a latency histogram');
    }

    const budget = 1 - target;
    const catalog = MetricCatalog.merge(`slo-${props.traffic.spec.catalog.name}`, [props.traffic.spec.catalog]);
    const sloLabel = { slo: this.sloName };
    const records: RecordingRule[] = RECORD_WINDOWS.map((w) => ({ record: Slo.recordName(w), expr: sli(w)!, labels: sloLabel }));
    const period = formatPromDuration(this.window);
    const by = props.traffic.groupBy.join(', ');
    records.push({
      record: Slo.recordName(this.window),
      expr: `sum by (${by}, slo) (sum_over_time(${this.series(Duration.minutes(5))}[${period}]))\n/\nsum by (${by}, slo) (count_over_time(${this.series(Duration.minutes(5))}[${period}]))`,
      labels: sloLabel,
    });
    const windowHours = this.window.toHours({ integral: false });
    const burn = (pairs: readonly BurnWindow[]): string =>
      pairs
        .map((p) => {
          const factor = formatNumber((p.budgetShare * windowHours) / p.long.toHours({ integral: false }));
          const limit = `(${factor} * ${formatNumber(budget)})`;
          return `(\n  ${this.series(p.long)} > ${limit}\n  and\n  ${this.series(p.short)} > ${limit}\n)`;
        })
        .join('\nor\n');
    const factorOf = (p: BurnWindow): number => (p.budgetShare * windowHours) / p.long.toHours({ integral: false });
    const what = props.objective.kind === 'availability' ? `${formatNumber(target * 100)}% of requests succeed` : `${formatNumber(target * 100)}% of requests are faster than ${formatNumber(thresholdS)}s`;
    const targetText = [...new Set([...Object.keys(props.traffic.spec.target), ...(props.model ? [props.model.modelLabel] : [])])].sort().map((k) => `${k}={{ $labels.${k} }}`).join(', ');
    const alerts: AlertRule[] = [];
    alerts.push({
      name: 'SloErrorBudgetBurnFast',
      expr: burn(PAGE),
      for: Duration.minutes(2),
      severity: Severity.CRITICAL,
      summary: `SLO {{ $labels.slo }} burns its error budget fast (${targetText})`,
      description: `The SLO "${what}" over ${period} is burning its error budget at more than ${formatNumber(factorOf(PAGE[1]))}x the sustainable rate: at this pace the whole budget is gone in under ${formatNumber(Math.floor(windowHours / factorOf(PAGE[0])))} hours.`,
      runbookUrl: runbookUrl(this, props.runbookBaseUrl, 'SloErrorBudgetBurnFast'),
      tests: this.burnTests(factorOf(PAGE[0]) * 1.5, Duration.minutes(2), budget),
    });
    alerts.push({
      name: 'SloErrorBudgetBurnSlow',
      expr: burn(TICKET),
      for: Duration.minutes(15),
      severity: Severity.WARNING,
      summary: `SLO {{ $labels.slo }} burns its error budget (${targetText})`,
      description: `The SLO "${what}" over ${period} is burning its error budget faster than it can sustain (more than ${formatNumber(factorOf(TICKET[1]))}x over 3 days or ${formatNumber(factorOf(TICKET[0]))}x over 1 day).`,
      runbookUrl: runbookUrl(this, props.runbookBaseUrl, 'SloErrorBudgetBurnSlow'),
      tests: this.burnTests(factorOf(TICKET[0]) * 1.5, Duration.minutes(15), budget),
    });
    const labels = checkedRecord(this, 'labels', props.labels);
    const groups = [
      { name: `slo.${this.sloName}.sli`, records },
      { name: `slo.${this.sloName}.alerts`, alerts },
    ];
    if (props.model) {
      this.prometheusRule = joinModelKindRules(this, { ...props.model, name: this.sloName, suffix: 'slo', alertPrefix: 'Slo', catalog, labels, groups });
    } else {
      this.prometheusRule = new PrometheusRule(this, 'Rules', { name: `${this.sloName}-slo`, alertPrefix: 'Slo', catalog, labels });
      for (const g of groups) {
        const group = this.prometheusRule.addGroup(g.name);
        for (const r of g.records ?? []) group.addRecord(r);
        for (const a of g.alerts ?? []) group.addAlert(a);
      }
    }
  }

  /** `slo:sli_error:ratio_rate<window>`: the recorded error ratio over `window`. */
  public static recordName(window: Duration): string {
    return `slo:sli_error:ratio_rate${formatPromDuration(window)}`;
  }

  /** Every series name the SLO records. */
  public get recordedSeries(): readonly string[] {
    return this.prometheusRule.recordedSeries;
  }

  /** Dashboard panels: the SLI over the alert windows and the error budget left over the compliance window. */
  public panels(): PanelBuilderLike[] {
    const budget = 1 - this.objective.target;
    const title = `${this.sloName} (${this.objective.kind}, ${formatNumber(this.objective.target * 100)}%)`;
    return [
      statPanel({ title: `${title}: error budget left`, unit: 'percentunit', queries: [{ expr: `1 - ${this.series(this.window)} / ${formatNumber(budget)}`, legend: '{{slo}}' }] }),
      timeseriesPanel({ title: `${title}: error ratio`, unit: 'percentunit', queries: [Duration.minutes(5), Duration.hours(1), Duration.hours(6), Duration.days(1)].map((w) => ({ expr: this.series(w), legend: formatPromDuration(w) })) }),
    ];
  }

  private series(window: Duration): string {
    // A kind's SLO is shared by its models: each model's series by its target labels too.
    return selector(Slo.recordName(window), [LabelMatcher.eq('slo', this.sloName), ...(this.shared ? LabelMatcher.fromRecord(this.traffic.spec.target) : [])]);
  }

  private burnTests(burnFactor: number, forDuration: Duration, budget: number): AlertTestCase[] {
    const samples = Math.ceil(forDuration.toMinutes() + 40);
    const evalTime = Duration.minutes(forDuration.toMinutes() + 30);
    const expected = { ...this.traffic.spec.target, slo: this.sloName };
    const bad = Math.min(1, budget * burnFactor);
    const good = budget * 0.5;
    const traffic = (badShare: number) =>
      this.objective.kind === 'availability'
        ? this.traffic.series({ errorRatio: badShare, samples })
        : this.traffic.series({ latency: [[latencyThresholdSeconds(this, 'objective.threshold', this.objective.threshold!, 'SloObjective.latency(Duration.millis(500), 0.95)'), 1 - badShare]], samples });
    return [
      { description: `bad share ${formatNumber(bad)} burns the budget ${formatNumber(burnFactor)}x`, evalTime, series: traffic(bad), expectedAlerts: [expected] },
      { description: `bad share ${formatNumber(good)} is half the budget`, evalTime, series: traffic(good), expectedAlerts: [] },
    ];
  }
}
