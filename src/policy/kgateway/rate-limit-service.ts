import { createHash } from 'node:crypto';
import { Lazy, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { BackendReference, IBackend } from '../../core/backend';
import { renderContainer, TMP_VOLUME, toL1Shape } from '../../core/container';
import { EnvValue, EnvVars } from '../../core/env';
import { invalid } from '../../core/errors';
import { assertInteger, assertOneOf, INT32_MAX } from '../../core/props';
import { Labels } from '../../core/labels';
import { Namespace } from '../../core/namespace';
import { NetworkFlows } from '../../core/flows';
import { proxyFlowPeer } from '../../gateway/proxy-flow-peer';
import { assertDnsLabel } from '../../core/names';
import { NetworkPeer } from '../../core/network-peer';
import { Probe } from '../../core/probe';
import { ResourceRequirements } from '../../core/resources';
import { WorkloadSecurity } from '../../core/security';
import { ServiceAccount } from '../../core/service-account';
import { toYaml } from '../../delivery/yaml';
import { IGateway } from '../../gateway/gateway';
import { policyId } from '../../core/names';
import { findPlatformNamespace } from '../../routing/route-wiring';
import { RateLimit } from '../rate-limit';
import { RedisReference } from '../redis';
import { checkProps, childPath } from '../../core/prop-types';

/**
 * The Envoy rate limit service image, pinned: the tag Envoy Gateway v1.9
 * deploys for its own global rate limiting (the project publishes commit
 * tags only).
 */
export const DEFAULT_RATELIMIT_IMAGE = 'docker.io/envoyproxy/ratelimit:0482748e';
/** gRPC port of the rate limit service (`GRPC_PORT`), which gateways call. */
export const RATELIMIT_GRPC_PORT = 8081;
/** HTTP port with `/healthcheck` (`PORT`). */
export const RATELIMIT_HTTP_PORT = 8080;
/** Prometheus metrics port (`PROMETHEUS_ADDR`). */
export const RATELIMIT_METRICS_PORT = 9090;

/**
 * One descriptor of the rate limit service configuration: a key, an
 * optional value, and either a limit or nested descriptors. A descriptor
 * without `value` matches every value, each value with its own counter.
 *
 * @see https://github.com/envoyproxy/ratelimit#configuration
 */
export interface RateLimitServiceDescriptor {
  /** `key`. */
  readonly key: string;
  /** `value`. @default - any value, one counter per distinct value */
  readonly value?: string;
  /** `rate_limit`: requests per unit. @default - none */
  readonly rateLimit?: RateLimit;
  /** `rate_limit.unlimited: true`: counted nowhere, always allowed. @default false */
  readonly unlimited?: boolean;
  /** `shadow_mode`: evaluate and report, but never refuse. @default false */
  readonly shadowMode?: boolean;
  /** `descriptors`: nested descriptors for the next entry of the request descriptor. @default - none */
  readonly descriptors?: readonly RateLimitServiceDescriptor[];
}

/** Props of {@link RateLimitService}. */
export interface RateLimitServiceProps {
  /** Name of the Deployment, Service, ConfigMap (`<name>-config`) and ServiceAccount. @default - the construct id */
  readonly name?: string;
  /** `domain` of the configuration; the GatewayExtension must use the same one. */
  readonly domain: string;
  /** The Redis holding the counters (`REDIS_URL`, `REDIS_TLS`, `REDIS_AUTH` from the Secret). Database 0 only. */
  readonly redis: RedisReference;
  /** Top-level descriptors; more with {@link RateLimitService.addDescriptor}. @default - none */
  readonly descriptors?: readonly RateLimitServiceDescriptor[];
  /** The image, pinned. @default DEFAULT_RATELIMIT_IMAGE */
  readonly image?: string;
  /** Replicas (a PodDisruptionBudget and a spread constraint are added above 1). @default 2 */
  readonly replicas?: number;
  /** Container resources. @default requests 100m/128Mi, limits 500m/256Mi */
  readonly resources?: ResourceRequirements;
  /** `LOG_LEVEL`. @default 'warn' */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/**
 * The Envoy rate limit service (`envoyproxy/ratelimit`): the gRPC service
 * that kgateway's global rate limits call, counting in Redis. Emits a
 * ServiceAccount without an API token, a ConfigMap with the YAML
 * configuration (`/data/ratelimit/config/config.yaml`), a Deployment under
 * the restricted profile (read-only root with an emptyDir on /tmp, probes on
 * `/healthcheck`, the pod restarted when the configuration changes), a
 * Service on 8081, a PodDisruptionBudget, and NetworkPolicies: egress to
 * Redis, and ingress from the gateways added with {@link allowGateway}.
 *
 * Counters are fixed windows aligned to the unit (a minute counter resets
 * at :00), keyed by the domain and the descriptor.
 *
 * @see https://github.com/envoyproxy/ratelimit
 */
export class RateLimitService extends Construct implements IBackend {
  /** The Service name. */
  public readonly serviceName: string;
  /** The namespace. */
  public readonly serviceNamespace: string;
  /** The configuration domain. */
  public readonly domain: string;
  /** The pod labels. */
  public readonly podLabels: Readonly<Record<string, string>>;
  private readonly namespaceChart: Namespace;
  private readonly descriptors = new Map<string, RateLimitServiceDescriptor>();

  public constructor(scope: Construct, id: string, props: RateLimitServiceProps) {
    checkProps(childPath(scope, id), props, 'RateLimitServiceProps');
    super(scope, id);
    this.serviceName = assertDnsLabel(this, 'name', props.name ?? id, 53);
    this.namespaceChart = Namespace.of(this);
    this.serviceNamespace = this.namespaceChart.name;
    if (typeof props.domain !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(props.domain)) invalid(this, 'domain', 'must be a non-empty name of letters, digits, _, . and -', props.domain, 'use e.g. "models-access"');
    this.domain = props.domain;
    const redis = props.redis;
    redis.check(this, 'redis');
    if ((redis.props.database ?? 0) !== 0) invalid(this, 'redis.database', 'must be 0: the Envoy rate limit service has no database setting (REDIS_URL is host:port)', redis.props.database, 'use database 0; keys are prefixed with the namespace and service name (CACHE_KEY_PREFIX)');
    const password = redis.props.password;
    if (password && password.secret.namespace !== undefined && password.secret.namespace !== this.serviceNamespace) {
      invalid(this, 'redis.password.secret', `is in namespace '${password.secret.namespace}', but a pod reads Secrets of its own namespace ('${this.serviceNamespace}') only`, password.secret.secretName, `copy the Secret into '${this.serviceNamespace}' (e.g. with an ExternalSecret)`);
    }
    const replicas = props.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 1) invalid(this, 'replicas', 'must be an integer >= 1', replicas, 'use 2 for availability');
    assertInteger(this, 'replicas', replicas, { min: 1, max: INT32_MAX, type: 'int32: Deployment spec.replicas', fix: 'use 2 for availability' });
    if (props.logLevel !== undefined) assertOneOf(this, 'logLevel', props.logLevel, ['debug', 'info', 'warn', 'error']);
    for (const d of props.descriptors ?? []) this.addDescriptor(d);
    this.podLabels = { [Labels.NAME]: this.serviceName, [Labels.COMPONENT]: 'rate-limit-service' };
    const security = WorkloadSecurity.RESTRICTED;

    const env: EnvVars = {
      USE_STATSD: 'false',
      USE_PROMETHEUS: 'true',
      PROMETHEUS_ADDR: `:${RATELIMIT_METRICS_PORT}`,
      LOG_LEVEL: props.logLevel ?? 'warn',
      LOG_FORMAT: 'json',
      PORT: String(RATELIMIT_HTTP_PORT),
      GRPC_PORT: String(RATELIMIT_GRPC_PORT),
      DEBUG_HOST: '127.0.0.1',
      REDIS_SOCKET_TYPE: 'tcp',
      REDIS_TYPE: 'SINGLE',
      REDIS_URL: redis.address,
      REDIS_TLS: String(redis.props.tls ?? false),
      CACHE_KEY_PREFIX: `${this.serviceNamespace}_${this.serviceName}_`,
      RUNTIME_ROOT: '/data',
      RUNTIME_SUBDIRECTORY: 'ratelimit',
      RUNTIME_APPDIRECTORY: 'config',
      RUNTIME_WATCH_ROOT: 'false',
      RUNTIME_IGNOREDOTFILES: 'true',
      HEALTHY_WITH_AT_LEAST_ONE_CONFIG_LOADED: 'true',
      ...(password ? { REDIS_AUTH: EnvValue.fromSecret(password.secret, password.key) } : {}),
    };
    const sa = new ServiceAccount(this, 'ServiceAccount', { name: this.serviceName });
    const configName = `${this.serviceName}-config`;
    new k8s.KubeConfigMap(this, 'Config', { metadata: { name: configName }, data: Lazy.any({ produce: () => ({ 'config.yaml': this.config }) }) as unknown as Record<string, string> });
    const container = renderContainer(
      this,
      'container',
      {
        image: props.image ?? DEFAULT_RATELIMIT_IMAGE,
        name: 'ratelimit',
        command: ['/bin/ratelimit'],
        env,
        ports: [
          { containerPort: RATELIMIT_GRPC_PORT, name: 'grpc' },
          { containerPort: RATELIMIT_HTTP_PORT, name: 'http' },
          { containerPort: RATELIMIT_METRICS_PORT, name: 'metrics' },
        ],
        resources: props.resources ?? { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        readinessProbe: Probe.http('/healthcheck', RATELIMIT_HTTP_PORT),
        livenessProbe: Probe.http('/healthcheck', RATELIMIT_HTTP_PORT, { period: Duration.seconds(20) }),
      },
      { name: 'ratelimit', security },
    );
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: this.serviceName },
      spec: {
        replicas,
        selector: { matchLabels: { ...this.podLabels } },
        template: {
          metadata: {
            labels: { ...this.podLabels },
            annotations: Lazy.any({ produce: () => ({ 'checksum/config': createHash('sha256').update(this.config).digest('hex') }) }) as unknown as Record<string, string>,
          },
          spec: {
            serviceAccountName: sa.serviceAccountName,
            automountServiceAccountToken: false,
            securityContext: security.pod(),
            containers: [
              toL1Shape<k8s.Container>({
                ...container,
                volumeMounts: [...(container.volumeMounts ?? []), { name: 'config', mountPath: '/data/ratelimit/config', readOnly: true }],
              }),
            ],
            volumes: [{ ...TMP_VOLUME }, { name: 'config', configMap: { name: configName } }],
            topologySpreadConstraints:
              replicas > 1 ? [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...this.podLabels } } }] : undefined,
          },
        },
      },
    });
    new k8s.KubeService(this, 'Service', {
      metadata: { name: this.serviceName },
      spec: {
        selector: { ...this.podLabels },
        ports: [{ name: 'grpc', port: RATELIMIT_GRPC_PORT, targetPort: k8s.IntOrString.fromNumber(RATELIMIT_GRPC_PORT), appProtocol: 'kubernetes.io/h2c' }],
      },
    });
    if (replicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'Pdb', { metadata: { name: this.serviceName }, spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...this.podLabels } } } });
    }
    const redisNs = redis.props.namespace;
    NetworkFlows.declare(this, {
      from: { namespace: this.serviceNamespace, labels: { ...this.podLabels }, what: `rate-limit service ${this.serviceName}` },
      to: redisNs ? { namespace: redisNs, labels: {}, what: `Redis ${redis.props.host}` } : NetworkFlows.internet(`Redis ${redis.props.host}`),
      port: redis.port,
      purpose: 'rate-limit counters in Redis',
    });
    this.namespaceChart.allowEgress(policyId(`${this.serviceName}-to-redis`), {
      pods: { ...this.podLabels },
      peers: [redisNs ? NetworkPeer.namespace(redisNs) : NetworkPeer.anywhere()],
      ports: [{ port: redis.port }],
    });
  }

  /** The gRPC Service (`<name>:8081`, h2c). */
  public get backendRef(): BackendReference {
    return { name: this.serviceName, namespace: this.serviceNamespace, port: RATELIMIT_GRPC_PORT, owner: this, pods: { selector: { ...this.podLabels }, port: RATELIMIT_GRPC_PORT } };
  }

  /** The configuration file, as the service reads it (descriptors sorted by key and value). */
  public get config(): string {
    return toYaml({ domain: this.domain, descriptors: sortDescriptors([...this.descriptors.values()]).map(renderDescriptor) });
  }

  /**
   * Adds a top-level descriptor.
   *
   * @throws ModelServingError for a duplicate key/value at any level, an empty key, or a limit together with `unlimited`
   * @returns the descriptor
   */
  public addDescriptor(descriptor: RateLimitServiceDescriptor): RateLimitServiceDescriptor {
    checkDescriptor(this, 'descriptors', descriptor);
    const key = `${descriptor.key}=${descriptor.value ?? '*'}`;
    if (this.descriptors.has(key)) invalid(this, `descriptors[${key}]`, 'is defined twice', key, 'merge the nested descriptors into one entry');
    this.descriptors.set(key, descriptor);
    return descriptor;
  }

  /**
   * Lets `gateway`'s proxy pods (and only them) call the gRPC port: an
   * ingress allow here and, when the proxies run in a namespace of the
   * platform, the matching egress allow there.
   *
   * @throws ModelServingError when the gateway's proxy pods are unknown
   */
  public allowGateway(gateway: IGateway): void {
    const dp = gateway.dataPlane;
    if (!dp) invalid(this, 'allowGateway', 'needs a gateway whose proxy pods are known (set its provider)', gateway.gatewayName, 'create the Gateway with provider: GatewayProvider.KGATEWAY');
    NetworkFlows.declare(this, { from: proxyFlowPeer(gateway.gatewayName, dp), to: { namespace: this.serviceNamespace, labels: { ...this.podLabels }, what: `rate-limit service ${this.serviceName}` }, port: RATELIMIT_GRPC_PORT, purpose: 'rate-limit checks of the gateway' });
    this.namespaceChart.allowIngress(policyId(`${this.serviceName}-from-${gateway.gatewayName}`), {
      pods: { ...this.podLabels },
      peers: [NetworkPeer.pods(dp.namespace, dp.selector)],
      ports: [{ port: RATELIMIT_GRPC_PORT }],
    });
    findPlatformNamespace(this, dp.namespace)?.allowEgress(policyId(`${gateway.gatewayName}-to-${this.serviceNamespace}-${this.serviceName}`), {
      pods: dp.selector,
      peers: [NetworkPeer.pods(this.serviceNamespace, { ...this.podLabels })],
      ports: [{ port: RATELIMIT_GRPC_PORT }],
    });
  }
}

function checkDescriptor(scope: Construct, field: string, d: RateLimitServiceDescriptor): void {
  const here = `${field}[${d.key}=${d.value ?? '*'}]`;
  if (typeof d.key !== 'string' || d.key.length === 0) invalid(scope, `${field}.key`, 'is required', d.key, 'name the descriptor key, e.g. "x-user-id"');
  if (d.value !== undefined && d.value.length === 0) invalid(scope, `${here}.value`, 'must not be empty', d.value, 'omit value to match any value');
  if (d.unlimited && d.rateLimit) invalid(scope, `${here}.rate_limit`, 'cannot be unlimited and have a limit', String(d.rateLimit), 'drop one of them');
  d.rateLimit?.check(scope, `${here}.rate_limit`);
  const seen = new Set<string>();
  for (const child of d.descriptors ?? []) {
    const k = `${child.key}=${child.value ?? '*'}`;
    if (seen.has(k)) invalid(scope, `${here}.descriptors[${k}]`, 'is defined twice', k, 'merge the nested descriptors into one entry');
    seen.add(k);
    checkDescriptor(scope, `${here}.descriptors`, child);
  }
}

function sortDescriptors(ds: readonly RateLimitServiceDescriptor[]): RateLimitServiceDescriptor[] {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return [...ds].sort((a, b) => cmp(a.key, b.key) || cmp(a.value ?? '', b.value ?? ''));
}

function renderDescriptor(d: RateLimitServiceDescriptor): Record<string, unknown> {
  const out: Record<string, unknown> = { key: d.key };
  if (d.value !== undefined) out.value = d.value;
  if (d.unlimited) out.rate_limit = { unlimited: true };
  else if (d.rateLimit) out.rate_limit = { unit: d.rateLimit.unit, requests_per_unit: d.rateLimit.requestsPerUnit };
  if (d.shadowMode) out.shadow_mode = true;
  if (d.descriptors && d.descriptors.length > 0) out.descriptors = sortDescriptors(d.descriptors).map(renderDescriptor);
  return out;
}
