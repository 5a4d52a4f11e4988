import { Chart, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import * as istio from '../../imports/istio-networking.istio.io';
import { renderContainer, TMP_VOLUME, toL1Shape } from '../core/container';
import { EnvValue } from '../core/env';
import { imageTag } from '../core/image';
import { invalid } from '../core/errors';
import { Labels } from '../core/labels';
import { Namespace } from '../core/namespace';
import { assertDnsLabel, policyId } from '../core/names';
import { FlowPeer, NetworkFlows } from '../core/flows';
import { NetworkPeer } from '../core/network-peer';
import { Platform } from '../core/platform';
import { assertInteger, INT32_MAX } from '../core/props';
import { checkProps, childPath, requireShape } from '../core/prop-types';
import { wholeSeconds } from '../core/duration';
import { ResourceRequirements } from '../core/resources';
import { SecretRef } from '../core/secret-ref';
import { WorkloadSecurity } from '../core/security';
import { ServiceAccount } from '../core/service-account';
import { sortRecord } from '../core/sort-keys';
import type { IGateway } from '../gateway/gateway';
import { proxyFlowPeer } from '../gateway/proxy-flow-peer';
import type { ApiServerEndpoint } from '../kong/kong-gateway';
import { DEFAULT_PROMETHEUS, PrometheusLocation, ServiceMonitor } from '../observability/scrape';
import { SecurityWaivers } from '../security/waivers';
import { EndpointPickerConfig } from './endpoint-picker-config';
import { findPlatformNamespace } from '../routing/route-wiring';
import { IEndpointPickerService, INFERENCE_POOL_GROUP, InferencePool } from './inference-pool';
import { ENVOY_AI_GATEWAY_NOTE, ISTIO_INFERENCE_NOTE, pickerDestinationRule } from './picker-gateway';

/**
 * The llm-d router endpoint picker image, pinned (the upstream chart
 * defaults to the moving `main` tag with `pullPolicy: Always`).
 * @see https://github.com/llm-d/llm-d-router/blob/v0.10.0/Makefile (EPP_IMAGE: ghcr.io/llm-d/llm-d-router-endpoint-picker:<release tag>)
 */
export const DEFAULT_ENDPOINT_PICKER_IMAGE = 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0';

/**
 * The picker's ports (llm-d-router v0.10.0 `pkg/epp/server/options.go` defaults,
 * `routerlib/templates/_deployment.yaml`).
 */
export const EndpointPickerPorts = {
  /** gRPC ext-proc, what the gateway calls (`--grpc-port`). */
  EXT_PROC: 9002,
  /** gRPC health (`--grpc-health-port`), for the probes. */
  HEALTH: 9003,
  /** Prometheus metrics (`--metrics-port`). */
  METRICS: 9090,
} as const;

/** The data key of the configuration in the picker's ConfigMap. */
export const ENDPOINT_PICKER_CONFIG_FILE = 'config.yaml';

/** Why the metrics auth ClusterRoles are waived from SEC-R03 (listed in the platform's security report). */
export const EPP_METRICS_AUTH_WAIVER =
  "The endpoint picker authenticates its metrics scrapers (controller-runtime's WithAuthenticationAndAuthorization, llm-d-router v0.10.0 cmd/epp/runner/runner.go): TokenReview and SubjectAccessReview are cluster-scoped APIs and '/metrics' is a non-resource URL, which only a ClusterRole can grant. Create-only reviews and a read of one URL; nothing else is cluster-wide.";

/**
 * How the picker's `/metrics` endpoint checks who scrapes it.
 *
 * @see https://github.com/llm-d/llm-d-router/blob/v0.10.0/config/charts/routerlib/templates/_rbac.yaml
 */
export class EndpointPickerMetricsAuth {
  /**
   * As upstream (`--metrics-endpoint-auth`, on by default): the picker
   * verifies a bearer token with a TokenReview and a SubjectAccessReview
   * (`get` on `/metrics`). The library adds a dedicated
   * `<name>-metrics-reader` ServiceAccount allowed to read `/metrics`, its
   * token Secret (filled by Kubernetes, no data in dist/), and has the
   * ServiceMonitor send that token (the chart reuses the picker's own
   * ServiceAccount; a separate reader keeps the picker's token off Prometheus).
   */
  public static serviceAccountToken(): EndpointPickerMetricsAuth {
    return new EndpointPickerMetricsAuth(true);
  }

  /**
   * No authentication (`--metrics-endpoint-auth=false`), for scrapers that
   * send no token (annotation-based scraping, Istio metrics merging). The
   * NetworkPolicy still admits only Prometheus.
   *
   * @param reason why (at least 10 characters), kept in the Deployment's annotations
   */
  public static disabled(reason: string): EndpointPickerMetricsAuth {
    return new EndpointPickerMetricsAuth(false, reason);
  }

  private constructor(
    /** True when the endpoint checks tokens. */
    public readonly enabled: boolean,
    /** Why it does not. */
    public readonly reason?: string,
  ) {}
}

/** Props of {@link EndpointPicker}. */
export interface EndpointPickerProps {
  /** The pool this picker schedules for (`--pool-name`, `--pool-namespace`); the pool's `endpointPickerRef` is set to this picker. */
  readonly pool: InferencePool;
  /** Name of the Deployment, Service, ConfigMap, ServiceAccount and Role. @default `<pool name>-epp` (as the upstream chart) */
  readonly name?: string;
  /** The picker image, pinned. @default DEFAULT_ENDPOINT_PICKER_IMAGE */
  readonly image?: string;
  /**
   * Replicas. Above 1 the picker runs leader election (`--ha-enable-leader-election`,
   * a Role on leases), and gets a PodDisruptionBudget and a spread constraint.
   * @default 1 (upstream's recommendation: one active replica keeps the prefix-cache state in one place)
   */
  readonly replicas?: number;
  /** The scheduling configuration. @default EndpointPickerConfig.default() (the chart's default-plugins.yaml) */
  readonly config?: EndpointPickerConfig;
  /**
   * Container resources.
   * @default requests cpu 4, memory 8Gi; limits cpu 8, memory 16Gi (the chart requests 8 CPUs and caps memory at 16Gi, leaving CPU unbounded; a limit is required here)
   */
  readonly resources?: ResourceRequirements;
  /** Metrics endpoint authentication. @default EndpointPickerMetricsAuth.serviceAccountToken() */
  readonly metricsAuth?: EndpointPickerMetricsAuth;
  /** Emit a ServiceMonitor for the picker's metrics. @default true */
  readonly monitoring?: boolean;
  /** The Prometheus that scrapes the picker (its NetworkPolicy admits only it). @default DEFAULT_PROMETHEUS */
  readonly prometheus?: PrometheusLocation;
  /** Scrape interval. @default Duration.seconds(10) (the chart's) */
  readonly scrapeInterval?: Duration;
  /** The Kubernetes API server, for the picker's egress (it watches pods, the pool, objectives). @default - any address on 443 and 6443 */
  readonly apiServer?: ApiServerEndpoint;
  /**
   * `terminationGracePeriodSeconds`, whole seconds: should cover the longest
   * grace period of the pooled pods, so in-flight streams finish.
   * @default Duration.seconds(130) (the chart's)
   */
  readonly terminationGracePeriod?: Duration;
}

/**
 * The endpoint picker (EPP) of an {@link InferencePool}, as the upstream
 * charts render it (llm-d-router v0.10.0 `config/charts/llm-d-router-gateway`,
 * successor of GAIE's `inferencepool` chart): the ext-proc server the gateway
 * asks which replica serves each request.
 *
 * Emits, in the pool's namespace: `ServiceAccount/<name>` (token projected,
 * not automounted), `Role`/`RoleBinding <name>` (get, list, watch on pods,
 * `inferencepools` and `llm-d.ai` `inferenceobjectives`/`inferencemodelrewrites`),
 * `ConfigMap/<name>` (the typed {@link EndpointPickerConfig}), `Deployment/<name>`
 * (strategy `Recreate`, ext-proc 9002, gRPC health 9003 for the probes,
 * metrics 9090, restricted security context, read-only root, pinned image,
 * leader election above one replica), `Service/<name>` (9002 `grpc-ext-proc`,
 * 9090 `http-metrics`), a `ServiceMonitor` with the bearer token its metrics
 * endpoint requires (see {@link EndpointPickerMetricsAuth}), and
 * NetworkPolicies allowing exactly: each gateway that routes to the pool ->
 * picker on 9002, Prometheus -> 9090, picker -> model pods on the target
 * ports (it scrapes their metrics there), picker -> API server (and DNS).
 *
 * Per gateway implementation: Istio gets a `DestinationRule` that makes
 * the gateway speak TLS to the picker (it serves ext-proc over TLS with a
 * self-signed certificate; the chart's `istio.yaml`) and a setup note for
 * istiod's `ENABLE_GATEWAY_API_INFERENCE_EXTENSION`; Envoy Gateway gets a
 * setup note for Envoy AI Gateway's extension manager; kgateway is refused
 * by the pool.
 *
 * @throws ModelServingError for a picker outside the pool's namespace, a
 *   pool that has a picker already, a bad name, an image not pinned (`latest`
 *   or a branch tag such as upstream's default `main`), replica count,
 *   resources or grace period
 * @see https://github.com/llm-d/llm-d-router/tree/v0.10.0/config/charts
 */
export class EndpointPicker extends Construct implements IEndpointPickerService {
  /** The Deployment/Service name. */
  public readonly endpointPickerServiceName: string;
  /** The ext-proc port. */
  public readonly endpointPickerPort = EndpointPickerPorts.EXT_PROC;
  /** Labels of the picker pods. */
  public readonly endpointPickerPods: Readonly<Record<string, string>>;
  /** The pool. */
  public readonly pool: InferencePool;
  /** Replicas. */
  public readonly replicas: number;
  /** The ConfigMap data (the EndpointPickerConfig). */
  public readonly config: EndpointPickerConfig;
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service. */
  public readonly service: k8s.KubeService;
  /** The ServiceMonitor, when monitoring is on. */
  public readonly serviceMonitor?: ServiceMonitor;
  private readonly namespaceChart?: Namespace;
  private destinationRule?: istio.DestinationRule;

  public constructor(scope: Construct, id: string, props: EndpointPickerProps) {
    checkProps(childPath(scope, id), props, 'EndpointPickerProps');
    super(scope, id);
    requireShape(this, 'pool', props.pool, (v): v is InferencePool => InferencePool.isInferencePool(v), 'an InferencePool', 'pass the InferencePool this picker schedules for');
    this.pool = props.pool;
    const namespace = Chart.of(this).namespace;
    if (namespace !== this.pool.poolNamespace) {
      invalid(this, 'scope', `is in namespace ${namespace ?? '(none)'}, but the pool ${this.pool.poolName} is in ${this.pool.poolNamespace} (the picker watches its pool's pods with a namespaced Role)`, namespace, `create the picker in the Namespace chart ${this.pool.poolNamespace}`);
    }
    const name = assertDnsLabel(this, 'name', props.name ?? `${this.pool.poolName}-epp`, 52);
    this.endpointPickerServiceName = name;
    this.namespaceChart = Namespace.isNamespace(Chart.of(this)) ? (Chart.of(this) as Namespace) : undefined;
    this.replicas = assertInteger(this, 'replicas', props.replicas ?? 1, { min: 1, max: INT32_MAX, type: 'Deployment spec.replicas', fix: 'use 1 (upstream recommends one active replica), or 2 or more for a standby with leader election' });
    const grace = wholeSeconds(this, 'terminationGracePeriod', props.terminationGracePeriod ?? Duration.seconds(130), { example: 'Duration.seconds(130), the longest grace period of the pooled pods' });
    if (props.config !== undefined) requireShape(this, 'config', props.config, (v): v is EndpointPickerConfig => v instanceof EndpointPickerConfig, 'an EndpointPickerConfig', 'use EndpointPickerConfig.default() or EndpointPickerConfig.of({...})');
    this.config = props.config ?? EndpointPickerConfig.default();
    const metricsAuth = props.metricsAuth ?? EndpointPickerMetricsAuth.serviceAccountToken();
    if (!(metricsAuth instanceof EndpointPickerMetricsAuth)) invalid(this, 'metricsAuth', 'must be an EndpointPickerMetricsAuth', metricsAuth, 'use EndpointPickerMetricsAuth.serviceAccountToken() or .disabled(reason)');
    if (!metricsAuth.enabled && (typeof metricsAuth.reason !== 'string' || metricsAuth.reason.trim().length < 10)) {
      invalid(this, 'metricsAuth.reason', 'must say in at least 10 characters why the metrics endpoint accepts unauthenticated scrapes', metricsAuth.reason, 'e.g. "Prometheus scrapes by annotation and sends no token"');
    }
    const image = props.image ?? DEFAULT_ENDPOINT_PICKER_IMAGE;
    // The upstream chart's default tag is `main` (routerlib values.yaml), rebuilt on every merge: as moving as `latest`.
    if (typeof image === 'string' && ['main', 'master', 'nightly', 'dev'].includes(imageTag(image) ?? '')) {
      invalid(this, 'image', `uses the moving tag '${imageTag(image)}' (rebuilt from the branch on every merge), so it is not pinned`, image, `pin a release, e.g. '${DEFAULT_ENDPOINT_PICKER_IMAGE}', or a digest`);
    }
    this.endpointPickerPods = { [Labels.NAME]: name, [Labels.COMPONENT]: 'endpoint-picker' };
    const selector = sortRecord(this.endpointPickerPods);
    const leaderElection = this.replicas > 1;
    const security = WorkloadSecurity.RESTRICTED;

    // Identity and RBAC (chart: rbac.yaml "-sa" and "-non-sa" Roles, merged into one Role here).
    const sa = new ServiceAccount(this, 'ServiceAccount', { name, automountServiceAccountToken: false });
    const subject = { kind: 'ServiceAccount', name: sa.serviceAccountName, namespace };
    const read = ['get', 'list', 'watch'];
    new k8s.KubeRole(this, 'Role', {
      metadata: { name },
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: [...read] },
        { apiGroups: [INFERENCE_POOL_GROUP], resources: ['inferencepools'], verbs: [...read] },
        // The picker prefers llm-d.ai and ignores the legacy inference.networking.x-k8s.io group when both exist
        // (llm-d-router v0.10.0 pkg/epp/server/controller_config.go); the library emits llm-d.ai only.
        { apiGroups: ['llm-d.ai'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: [...read] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: [subject] });
    if (leaderElection) {
      // routerlib/templates/_leader-election-rbac.yaml
      const election = `${name}-leader-election`;
      new k8s.KubeRole(this, 'LeaderElectionRole', {
        metadata: { name: election },
        rules: [
          { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
          { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        ],
      });
      new k8s.KubeRoleBinding(this, 'LeaderElectionBinding', { metadata: { name: election }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: election }, subjects: [subject] });
    }

    const tokenSecret = metricsAuth.enabled ? this.metricsAuthObjects(name, namespace, subject) : undefined;

    new k8s.KubeConfigMap(this, 'Config', { metadata: { name }, data: { [ENDPOINT_PICKER_CONFIG_FILE]: this.config.toYaml() } });

    const args = [
      '--pool-name',
      this.pool.poolName,
      '--pool-namespace',
      this.pool.poolNamespace,
      '--pool-group',
      INFERENCE_POOL_GROUP,
      '--zap-encoder',
      'json',
      '--config-file',
      `/config/${ENDPOINT_PICKER_CONFIG_FILE}`,
      '--grpc-port',
      String(EndpointPickerPorts.EXT_PROC),
      '--grpc-health-port',
      String(EndpointPickerPorts.HEALTH),
      '--metrics-port',
      String(EndpointPickerPorts.METRICS),
      // Tracing is on by default upstream (options.go) and would export to a collector nobody configured.
      '--tracing=false',
      ...(leaderElection ? ['--ha-enable-leader-election'] : []),
      ...(metricsAuth.enabled ? [] : ['--metrics-endpoint-auth=false']),
    ];
    const container = renderContainer(
      this,
      'container',
      {
        image,
        imagePullPolicy: 'IfNotPresent',
        name: 'epp',
        args,
        env: { NAMESPACE: EnvValue.fromField('metadata.namespace'), POD_NAME: EnvValue.fromField('metadata.name') },
        ports: [
          { containerPort: EndpointPickerPorts.EXT_PROC, name: 'grpc' },
          { containerPort: EndpointPickerPorts.HEALTH, name: 'grpc-health' },
          { containerPort: EndpointPickerPorts.METRICS, name: 'metrics' },
        ],
        resources: props.resources ?? { requests: { cpu: '4', memory: '8Gi' }, limits: { cpu: '8', memory: '16Gi' } },
      },
      { name: 'epp', security },
    );
    // gRPC probes (Probe has no gRPC factory): with leader election the picker serves 'liveness' and
    // 'readiness' (only the leader is ready), else 'inference-extension' for both (routerlib _deployment.yaml).
    const grpcProbe = (service: string, periodSeconds: number, initialDelaySeconds?: number) => ({ grpc: { port: EndpointPickerPorts.HEALTH, service }, initialDelaySeconds, periodSeconds });
    const apiMount = '/var/run/secrets/kubernetes.io/serviceaccount';
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name, annotations: metricsAuth.enabled ? undefined : { 'model-serving.io/metrics-auth-disabled': metricsAuth.reason! } },
      spec: {
        replicas: this.replicas,
        // Recreate: the old replica (and leader) goes away at once, so the new one takes over quickly (chart comment).
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: selector },
          spec: {
            serviceAccountName: sa.serviceAccountName,
            automountServiceAccountToken: false,
            securityContext: security.pod(),
            terminationGracePeriodSeconds: grace,
            containers: [
              toL1Shape<k8s.Container>({
                ...container,
                livenessProbe: grpcProbe(leaderElection ? 'liveness' : 'inference-extension', 10, 5),
                readinessProbe: grpcProbe(leaderElection ? 'readiness' : 'inference-extension', 2),
                volumeMounts: [
                  ...(container.volumeMounts ?? []),
                  { name: 'config', mountPath: '/config', readOnly: true },
                  { name: 'kube-api-access', mountPath: apiMount, readOnly: true },
                ],
              }),
            ],
            volumes: [
              { ...TMP_VOLUME },
              { name: 'config', configMap: { name } },
              {
                name: 'kube-api-access',
                projected: {
                  defaultMode: 0o444,
                  sources: [
                    { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
                    { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                    { downwardApi: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
                  ],
                },
              },
            ],
            topologySpreadConstraints: leaderElection ? [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }] : undefined,
          },
        },
      },
    });
    if (leaderElection) {
      new k8s.KubePodDisruptionBudget(this, 'Pdb', { metadata: { name }, spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } } });
    }
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name, labels: selector },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          { name: 'grpc-ext-proc', protocol: 'TCP', port: EndpointPickerPorts.EXT_PROC, targetPort: k8s.IntOrString.fromNumber(EndpointPickerPorts.EXT_PROC), appProtocol: 'kubernetes.io/h2c' },
          { name: 'http-metrics', protocol: 'TCP', port: EndpointPickerPorts.METRICS, targetPort: k8s.IntOrString.fromNumber(EndpointPickerPorts.METRICS) },
        ],
      },
    });
    if (props.monitoring ?? true) {
      this.serviceMonitor = new ServiceMonitor(this, 'ServiceMonitor', {
        name,
        selector,
        portName: 'http-metrics',
        interval: props.scrapeInterval ?? Duration.seconds(10),
        pods: { selector, port: EndpointPickerPorts.METRICS },
        prometheus: props.prometheus ?? DEFAULT_PROMETHEUS,
        bearerToken: tokenSecret !== undefined ? { secret: SecretRef.named(tokenSecret), key: 'token' } : undefined,
        targetLabels: { inferencepool: this.pool.poolName },
      });
    }
    this.openNetwork(name, props.apiServer);
    this.pool.bindEndpointPicker(this);
  }

  /**
   * Lets `gateway` reach the picker (ext-proc on 9002) and adds what its
   * implementation needs; the pool calls it for every gateway that routes
   * to it. Idempotent.
   */
  public attachGateway(gateway: IGateway, _pool: InferencePool): void {
    const dp = gateway.dataPlane;
    if (dp) {
      NetworkFlows.declare(this.deployment, {
        from: proxyFlowPeer(gateway.gatewayName, dp),
        to: this.pickerPeer(),
        port: EndpointPickerPorts.EXT_PROC,
        purpose: `ext-proc calls of Gateway ${gateway.gatewayName} asking the picker where to send requests for pool ${this.pool.poolName}`,
      });
      this.namespaceChart?.allowIngress(policyId(`${this.endpointPickerServiceName}-from-${gateway.gatewayName}`), {
        pods: { ...this.endpointPickerPods },
        peers: [NetworkPeer.pods(dp.namespace, dp.selector)],
        ports: [{ port: EndpointPickerPorts.EXT_PROC }],
      });
      findPlatformNamespace(this, dp.namespace)?.allowEgress(policyId(`${gateway.gatewayName}-to-${this.pool.poolNamespace}-${this.endpointPickerServiceName}`), {
        pods: dp.selector,
        peers: [NetworkPeer.pods(this.pool.poolNamespace, { ...this.endpointPickerPods })],
        ports: [{ port: EndpointPickerPorts.EXT_PROC }],
      });
    }
    switch (gateway.provider?.id) {
      case 'istio':
        this.istioDestinationRule();
        Platform.tryOf(this)?.addSetupNote(ISTIO_INFERENCE_NOTE.topic, ISTIO_INFERENCE_NOTE.text);
        break;
      case 'envoy-gateway':
        Platform.tryOf(this)?.addSetupNote(ENVOY_AI_GATEWAY_NOTE.topic, ENVOY_AI_GATEWAY_NOTE.text);
        break;
      // agentgateway needs nothing here: its controller adds the TLS (without verification) to the picker's
      // self-signed ext-proc port itself (controller/pkg/agentgateway/plugins/inference_plugin.go, v1.4.1).
      default:
        break;
    }
  }

  /**
   * The picker serves ext-proc over TLS with a self-signed certificate
   * (`--secure-serving`, on by default): Istio's gateway must originate TLS
   * to it without verifying (the chart's `llm-d-router-gateway/templates/istio.yaml`).
   */
  private istioDestinationRule(): void {
    if (this.destinationRule) return;
    this.destinationRule = pickerDestinationRule(this, 'DestinationRule', this.endpointPickerServiceName, this.pool.poolNamespace);
  }

  /** The ServiceAccount, token Secret and cluster RBAC of the authenticated metrics endpoint; returns the Secret name. */
  private metricsAuthObjects(name: string, namespace: string | undefined, subject: { kind: string; name: string; namespace?: string }): string {
    const platform = Platform.of(this);
    const reader = `${name}-metrics-reader`;
    const readerSa = new ServiceAccount(this, 'MetricsReader', { name: reader, automountServiceAccountToken: false });
    const secretName = `${reader}-token`;
    // A service-account-token Secret: Kubernetes fills in the token; dist/ carries no data (routerlib _sa-token-secret.yaml).
    new k8s.KubeSecret(this, 'MetricsReaderToken', { metadata: { name: secretName, annotations: { 'kubernetes.io/service-account.name': readerSa.serviceAccountName } }, type: 'kubernetes.io/service-account-token' });
    const clusterName = `${namespace}-${name}`;
    const waive = (o: Construct) => SecurityWaivers.waive(o, 'SEC-R03', EPP_METRICS_AUTH_WAIVER);
    const authRole = new k8s.KubeClusterRole(platform, `${clusterName}-metrics-auth-role`, {
      metadata: { name: `${clusterName}-metrics-auth` },
      rules: [
        { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
        { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
      ],
    });
    const authBinding = new k8s.KubeClusterRoleBinding(platform, `${clusterName}-metrics-auth-binding`, {
      metadata: { name: `${clusterName}-metrics-auth` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${clusterName}-metrics-auth` },
      subjects: [subject],
    });
    const readRole = new k8s.KubeClusterRole(platform, `${clusterName}-metrics-reader-role`, { metadata: { name: `${clusterName}-metrics-reader` }, rules: [{ nonResourceUrLs: ['/metrics'], verbs: ['get'] }] });
    const readBinding = new k8s.KubeClusterRoleBinding(platform, `${clusterName}-metrics-reader-binding`, {
      metadata: { name: `${clusterName}-metrics-reader` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${clusterName}-metrics-reader` },
      subjects: [{ kind: 'ServiceAccount', name: reader, namespace }],
    });
    [authRole, authBinding, readRole, readBinding].forEach(waive);
    return secretName;
  }

  /** Picker -> API server, picker <-> model pods on the target ports (the picker scrapes their metrics there). */
  private openNetwork(name: string, apiServer: ApiServerEndpoint | undefined): void {
    const ns = this.namespaceChart;
    if (!ns) return;
    const pods = { ...this.endpointPickerPods };
    const api = apiServer ?? {};
    ns.allowEgress(policyId(`${name}-to-apiserver`), { pods, peers: api.peers ?? [NetworkPeer.anywhere()], ports: (api.ports ?? [443, 6443]).map((port) => ({ port })) });
    const modelPods = { ...this.pool.modelServerPods.selector };
    const ports = this.pool.targetPorts.map((port) => ({ port }));
    ns.allowEgress(policyId(`${name}-to-model-servers`), { pods, peers: [NetworkPeer.pods(ns.name, modelPods)], ports });
    ns.allowIngress(policyId(`${this.pool.poolName}-from-${name}`), { pods: modelPods, peers: [NetworkPeer.pods(ns.name, pods)], ports });
    for (const port of this.pool.targetPorts) {
      NetworkFlows.declare(this.deployment, {
        from: this.pickerPeer(),
        to: { namespace: ns.name, labels: modelPods, what: `the model servers of pool ${this.pool.poolName}` },
        port,
        purpose: `the picker reading the model servers' metrics (queue depth, KV cache) on their serving port`,
      });
    }
  }

  /** The picker's pods as a flow end. */
  private pickerPeer(): FlowPeer {
    return { namespace: this.pool.poolNamespace, labels: { ...this.endpointPickerPods }, what: `the endpoint picker ${this.endpointPickerServiceName}` };
  }
}

