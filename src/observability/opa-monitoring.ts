import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Alerts } from './alert-templates';
import { Catalogs } from './catalogs';
import { ComponentMonitoring, ComponentMonitoringProps } from './component-monitoring';
import { GrafanaDashboard } from './dashboard';
import { formatNumber, LabelMatcher } from './promql';
import { Severity } from './severity';
import { OPA_DIAGNOSTIC_PORT } from '../policy/opa-authorizer';
import { checkProps, childPath } from '../core/prop-types';

/** Props of {@link OpaMonitoring}. */
export interface OpaMonitoringProps extends ComponentMonitoringProps {
  /** Share of OPA API requests answered 5xx above which `OpaApiErrorsHigh` fires (0-1). @default 0.05 */
  readonly errorRatio?: number;
}

/**
 * Monitoring for an Open Policy Agent deployment (the external authorizer),
 * as one bundle: `PodMonitor/<name>` (pods `app.kubernetes.io/name: opa`,
 * the diagnostic port 8282 `/metrics`, series labelled `opa="<name>"`; the
 * API port 8181 listens on localhost only) and
 * `PrometheusRule/<name>-alerts` with `OpaDown` and `OpaApiErrorsHigh`.
 * Decisions denied show up in the gateway's `GatewayAuthFailureSpike`.
 *
 * @see https://www.openpolicyagent.org/docs/monitoring#prometheus
 */
export class OpaMonitoring extends ComponentMonitoring {
  public readonly dashboard?: GrafanaDashboard = undefined;

  public constructor(scope: Construct, id: string, props: OpaMonitoringProps = {}) {
    checkProps(childPath(scope, id), props, 'OpaMonitoringProps');
    super(scope, id, props, { prefix: 'Opa', label: 'opa', title: 'OPA', catalog: Catalogs.OPA, selector: { 'app.kubernetes.io/name': 'opa' }, port: OPA_DIAGNOSTIC_PORT, path: '/metrics' });
    const ratio = this.ratio('errorRatio', props.errorRatio ?? 0.05);
    this.group.addAlert(
      Alerts.ratio(this.text('ApiErrorsHigh', Severity.WARNING, Duration.minutes(10), `OPA ${this.target.namespace}/${this.instanceName}: API errors`, `More than ${formatNumber(ratio * 100)}% of OPA API requests were answered with a 5xx for 10 minutes: policy evaluation fails.`), {
        numerators: [{ metric: 'http_request_duration_seconds_count', matchers: [LabelMatcher.re('code', '5..')], sample: { code: '500', handler: 'v1/data' } }],
        denominator: { metric: 'http_request_duration_seconds_count', sample: { code: '200', handler: 'v1/data' } },
        target: this.target,
        threshold: ratio,
        window: Duration.minutes(5),
      }),
    );
  }
}
