import { Duration } from 'cdk8s';
import { invalid } from '../core/errors';
import { IConstruct } from 'constructs';
import { AlertRule } from './alert-rule';
import { runbookUrl } from './runbook';
import { formatPromDuration, latencyThresholdSeconds } from './prom-duration';
import { formatNumber, LabelMatcher, selector } from './promql';
import { CounterRef, RequestMetrics } from './request-metrics';
import { Severity } from './severity';
import { AlertTestCase, InputSeries, TestSeries } from './test-series';

/** The texts and routing of an alert built by {@link Alerts}. */
export interface AlertText {
  /** `alert`: component-prefixed CamelCase. */
  readonly name: string;
  /** `labels.severity`. */
  readonly severity: Severity;
  /** `for`. */
  readonly for: Duration;
  /** `annotations.summary` (`{{ $labels.x }}` allowed). */
  readonly summary: string;
  /** `annotations.description` (`{{ $labels.x }}` allowed). */
  readonly description: string;
  /** `annotations.runbook_url`. */
  readonly runbookUrl: string;
  /** Extra rule labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Builds the {@link AlertText} of alert `<prefix><suffix>`. */
export type AlertTextBuilder = (suffix: string, severity: Severity, forDuration: Duration, summary: string, description: string) => AlertText;

/**
 * The text builder of a component's alerts: `<prefix><suffix>` with its
 * runbook under `runbookBaseUrl` (the alert name in kebab case) and
 * `labels`, e.g. for the model bundles, whose texts name the model by its
 * series' label (`{{ $labels.inferenceservice }}`).
 *
 * @throws ModelServingError when `runbookBaseUrl` is not an https URL ending in '/' or '#'
 */
export function alertTextBuilder(scope: IConstruct, prefix: string, runbookBaseUrl: string | undefined, labels?: Readonly<Record<string, string>>): AlertTextBuilder {
  return (suffix, severity, forDuration, summary, description) => {
    const name = `${prefix}${suffix}`;
    return { name, severity, for: forDuration, summary, description, runbookUrl: runbookUrl(scope, runbookBaseUrl, name), labels };
  };
}

/** Options of {@link Alerts.gaugeAbove}. */
export interface GaugeAboveOptions {
  /** The gauge. */
  readonly metric: string;
  /** Equality labels that select the target's series (and that the alert carries). */
  readonly target: Readonly<Record<string, string>>;
  /** More matchers, e.g. `state="active"`. @default - none */
  readonly matchers?: readonly LabelMatcher[];
  /** Labels besides the target's to aggregate by (their test values come from `sample`). @default - none */
  readonly by?: readonly string[];
  /** Labels of the test series besides the target's (values for `matchers` and `by`). @default - none */
  readonly sample?: Readonly<Record<string, string>>;
  /** Fires when the largest value is above this. */
  readonly threshold: number;
  /** The gauge's upper bound (1 for a ratio), so the breaching test value stays valid. @default - unbounded */
  readonly max?: number;
}

/** Options of {@link Alerts.rateAbove}. */
export interface RateAboveOptions {
  /** The counter. */
  readonly counter: CounterRef;
  /** Equality labels that select the target's series. */
  readonly target: Readonly<Record<string, string>>;
  /** Labels the rate is summed by (and the alert carries). */
  readonly groupBy: readonly string[];
  /** Test values of the `groupBy` labels that `target` does not give. */
  readonly sample: Readonly<Record<string, string>>;
  /** Per-second rate above which it fires (0: any increase). */
  readonly threshold: number;
  /** The rate window. */
  readonly window: Duration;
}

/** Options of {@link Alerts.ratio}. */
export interface RatioOptions {
  /** Counters summed on top (e.g. denials of several filters). */
  readonly numerators: readonly CounterRef[];
  /** The counter below (e.g. every request). */
  readonly denominator: CounterRef;
  /** Equality labels that select the target's series; the ratio is aggregated by their keys. */
  readonly target: Readonly<Record<string, string>>;
  /** Ratio (0-1) above which it fires. */
  readonly threshold: number;
  /** The rate window. */
  readonly window: Duration;
}

/** Sample spacing and count for cases that must cover `window` plus `for`. */
function timing(window: Duration, forDuration: Duration): { interval: Duration; samples: number; evalTime: Duration } {
  const totalMin = Math.ceil(window.toMinutes({ integral: false }) + forDuration.toMinutes({ integral: false })) + 5;
  const intervalMin = Math.max(1, Math.min(Math.floor(window.toMinutes({ integral: false }) / 5), Math.floor(totalMin / 300)));
  return { interval: Duration.minutes(intervalMin), samples: Math.ceil((totalMin + 10) / intervalMin), evalTime: Duration.minutes(totalMin) };
}

/** Throws unless `value` is a finite number (NaN and Infinity cannot be written as a PromQL threshold). */
function finite(where: string, field: string, value: number): void {
  if (!Number.isFinite(value)) invalid(where, field, 'must be a finite number', value, 'pass a finite threshold, e.g. 0.05');
}

function rule(text: AlertText, expr: string, tests: AlertTestCase[]): AlertRule {
  return { ...text, expr, tests };
}

/**
 * Builders of the alert shapes the bundles use. Each one writes the
 * expression and, from the same threshold, a breaching and a healthy input
 * for `promtool test rules`: change the threshold and both follow. Every
 * builder throws a ModelServingError for a threshold that is NaN or infinite.
 */
export class Alerts {
  /**
   * Failed share of requests above `threshold` (0-1) over `window`.
   *
   * @throws ModelServingError when `traffic` has no error counter or the threshold is not finite
   */
  public static errorRatio(traffic: RequestMetrics, text: AlertText, options: { readonly threshold: number; readonly window: Duration }): AlertRule {
    finite('Alerts.errorRatio', 'options.threshold', options.threshold);
    const ratio = traffic.errorRatio(options.window);
    if (!ratio) invalid('Alerts.errorRatio', 'traffic.spec.errors', `is required for an error-ratio alert: ${traffic.spec.source} has no error signal`, traffic.spec.errors, 'use a RequestMetrics source that counts failed requests (e.g. RequestMetrics.istio or .envoyCluster), or give RequestMetrics.custom an errors counter');
    const t = timing(options.window, text.for);
    const bad = Math.min(1, options.threshold * 2);
    const good = options.threshold / 2;
    return rule(text, `(\n${ratio}\n) > ${formatNumber(options.threshold)}`, [
      { description: `error ratio ${formatNumber(bad)} is above ${formatNumber(options.threshold)}`, interval: t.interval, evalTime: t.evalTime, series: traffic.series({ errorRatio: bad, samples: t.samples, interval: t.interval }), expectedAlerts: [traffic.spec.target] },
      { description: `error ratio ${formatNumber(good)} is below ${formatNumber(options.threshold)}`, interval: t.interval, evalTime: t.evalTime, series: traffic.series({ errorRatio: good, samples: t.samples, interval: t.interval }), expectedAlerts: [] },
    ]);
  }

  /**
   * The `quantile` latency above `threshold` over `window` (compared in the
   * histogram's unit: `> 0.5` for `Duration.millis(500)` on a seconds
   * histogram, `> 500` on a milliseconds one).
   *
   * @throws ModelServingError when `traffic` has no latency histogram, the quantile is not finite, or `threshold` is not a Duration (a bare number has no unit) or is zero
   */
  public static latency(traffic: RequestMetrics, text: AlertText, options: { readonly quantile: number; readonly threshold: Duration; readonly window: Duration }): AlertRule {
    finite('Alerts.latency', 'options.quantile', options.quantile);
    const thr = latencyThresholdSeconds('Alerts.latency', 'options.threshold', options.threshold, 'threshold: Duration.millis(500)');
    const expr = traffic.latencyAbove(options.quantile, options.threshold, options.window);
    if (!expr) invalid('Alerts.latency', 'traffic.spec.latency', `is required for a latency alert: ${traffic.spec.source} has no latency signal`, traffic.spec.latency, 'use a RequestMetrics source with a latency histogram, or add one with withLatency({ metric, unit })');
    const t = timing(options.window, text.for);
    // Every request between L/2 and L: the quantile lands in (L/2, L].
    const slow = traffic.series({ latency: [[thr, 0], [thr * 2, 1]], samples: t.samples, interval: t.interval });
    const fast = traffic.series({ latency: [[thr / 4, 0], [thr / 2, 1]], samples: t.samples, interval: t.interval });
    return rule(text, expr, [
      { description: `every request takes between ${formatNumber(thr)}s and ${formatNumber(thr * 2)}s`, interval: t.interval, evalTime: t.evalTime, series: slow, expectedAlerts: [traffic.spec.target] },
      { description: `every request takes at most ${formatNumber(thr / 2)}s`, interval: t.interval, evalTime: t.evalTime, series: fast, expectedAlerts: [] },
    ]);
  }

  /**
   * No scrape target of `target` is up: all report `up == 0`, or none exists
   * at all (`absent`). `target` holds equality labels of the targets.
   */
  public static targetDown(text: AlertText, target: Readonly<Record<string, string>>): AlertRule {
    const sel = selector('up', LabelMatcher.fromRecord(target));
    const by = Object.keys(target).sort().join(', ');
    const t = timing(Duration.minutes(1), text.for);
    const other = TestSeries.gauge('up', { job: 'unrelated' }, 1, t.samples);
    return rule(text, `(sum by (${by}) (${sel}) == 0)\nor\nabsent(${sel})`, [
      { description: 'every target reports up == 0', evalTime: t.evalTime, interval: t.interval, series: [TestSeries.gauge('up', { ...target, pod: 'pod-a' }, 0, t.samples), other], expectedAlerts: [target] },
      { description: 'no target exists', evalTime: t.evalTime, interval: t.interval, series: [other], expectedAlerts: [target] },
      { description: 'one of two targets is up', evalTime: t.evalTime, interval: t.interval, series: [TestSeries.gauge('up', { ...target, pod: 'pod-a' }, 1, t.samples), TestSeries.gauge('up', { ...target, pod: 'pod-b' }, 0, t.samples)], expectedAlerts: [] },
    ]);
  }

  /**
   * No replica of a Deployment is available, by kube-state-metrics
   * (`kube_deployment_status_replicas_available`), or the Deployment is not
   * reported at all: for workloads that serve no metrics endpoint of their
   * own to read `up` from.
   */
  public static noAvailableReplicas(text: AlertText, target: { readonly namespace: string; readonly deployment: string }): AlertRule {
    const metric = 'kube_deployment_status_replicas_available';
    const sel = selector(metric, LabelMatcher.fromRecord(target));
    const t = timing(Duration.minutes(1), text.for);
    const labels = { namespace: target.namespace, deployment: target.deployment };
    const other = TestSeries.gauge(metric, { namespace: target.namespace, deployment: 'unrelated' }, 1, t.samples);
    return rule(text, `(sum by (deployment, namespace) (${sel}) == 0)\nor\nabsent(${sel})`, [
      { description: 'no replica is available', evalTime: t.evalTime, interval: t.interval, series: [TestSeries.gauge(metric, labels, 0, t.samples), other], expectedAlerts: [labels] },
      { description: 'the Deployment is not reported', evalTime: t.evalTime, interval: t.interval, series: [other], expectedAlerts: [labels] },
      { description: 'one replica is available', evalTime: t.evalTime, interval: t.interval, series: [TestSeries.gauge(metric, labels, 1, t.samples)], expectedAlerts: [] },
    ]);
  }

  /**
   * Fires when a Knative revision Deployment of `target` wants replicas but
   * has none available. Knative names each revision's Deployment
   * `<revision>-deployment` (`<isvc>-predictor-00001-deployment` for a KServe
   * predictor) and scales it to zero when idle, so neither a fixed name nor
   * "zero available" alone can tell a broken model from an idle one: only a
   * Deployment with desired replicas and none available fires.
   *
   * @param target the namespace and an RE2 pattern of the revision Deployments' names
   * @see https://github.com/knative/serving/blob/knative-v1.23.0/pkg/reconciler/revision/resources/names/names.go (Deployment)
   */
  public static noAvailableRevisionReplicas(text: AlertText, target: { readonly namespace: string; readonly deploymentPattern: string }): AlertRule {
    const desired = 'kube_deployment_spec_replicas';
    const available = 'kube_deployment_status_replicas_available';
    const matchers = [LabelMatcher.eq('namespace', target.namespace), LabelMatcher.re('deployment', target.deploymentPattern)];
    const t = timing(Duration.minutes(1), text.for);
    const series = (deployment: string, want: number, ready: number) => {
      const labels = { namespace: target.namespace, deployment };
      return [TestSeries.gauge(desired, labels, want, t.samples), TestSeries.gauge(available, labels, ready, t.samples)];
    };
    const example = target.deploymentPattern.replace(/\[0-9\]\+|\[0-9\]\{5\}/, '00001');
    return rule(
      text,
      `(sum by (deployment, namespace) (${selector(desired, matchers)}) > 0)\nand on (deployment, namespace)\n(sum by (deployment, namespace) (${selector(available, matchers)}) == 0)`,
      [
        { description: 'the revision wants a replica and has none available', evalTime: t.evalTime, interval: t.interval, series: series(example, 1, 0), expectedAlerts: [{ namespace: target.namespace, deployment: example }] },
        { description: 'the revision is scaled to zero (idle)', evalTime: t.evalTime, interval: t.interval, series: series(example, 0, 0), expectedAlerts: [] },
        { description: 'the revision has its replica', evalTime: t.evalTime, interval: t.interval, series: series(example, 1, 1), expectedAlerts: [] },
      ],
    );
  }

  /**
   * The largest value of gauge `metric` among the series of `target` above
   * `threshold`. `max` bounds the gauge (e.g. 1 for a ratio) for the test values.
   */
  public static gaugeAbove(text: AlertText, options: GaugeAboveOptions): AlertRule {
    const thr = options.threshold;
    return gaugeRule(text, options, 'above', options.max !== undefined ? (thr + options.max) / 2 : thr === 0 ? 1 : thr * 1.5, thr === 0 ? 0 : thr / 2);
  }

  /**
   * The smallest value of gauge `metric` among the series of `target` below
   * `threshold` (e.g. ready endpoints below 1).
   */
  public static gaugeBelow(text: AlertText, options: GaugeAboveOptions): AlertRule {
    const thr = options.threshold;
    return gaugeRule(text, options, 'below', thr > 0 ? 0 : thr - 1, thr > 0 ? thr * 2 : thr + 1);
  }

  /**
   * The per-second rate of `counter`, summed by `groupBy`, above `threshold`
   * over `window` (a threshold of 0 fires on any increase). `sample` gives
   * the values of the `groupBy` labels for the test series.
   */
  public static rateAbove(text: AlertText, options: RateAboveOptions): AlertRule {
    finite('Alerts.rateAbove', 'options.threshold', options.threshold);
    const sel = selector(options.counter.metric, [...LabelMatcher.fromRecord(options.target), ...(options.counter.matchers ?? [])]);
    const expr = `sum by (${[...options.groupBy].sort().join(', ')}) (rate(${sel}[${formatPromDuration(options.window)}])) > ${formatNumber(options.threshold)}`;
    const t = timing(options.window, text.for);
    const labels = { ...options.target, ...options.sample, ...(options.counter.sample ?? {}) };
    const expected: Record<string, string> = {};
    for (const k of options.groupBy) expected[k] = labels[k];
    const bad = options.threshold === 0 ? 1 / 60 : options.threshold * 2;
    const good = options.threshold / 2;
    return rule(text, expr, [
      { description: `rate ${formatNumber(bad)}/s is above ${formatNumber(options.threshold)}/s`, interval: t.interval, evalTime: t.evalTime, series: [TestSeries.counter(options.counter.metric, labels, bad, t.samples, t.interval)], expectedAlerts: [expected] },
      { description: `rate ${formatNumber(good)}/s is not above ${formatNumber(options.threshold)}/s`, interval: t.interval, evalTime: t.evalTime, series: [TestSeries.counter(options.counter.metric, labels, good, t.samples, t.interval)], expectedAlerts: [] },
    ]);
  }

  /**
   * `sum(numerators) / denominator` above `threshold` (0-1) over `window`,
   * aggregated by the keys of `target`. A numerator on the denominator's own
   * metric is part of it (e.g. 401s among all requests).
   */
  public static ratio(text: AlertText, options: RatioOptions): AlertRule {
    finite('Alerts.ratio', 'options.threshold', options.threshold);
    const by = Object.keys(options.target).sort().join(', ');
    const w = formatPromDuration(options.window);
    const rateOf = (c: CounterRef): string => `rate(${selector(c.metric, [...LabelMatcher.fromRecord(options.target), ...(c.matchers ?? [])])}[${w}])`;
    const num = `sum by (${by}) (\n  ${options.numerators.map(rateOf).join('\n  or\n  ')}\n)`;
    const expr = `(\n${num}\n/\nsum by (${by}) (${rateOf(options.denominator)})\n) > ${formatNumber(options.threshold)}`;
    const t = timing(options.window, text.for);
    const series = (share: number): InputSeries[] => {
      const rps = 10;
      const first = options.numerators[0];
      const same = first.metric === options.denominator.metric;
      const out = [TestSeries.counter(options.denominator.metric, { ...options.target, ...(options.denominator.sample ?? {}) }, same ? rps * (1 - share) : rps, t.samples, t.interval)];
      if (share > 0) out.push(TestSeries.counter(first.metric, { ...options.target, ...(first.sample ?? {}) }, rps * share, t.samples, t.interval));
      return out;
    };
    const bad = Math.min(1, options.threshold * 2);
    const good = options.threshold / 2;
    return rule(text, expr, [
      { description: `ratio ${formatNumber(bad)} is above ${formatNumber(options.threshold)}`, interval: t.interval, evalTime: t.evalTime, series: series(bad), expectedAlerts: [options.target] },
      { description: `ratio ${formatNumber(good)} is below ${formatNumber(options.threshold)}`, interval: t.interval, evalTime: t.evalTime, series: series(good), expectedAlerts: [] },
    ]);
  }

  /**
   * Traffic split between revisions (a canary) for longer than `for`: the
   * busiest revision has less than `upper` of the requests and the least busy
   * more than `lower`.
   *
   * @throws ModelServingError when `traffic` has no revision label or a bound is not finite
   */
  public static canaryStuck(traffic: RequestMetrics, text: AlertText, options: { readonly lower: number; readonly upper: number; readonly window: Duration }): AlertRule {
    finite('Alerts.canaryStuck', 'options.lower', options.lower);
    finite('Alerts.canaryStuck', 'options.upper', options.upper);
    const share = traffic.splitShare(options.window);
    if (!share) invalid('Alerts.canaryStuck', 'traffic.spec.splitLabel', `is required for a canary alert: ${traffic.spec.source} has no revision label`, traffic.spec.splitLabel, "use a RequestMetrics source with a revision label (e.g. RequestMetrics.kserveModelServer), or give RequestMetrics.custom a splitLabel such as 'revision'");
    const by = traffic.groupBy.join(', ');
    const expr = `(\n  max by (${by}) (\n${share}\n  ) < ${formatNumber(options.upper)}\n)\nand\n(\n  min by (${by}) (\n${share}\n  ) > ${formatNumber(options.lower)}\n)`;
    const t = timing(options.window, text.for);
    const mid = (options.lower + options.upper) / 2;
    const tiny = options.lower / 2;
    return rule(text, expr, [
      { description: `canary at ${formatNumber(mid)} of traffic`, interval: t.interval, evalTime: t.evalTime, series: traffic.series({ split: { stable: 1 - mid, canary: mid }, samples: t.samples, interval: t.interval }), expectedAlerts: [traffic.spec.target] },
      { description: `canary at ${formatNumber(tiny)} of traffic`, interval: t.interval, evalTime: t.evalTime, series: traffic.series({ split: { stable: 1 - tiny, canary: tiny }, samples: t.samples, interval: t.interval }), expectedAlerts: [] },
      { description: 'one revision takes all traffic', interval: t.interval, evalTime: t.evalTime, series: traffic.series({ split: { stable: 1 }, samples: t.samples, interval: t.interval }), expectedAlerts: [] },
    ]);
  }

  private constructor() {}
}

/**
 * A gauge compared with a threshold (`max by (...) > thr` or `min by (...) < thr`), with a firing test case at
 * `bad` and a silent one at `good`.
 */
function gaugeRule(text: AlertText, options: GaugeAboveOptions, direction: 'above' | 'below', bad: number, good: number): AlertRule {
  finite(direction === 'above' ? 'Alerts.gaugeAbove' : 'Alerts.gaugeBelow', 'options.threshold', options.threshold);
  const byKeys = [...Object.keys(options.target), ...(options.by ?? [])].sort();
  const [aggregate, op] = direction === 'above' ? ['max', '>'] : ['min', '<'];
  const thr = options.threshold;
  const expr = `${aggregate} by (${byKeys.join(', ')}) (${selector(options.metric, [...LabelMatcher.fromRecord(options.target), ...(options.matchers ?? [])])}) ${op} ${formatNumber(thr)}`;
  const t = timing(Duration.minutes(1), text.for);
  const labels = { ...options.target, ...(options.sample ?? {}) };
  const expected: Record<string, string> = {};
  for (const k of byKeys) expected[k] = labels[k];
  return rule(text, expr, [
    { description: `${options.metric} is ${formatNumber(bad)}, ${direction} ${formatNumber(thr)}`, evalTime: t.evalTime, interval: t.interval, series: [TestSeries.gauge(options.metric, labels, bad, t.samples)], expectedAlerts: [expected] },
    { description: `${options.metric} is ${formatNumber(good)}, not ${direction} ${formatNumber(thr)}`, evalTime: t.evalTime, interval: t.interval, series: [TestSeries.gauge(options.metric, labels, good, t.samples)], expectedAlerts: [] },
  ]);
}
