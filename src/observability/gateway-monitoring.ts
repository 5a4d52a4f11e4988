import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from '../core/errors';
import { checkProps, hasProperty, optionalNumber, optionalString, requireShape } from '../core/prop-types';
import { IBackend } from '../core/backend';
import { GATEWAY_NAME_LABEL } from '../gateway/gateway-provider';
import { IGateway } from '../gateway/gateway';
import { HttpBackend, HttpRoute } from '../routing/http-route';
import { AlertText, Alerts } from './alert-templates';
import { IMonitoringBundle, MonitoringBundleProps } from './bundle';
import { Catalogs } from './catalogs';
import { MetricCatalog } from './metric-catalog';
import { PanelBuilderLike, timeseriesPanel } from './panels';
import { PrometheusRule } from './prometheus-rule';
import { formatNumber, LabelMatcher, selector } from './promql';
import { CounterRef, LatencyUnit, RequestMetrics } from './request-metrics';
import { runbookUrl } from './runbook';
import { PodMonitor } from './scrape';
import { Severity } from './severity';
import { checkedRecord } from '../core/records';

/** How one gateway implementation exposes its data-plane metrics. */
interface GatewayMetricsProfile {
  readonly catalog: MetricCatalog;
  readonly port: number;
  readonly path: string;
  /** Pod label that carries the Gateway's name. */
  readonly gatewayLabel: string;
  /** Label that tells routes (backends) apart. */
  readonly routeLabel: string;
  readonly listener: (namespace: string, gateway: string) => RequestMetrics;
  readonly perRoute: CounterRef;
  readonly perRouteErrors: CounterRef;
  readonly perRouteLatency: string;
  readonly perRouteLatencyUnit: number;
  readonly rateLimited: CounterRef;
  readonly authFailures: readonly CounterRef[];
  readonly authTotal: CounterRef;
  /** LLM token and time-to-first-token panels, for a gateway that parses LLM traffic itself. @default - none */
  readonly llmPanels?: (sel: (metric: string) => string, w: string, gateway: string) => PanelBuilderLike[];
}

const ENVOY_BASED = {
  catalog: MetricCatalog.merge('envoy-gateway-proxy', [Catalogs.ENVOY, Catalogs.PROMETHEUS, Catalogs.KUBERNETES]),
  routeLabel: 'envoy_cluster_name',
  listener: (namespace: string, gateway: string) => RequestMetrics.envoyGateway(namespace, gateway),
  perRoute: { metric: 'envoy_cluster_upstream_rq_total' },
  perRouteErrors: { metric: 'envoy_cluster_upstream_rq_xx', matchers: [LabelMatcher.eq('envoy_response_code_class', '5')] },
  perRouteLatency: 'envoy_cluster_upstream_rq_time_bucket',
  perRouteLatencyUnit: 0.001,
  rateLimited: { metric: 'envoy_cluster_ratelimit_over_limit' },
  authFailures: [{ metric: 'envoy_cluster_ext_authz_denied' }, { metric: 'envoy_http_jwt_authn_denied' }],
  authTotal: { metric: 'envoy_http_downstream_rq_total' },
} as const;

/** agentgateway's request counter (`crates/agentgateway/src/telemetry/metrics.rs` `requests`, label `reason` from `ProxyResponseReason`). */
const AGW_REQUESTS = 'agentgateway_requests_total';
/**
 * The `reason` of requests the proxy refused in authentication or authorization (crates/agentgateway/src/proxy/mod.rs
 * `ProxyResponseReason`; `Oidc` answers 401 when an OIDC policy finds no session, `OidcFailure(AuthenticationRequired)`).
 */
const AGW_AUTH_REASONS = 'JwtAuth|APIKeyAuth|BasicAuth|Oidc|ExtAuth|Authorization';

/**
 * agentgateway v1.4.1: its own metrics (not Envoy's). The proxy serves them
 * on 15020 `/metrics` (crates/agentgateway/src/config.rs, the `metrics`
 * container port of controller/pkg/helm/agentgateway/templates/_helpers.tpl).
 * Its series carry their own `gateway` label (`<namespace>/<name>`); the
 * PodMonitor's target label `gateway` (the pod's Gateway name) replaces it,
 * Prometheus keeping the scraped one as `exported_gateway`.
 */
const AGENTGATEWAY_PROFILE: GatewayMetricsProfile = {
  catalog: MetricCatalog.merge('agentgateway-proxy', [Catalogs.AGENTGATEWAY, Catalogs.PROMETHEUS, Catalogs.KUBERNETES]),
  port: 15020,
  path: '/metrics',
  gatewayLabel: GATEWAY_NAME_LABEL,
  routeLabel: 'route',
  listener: (namespace, gateway) => RequestMetrics.agentgateway(namespace, gateway),
  perRoute: { metric: AGW_REQUESTS },
  perRouteErrors: { metric: AGW_REQUESTS, matchers: [LabelMatcher.re('status', '5..')] },
  perRouteLatency: 'agentgateway_request_duration_seconds_bucket',
  perRouteLatencyUnit: 1,
  // RateLimitExceeded answers 429; RateLimitFailed (the rate limit service failing closed) has the same reason but 500.
  rateLimited: { metric: AGW_REQUESTS, matchers: [LabelMatcher.eq('reason', 'RateLimit'), LabelMatcher.eq('status', '429')], sample: { reason: 'RateLimit', status: '429' } },
  authFailures: [{ metric: AGW_REQUESTS, matchers: [LabelMatcher.re('reason', AGW_AUTH_REASONS), LabelMatcher.re('status', '401|403')], sample: { reason: 'JwtAuth', status: '401' } }],
  authTotal: { metric: AGW_REQUESTS, sample: { reason: 'Upstream', status: '200' } },
  llmPanels: (sel, w, gateway) => [
    timeseriesPanel({
      title: `${gateway}: LLM tokens per model`,
      unit: 'short',
      queries: [{ expr: `sum by (gen_ai_request_model, gen_ai_token_type) (rate(${sel('agentgateway_gen_ai_client_token_usage_sum')}[${w}]))`, legend: '{{gen_ai_request_model}} {{gen_ai_token_type}}' }],
    }),
    timeseriesPanel({
      title: `${gateway}: LLM time to first token per model`,
      unit: 's',
      queries: [0.5, 0.95].map((q) => ({ expr: `histogram_quantile(${q}, sum by (le, gen_ai_request_model) (rate(${sel('agentgateway_gen_ai_server_time_to_first_token_bucket')}[${w}])))`, legend: `p${q * 100} {{gen_ai_request_model}}` })),
    }),
  ],
};

const PROFILES: Readonly<Record<string, GatewayMetricsProfile>> = {
  kgateway: { ...ENVOY_BASED, port: 9091, path: '/metrics', gatewayLabel: GATEWAY_NAME_LABEL },
  'envoy-gateway': { ...ENVOY_BASED, port: 19001, path: '/stats/prometheus', gatewayLabel: 'gateway.envoyproxy.io/owning-gateway-name' },
  istio: {
    catalog: MetricCatalog.merge('istio-gateway-proxy', [Catalogs.ISTIO, Catalogs.ENVOY, Catalogs.PROMETHEUS, Catalogs.KUBERNETES]),
    port: 15090,
    path: '/stats/prometheus',
    gatewayLabel: GATEWAY_NAME_LABEL,
    routeLabel: 'destination_service_name',
    listener: (namespace, gateway) =>
      RequestMetrics.custom({
        source: 'the gateway (Istio)',
        catalog: Catalogs.ISTIO,
        target: { namespace, gateway },
        requests: { metric: 'istio_requests_total', sample: { response_code: '200' } },
        errors: { metric: 'istio_requests_total', matchers: [LabelMatcher.re('response_code', '5..')], sample: { response_code: '503' } },
        latency: { metric: 'istio_request_duration_milliseconds', unit: LatencyUnit.MILLISECONDS },
      }),
    perRoute: { metric: 'istio_requests_total' },
    perRouteErrors: { metric: 'istio_requests_total', matchers: [LabelMatcher.re('response_code', '5..')] },
    perRouteLatency: 'istio_request_duration_milliseconds_bucket',
    perRouteLatencyUnit: 0.001,
    rateLimited: { metric: 'istio_requests_total', matchers: [LabelMatcher.eq('response_code', '429')], sample: { response_code: '429' } },
    authFailures: [{ metric: 'istio_requests_total', matchers: [LabelMatcher.re('response_code', '401|403')], sample: { response_code: '403' } }],
    authTotal: { metric: 'istio_requests_total', sample: { response_code: '200' } },
  },
  agentgateway: AGENTGATEWAY_PROFILE,
};

/** Props of {@link GatewayMonitoring}. */
export interface GatewayMonitoringProps extends MonitoringBundleProps {
  /** The Gateway; its provider must be kgateway, Envoy Gateway, Istio or agentgateway (Kong has {@link KongMonitoring}). */
  readonly gateway: IGateway;
  /** Port of the proxies' Prometheus endpoint. @default - the provider's: kgateway 9091 and agentgateway 15020 `/metrics`, Envoy Gateway 19001 and Istio 15090 `/stats/prometheus` */
  readonly metricsPort?: number;
  /** Path of the proxies' Prometheus endpoint. @default - the provider's */
  readonly metricsPath?: string;
  /** Share of responses that are 5xx above which `Gateway5xxRatioHigh` fires (0-1). @default 0.05 */
  readonly errorRatio?: number;
  /** Rate-limited (429) requests per second per route above which `GatewayRateLimitedSustained` fires after 15 minutes. @default 1 */
  readonly rateLimitedPerSecond?: number;
  /** Share of requests denied by authentication or authorization (401/403) above which `GatewayAuthFailureSpike` fires (0-1). @default 0.1 */
  readonly authFailureRatio?: number;
}

/**
 * Monitoring for one Gateway's data plane (Envoy stats for kgateway and
 * Envoy Gateway, Istio standard metrics for Istio, agentgateway's own
 * `agentgateway_*` metrics for agentgateway), as one bundle:
 *
 * - `PodMonitor/<gateway>-proxy`: the proxy pods, with a `gateway` target label;
 * - `PrometheusRule/<gateway>-gateway-alerts`: `GatewayDown`, `Gateway5xxRatioHigh`
 *   (> 5%), `GatewayRateLimitedSustained` (429s per route above 1/s for 15 minutes),
 *   `GatewayAuthFailureSpike` (401/403 above 10% of requests).
 *
 * {@link trafficTo} gives the gateway's view of a backend (requests, 5xx,
 * latency) for model alerts and SLOs; {@link panels} gives the platform
 * dashboard's gateway panels.
 *
 * ```ts
 * const gw = new GatewayMonitoring(system, 'gateway-monitoring', { gateway });
 * new KServeModelMonitoring(models, 'iris-monitoring', { model: iris, traffic: gw.trafficTo(iris) });
 * ```
 */
export class GatewayMonitoring extends Construct implements IMonitoringBundle {
  public readonly monitor: PodMonitor;
  public readonly prometheusRule: PrometheusRule;
  /** Every request the gateway's listeners received. */
  public readonly traffic: RequestMetrics;
  /** The catalog the rules and panels read. */
  public readonly catalog: MetricCatalog;
  /** The provider id (`kgateway`, `envoy-gateway`, `istio`, `agentgateway`). */
  public readonly providerId: string;
  /** The monitored Gateway. */
  public readonly gateway: IGateway;
  private readonly profile: GatewayMetricsProfile;
  private readonly target: Record<string, string>;

  public constructor(scope: Construct, id: string, props: GatewayMonitoringProps) {
    super(scope, id);
    checkProps(this, props, 'GatewayMonitoringProps');
    requireShape(this, 'gateway', props.gateway, (v): v is IGateway => hasProperty(v, 'gatewayName') && hasProperty(v, 'parentRef'), 'a Gateway', 'pass the Gateway construct to monitor');
    optionalString(this, 'metricsPath', props.metricsPath, "write the path as a string, e.g. '/stats/prometheus'");
    optionalNumber(this, 'metricsPort', props.metricsPort);
    const gw = props.gateway;
    const providerId = gw.provider?.id;
    const profile = providerId ? PROFILES[providerId] : undefined;
    if (!profile || !gw.dataPlane) {
      invalid(this, 'gateway', `must be served by kgateway, Envoy Gateway, Istio or agentgateway with known proxy pods (provider: ${providerId ?? 'unknown'})`, gw.gatewayName, providerId === 'kong' ? 'use KongMonitoring for Kong' : 'pass provider: GatewayProvider.KGATEWAY (or ENVOY_GATEWAY, ISTIO, AGENTGATEWAY) on the Gateway');
    }
    this.providerId = providerId!;
    this.gateway = gw;
    this.profile = profile;
    this.catalog = profile.catalog;
    const dataPlane = gw.dataPlane;
    this.target = { namespace: dataPlane.namespace, gateway: gw.gatewayName };
    this.traffic = profile.listener(dataPlane.namespace, gw.gatewayName);

    this.monitor = new PodMonitor(this, 'PodMonitor', {
      name: `${gw.gatewayName}-proxy`,
      selector: dataPlane.selector,
      namespaces: [dataPlane.namespace],
      port: props.metricsPort ?? profile.port,
      path: props.metricsPath ?? profile.path,
      podLabels: { gateway: profile.gatewayLabel },
      labels: checkedRecord(this, 'labels', props.labels),
      prometheus: props.prometheus,
    });

    this.prometheusRule = new PrometheusRule(this, 'Rules', { name: `${gw.gatewayName}-gateway-alerts`, alertPrefix: 'Gateway', catalog: this.catalog, labels: checkedRecord(this, 'labels', props.labels) });
    const group = this.prometheusRule.addGroup(`gateway.${dataPlane.namespace}.${gw.gatewayName}`);
    const where = `Gateway ${gw.gatewayNamespace ?? dataPlane.namespace}/${gw.gatewayName}`;
    const text = (suffix: string, severity: Severity, forDuration: Duration, summary: string, description: string): AlertText => ({
      name: `Gateway${suffix}`,
      severity,
      for: forDuration,
      summary,
      description,
      runbookUrl: runbookUrl(this, props.runbookBaseUrl, `Gateway${suffix}`),
      labels: { gateway_provider: this.providerId },
    });
    const errorRatio = ratioProp(this, 'errorRatio', props.errorRatio ?? 0.05);
    const rateLimited = props.rateLimitedPerSecond ?? 1;
    if (!(rateLimited > 0)) invalid(this, 'rateLimitedPerSecond', 'must be > 0', rateLimited, 'use e.g. 1');
    const authRatio = ratioProp(this, 'authFailureRatio', props.authFailureRatio ?? 0.1);

    group.addAlert(Alerts.targetDown(text('Down', Severity.CRITICAL, Duration.minutes(5), `${where}: no proxy is up`, 'No proxy pod of the gateway answers its metrics endpoint for 5 minutes: the gateway is likely down and every route fails.'), this.target));
    group.addAlert(
      Alerts.errorRatio(this.traffic, text('5xxRatioHigh', Severity.CRITICAL, Duration.minutes(5), `${where}: more than ${formatNumber(errorRatio * 100)}% of responses are 5xx`, `More than ${formatNumber(errorRatio * 100)}% of the responses the gateway sent were server errors (5xx) for 5 minutes.`), { threshold: errorRatio, window: Duration.minutes(5) }),
    );
    group.addAlert(
      Alerts.rateAbove(text('RateLimitedSustained', Severity.WARNING, Duration.minutes(15), `${where}: route {{ $labels.${profile.routeLabel} }} is rate limited`, `More than ${formatNumber(rateLimited)} requests per second to route {{ $labels.${profile.routeLabel} }} have been rejected with 429 for 15 minutes: a client exceeds its tier, or the tier is too small.`), {
        counter: profile.rateLimited,
        target: this.target,
        groupBy: ['namespace', 'gateway', profile.routeLabel],
        sample: { [profile.routeLabel]: 'route-a' },
        threshold: rateLimited,
        window: Duration.minutes(10),
      }),
    );
    group.addAlert(
      Alerts.ratio(text('AuthFailureSpike', Severity.WARNING, Duration.minutes(10), `${where}: many requests fail authentication`, `More than ${formatNumber(authRatio * 100)}% of requests have been denied by authentication or authorization (401/403) for 10 minutes: a credential leak scan, an expired key set, or a broken identity provider.`), {
        numerators: profile.authFailures,
        denominator: profile.authTotal,
        target: this.target,
        threshold: authRatio,
        window: Duration.minutes(5),
      }),
    );
  }

  /**
   * The gateway's view of requests to a backend (its Service port): Envoy
   * cluster stats for kgateway (`kube_<namespace>_<service>_<port>`), Istio
   * metrics for Istio, and for Envoy Gateway, whose clusters are per route
   * rule, the cluster of the one HTTPRoute rule of this Gateway that sends to
   * the backend (`httproute/<namespace>/<route>/rule/<index>`, found from the
   * routes of the app: create the route first). On agentgateway, the
   * `agentgateway_*` series of a Service backend, whose `backend` label is
   * `<service>.<namespace>.svc.cluster.local:<port>`.
   *
   * @throws ModelServingError for a backend without a namespace and port; on Envoy Gateway, for a backend no rule or
   *   several rules send to; on agentgateway, for a backend that is not a Service
   */
  public trafficTo(backend: IBackend): RequestMetrics {
    const ref = backend.backendRef;
    if (!ref.namespace || ref.port === undefined) invalid(this, 'backend', 'must have a namespace and a port', ref, 'pass an InferenceService or Backend.service(name, port, { namespace })');
    if (this.providerId === 'kgateway') return RequestMetrics.envoyCluster(`kube_${ref.namespace}_${ref.name}_${ref.port}`);
    if (this.providerId === 'agentgateway') {
      if ((ref.kind ?? 'Service') !== 'Service' || (ref.group ?? '') !== '') {
        invalid(this, 'backend', 'must be a Service on agentgateway (its `backend` label names a Service by host and port)', `${ref.group ?? ''}/${ref.kind}/${ref.name}`, 'monitor an InferencePool through its endpoint picker and model servers, or use RequestMetrics.agentgateway() with its backend label');
      }
      return RequestMetrics.agentgateway(this.target.namespace, this.target.gateway, { backend: agentgatewayServiceBackend(ref.name, ref.namespace, ref.port) });
    }
    if (this.providerId === 'istio') return RequestMetrics.istio(ref.namespace, ref.name, 'source', { grpc: ref.protocol === 'gRPC' });
    return RequestMetrics.envoyCluster(this.envoyGatewayCluster(backend));
  }

  /**
   * Envoy Gateway names its upstream clusters per route rule,
   * `httproute/<namespace>/<route>/rule/<index>` (envoyproxy/gateway
   * internal/gatewayapi: the route destination name), so the backend's
   * traffic is that of the one HTTPRoute rule of this Gateway that sends to it.
   *
   * @throws ModelServingError when no rule, or more than one, sends to the backend
   */
  private envoyGatewayCluster(backend: IBackend): string {
    const ref = backend.backendRef;
    const same = (b: IBackend | HttpBackend) => {
      const r = ('backend' in b ? b.backend : b).backendRef;
      return r.name === ref.name && r.namespace === ref.namespace && r.port === ref.port && (r.kind ?? 'Service') === (ref.kind ?? 'Service');
    };
    const rules = this.node.root.node
      .findAll()
      .filter((c): c is HttpRoute => c instanceof HttpRoute && c.parentGateways.includes(this.gateway))
      .flatMap((route) => route.rules.flatMap((rule, index) => ((rule.backends ?? []).some(same) ? [`httproute/${route.routeNamespace}/${route.routeName}/rule/${index}`] : [])));
    const where = `${ref.namespace}/${ref.name}:${ref.port}`;
    if (rules.length === 0) {
      invalid(this, 'backend', `is reached by no HTTPRoute rule of Gateway ${this.gateway.gatewayName} yet (Envoy Gateway measures traffic per route rule)`, where, 'create the HttpRoute to the backend before its monitoring');
    }
    if (rules.length > 1) invalid(this, 'backend', `is reached by ${rules.length} HTTPRoute rules (${rules.join(', ')}): Envoy Gateway measures each rule apart`, where, 'send the backend traffic through one route rule, or monitor the rules with RequestMetrics.envoyCluster()');
    return rules[0];
  }

  /** Panels of the platform dashboard for this gateway: requests, 5xx, latency percentiles per route, 429s per route, auth failures. */
  public panels(): PanelBuilderLike[] {
    const p = this.profile;
    const w = '$__rate_interval';
    const sel = (c: CounterRef): string => selector(c.metric, [...LabelMatcher.fromRecord(this.target), ...(c.matchers ?? [])]);
    const by = p.routeLabel;
    const name = this.target.gateway;
    return [
      timeseriesPanel({ title: `${name}: requests per route`, unit: 'reqps', queries: [{ expr: `sum by (${by}) (rate(${sel(p.perRoute)}[${w}]))`, legend: `{{${by}}}` }] }),
      timeseriesPanel({ title: `${name}: 5xx per route`, unit: 'reqps', queries: [{ expr: `sum by (${by}) (rate(${sel(p.perRouteErrors)}[${w}]))`, legend: `{{${by}}}` }] }),
      timeseriesPanel({
        title: `${name}: latency per route`,
        unit: 's',
        queries: [0.5, 0.95, 0.99].map((q) => ({ expr: `histogram_quantile(${q}, sum by (le, ${by}) (rate(${sel({ metric: p.perRouteLatency })}[${w}]))) * ${formatNumber(p.perRouteLatencyUnit)}`, legend: `p${q * 100} {{${by}}}` })),
      }),
      timeseriesPanel({ title: `${name}: rate-limited (429) per route`, unit: 'reqps', queries: [{ expr: `sum by (${by}) (rate(${sel(p.rateLimited)}[${w}]))`, legend: `{{${by}}}` }] }),
      timeseriesPanel({ title: `${name}: authentication and authorization failures`, unit: 'reqps', queries: p.authFailures.map((c) => ({ expr: `sum(rate(${sel(c)}[${w}]))`, legend: c.metric })) }),
      ...(p.llmPanels?.((metric) => sel({ metric }), w, name) ?? []),
    ];
  }
}

/**
 * The `backend` label agentgateway gives a Service backend: `<host>:<port>`
 * with the Service's cluster DNS name (crates/agentgateway/src/types/agent.rs
 * `Backend::name`; the controller's host is `kubeutils.GetServiceHostname`,
 * controller/pkg/utils/kubeutils/domain.go).
 */
function agentgatewayServiceBackend(service: string, namespace: string, port: number): string {
  return `${service}.${namespace}.svc.cluster.local:${port}`;
}

function ratioProp(scope: Construct, field: string, value: number): number {
  if (!(value > 0 && value < 1)) invalid(scope, field, 'must be strictly between 0 and 1', value, 'use e.g. 0.05 for 5%');
  return value;
}
