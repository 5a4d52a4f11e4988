import { Duration } from 'cdk8s';
import { formatNumber, LabelMatcher, selector } from './promql';

/** One `input_series` entry of a `promtool test rules` file. */
export interface InputSeries {
  /** The series in PromQL notation: `metric{label="value"}`. */
  readonly series: string;
  /** Its samples in promtool's expanding notation, e.g. `0+60x30` (31 samples). */
  readonly values: string;
}

/**
 * One unit-test case of an alert: input series and the alerts expected at
 * `evalTime`. A case with no expected alerts proves the alert stays silent.
 *
 * Cases are built by the same code that builds the alert's expression, from
 * the same threshold, so a threshold changed through props changes both.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/
 */
export interface AlertTestCase {
  /** What the case shows, e.g. `error ratio 10% is above 5%`. */
  readonly description: string;
  /** `input_series`. */
  readonly series: readonly InputSeries[];
  /** `interval`: spacing of the samples. @default Duration.minutes(1) */
  readonly interval?: Duration;
  /** `eval_time`: when the alert is evaluated, from the first sample. */
  readonly evalTime: Duration;
  /**
   * The labels each expected alert carries from its expression (the rule's
   * own labels, such as `severity`, are added when the test file is
   * rendered). Empty: the alert must not fire.
   */
  readonly expectedAlerts: ReadonlyArray<Readonly<Record<string, string>>>;
}

/** Series helpers for test cases; all sample counts cover `samples` intervals. */
export class TestSeries {
  /** A counter that grows by `perSecond` × the interval at every sample, starting at 0. */
  public static counter(metric: string, labels: Readonly<Record<string, string>>, perSecond: number, samples: number, interval: Duration = Duration.minutes(1)): InputSeries {
    const step = perSecond * interval.toSeconds();
    return { series: TestSeries.name(metric, labels), values: `0+${formatNumber(step)}x${samples}` };
  }

  /** A gauge that holds `value` for every sample. */
  public static gauge(metric: string, labels: Readonly<Record<string, string>>, value: number, samples: number): InputSeries {
    return { series: TestSeries.name(metric, labels), values: `${formatNumber(value)}+0x${samples}` };
  }

  /** `metric{labels}` in key order. */
  public static name(metric: string, labels: Readonly<Record<string, string>>): string {
    return selector(metric, LabelMatcher.fromRecord(labels));
  }

  private constructor() {}
}
