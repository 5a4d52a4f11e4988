import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AUTHORINO_POD_LABELS } from '../policy/kuadrant/kuadrant';
import { Alerts } from './alert-templates';
import { Catalogs } from './catalogs';
import { ComponentMonitoring, ComponentMonitoringProps } from './component-monitoring';
import { GrafanaDashboard } from './dashboard';
import { formatNumber, LabelMatcher } from './promql';
import { Severity } from './severity';
import { checkProps, childPath } from '../core/prop-types';

/** Props of {@link LimitadorMonitoring}. */
export interface LimitadorMonitoringProps extends ComponentMonitoringProps {
  /** Rate-limited requests per second per limit (tier) above which `LimitadorRateLimitedSustained` fires after 15 minutes. @default 1 */
  readonly rateLimitedPerSecond?: number;
}

/**
 * Monitoring for Kuadrant's Limitador (the rate limiter behind
 * RateLimitPolicy tiers), as one bundle: `PodMonitor/<name>` (pods
 * `app: limitador`, port 8080 `/metrics`, series labelled `limitador="<name>"`)
 * and `PrometheusRule/<name>-alerts` with `LimitadorDown` and
 * `LimitadorRateLimitedSustained`: 429s per limit (tier) by its
 * `limit_name`, which Limitador exports when started with
 * `--limit-name-in-labels`.
 *
 * @see https://docs.kuadrant.io/latest/limitador/limitador-server/docs/metrics/
 */
export class LimitadorMonitoring extends ComponentMonitoring {
  public readonly dashboard?: GrafanaDashboard = undefined;

  public constructor(scope: Construct, id: string, props: LimitadorMonitoringProps = {}) {
    checkProps(childPath(scope, id), props, 'LimitadorMonitoringProps');
    super(scope, id, props, { prefix: 'Limitador', label: 'limitador', title: 'Limitador', catalog: Catalogs.LIMITADOR, selector: { app: 'limitador' }, port: 8080, path: '/metrics' });
    const threshold = this.positive('rateLimitedPerSecond', props.rateLimitedPerSecond ?? 1);
    this.group.addAlert(
      Alerts.rateAbove(this.text('RateLimitedSustained', Severity.WARNING, Duration.minutes(15), `Limitador ${this.target.namespace}/${this.instanceName}: limit {{ $labels.limit_name }} rejects requests`, `More than ${formatNumber(threshold)} requests per second have been rate limited (429) by limit {{ $labels.limit_name }} of namespace {{ $labels.limitador_namespace }} for 15 minutes: a client exceeds its tier, or the tier is too small.`), {
        counter: { metric: 'limited_calls' },
        target: this.target,
        groupBy: ['limitador_namespace', 'limit_name'],
        sample: { limitador_namespace: 'models/route-a', limit_name: 'free' },
        threshold,
        window: Duration.minutes(10),
      }),
    );
  }
}

/** Props of {@link AuthorinoMonitoring}. */
export interface AuthorinoMonitoringProps extends ComponentMonitoringProps {
  /** Share of AuthConfig evaluations not `OK` (401/403) above which `AuthorinoDeniedSpike` fires (0-1). @default 0.1 */
  readonly deniedRatio?: number;
}

/**
 * Monitoring for Kuadrant's Authorino (the authorization service behind
 * AuthPolicy), as one bundle: `ServiceMonitor/<name>` on the metrics
 * Service the authorino-operator creates (`<authorino>-controller-metrics`,
 * labels `authorino-resource: authorino` and `app.kubernetes.io/component:
 * metrics`, port `http` 8080), reading `/metrics` (controller) and
 * `/server-metrics` (the `auth_server_*` authorization metrics), series
 * labelled `authorino="<name>"`; and `PrometheusRule/<name>-alerts` with
 * `AuthorinoDown` and `AuthorinoDeniedSpike` per AuthConfig. A PodMonitor
 * would find no target: the operator declares no container port on the
 * Authorino pods (authorino-operator v0.25.2 `pkg/reconcilers/deployment.go`,
 * `pkg/resources/k8s_services.go`). Per-AuthConfig metrics need
 * `spec.metrics.deep` on the Authorino CR or the AuthConfig.
 *
 * @see https://docs.kuadrant.io/latest/authorino/docs/user-guides/observability/#metrics
 */
export class AuthorinoMonitoring extends ComponentMonitoring {
  public readonly dashboard?: GrafanaDashboard = undefined;

  public constructor(scope: Construct, id: string, props: AuthorinoMonitoringProps = {}) {
    checkProps(childPath(scope, id), props, 'AuthorinoMonitoringProps');
    super(scope, id, props, {
      prefix: 'Authorino',
      label: 'authorino',
      title: 'Authorino',
      catalog: Catalogs.AUTHORINO,
      selector: { 'authorino-resource': 'authorino', 'app.kubernetes.io/component': 'metrics' },
      port: 8080,
      path: '/metrics',
      service: { portName: 'http', additionalPaths: ['/server-metrics'], pods: { selector: AUTHORINO_POD_LABELS, port: 8080 } },
    });
    const ratio = this.ratio('deniedRatio', props.deniedRatio ?? 0.1);
    this.group.addAlert(
      Alerts.ratio(this.text('DeniedSpike', Severity.WARNING, Duration.minutes(10), `Authorino ${this.target.namespace}/${this.instanceName}: many requests denied`, `More than ${formatNumber(ratio * 100)}% of authorization requests were denied (UNAUTHENTICATED or PERMISSION_DENIED, answered 401/403) for 10 minutes.`), {
        numerators: [{ metric: 'auth_server_authconfig_response_status', matchers: [LabelMatcher.ne('status', 'OK')], sample: { status: 'PERMISSION_DENIED' } }],
        denominator: { metric: 'auth_server_authconfig_total' },
        target: this.target,
        threshold: ratio,
        window: Duration.minutes(5),
      }),
    );
  }
}
