import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import * as gw from '../../imports/gateway-gateway.networking.k8s.io';
import { EnvValue, EnvVars } from '../core/env';
import { invalid } from '../core/errors';
import { assertInteger, assertOneOf, INT32_MAX } from '../core/props';
import { assertPinnedImage } from '../core/image';
import { Namespace } from '../core/namespace';
import { assertDnsLabel } from '../core/names';
import { NetworkPeer } from '../core/network-peer';
import { assertPort } from '../core/port';
import { Platform } from '../core/platform';
import { Probe } from '../core/probe';
import { ResourceRequirements } from '../core/resources';
import { ServiceAccount } from '../core/service-account';
import { sortRecord } from '../core/sort-keys';
import { DataPlanePods, GatewayProvider } from '../gateway/gateway-provider';
import { proxyFlowPeer } from '../gateway/proxy-flow-peer';
import { NetworkFlows } from '../core/flows';
import { RedisReference } from '../policy/redis';
import { SecurityWaivers } from '../security/waivers';
import {
  allowPostgresEgress,
  KONG_IMAGE,
  KONG_INGRESS_CONTROLLER_IMAGE,
  kongBaseEnvironment,
  kongContainer,
  kongDatabaseMounts,
  kongDatabaseVolumes,
  kongPodLabels,
  kongPodSecurity,
} from './kong-pod';
import { PostgresReference } from './postgres';
import { checkProps, childPath, requireWith } from '../core/prop-types';

/** The Kong Ingress Controller's Gateway API controller name (`GatewayClass.spec.controllerName`). */
export const KIC_GATEWAY_CONTROLLER = 'konghq.com/kic-gateway-controller';
/** Annotation that marks a GatewayClass as unmanaged: KIC programs an existing Kong deployment instead of provisioning one. */
export const KIC_UNMANAGED_ANNOTATION = 'konghq.com/gatewayclass-unmanaged';

/** Container ports of the Kong proxy. */
export const KongPorts = {
  /** Plain-HTTP proxy (Service port 80). */
  PROXY_HTTP: 8000,
  /** TLS proxy (Service port 443). */
  PROXY_HTTPS: 8443,
  /** Admin API, bound to 127.0.0.1 only (the controller in the same pod uses it). */
  ADMIN: 8001,
  /** Status API: `/status`, `/status/ready` and Prometheus `/metrics`. */
  STATUS: 8100,
  /** The controller's health probes (`/healthz`, `/readyz`). */
  CONTROLLER_HEALTH: 10254,
} as const;

/** An upstream namespace and the pod ports Kong sends traffic to there. */
export interface KongUpstream {
  /** Namespace of the upstream pods. */
  readonly namespace: string;
  /** Pod ports (a Service's `targetPort`) Kong connects to. */
  readonly ports: readonly number[];
}

/** Where the Kubernetes API server is, for the controller's egress NetworkPolicy. */
export interface ApiServerEndpoint {
  /** Addresses of the API server (e.g. `NetworkPeer.cidr('10.0.0.1/32')`). @default [NetworkPeer.anywhere()] */
  readonly peers?: readonly NetworkPeer[];
  /** Ports. @default [443, 6443] */
  readonly ports?: readonly number[];
}

/** Tuning of the Kong proxy, as Kong configuration (environment variables). */
export interface KongTuning {
  /** `nginx_worker_processes` (`KONG_NGINX_WORKER_PROCESSES`): worker processes; match the CPU limit (Kong's `auto` counts the node's cores, not the limit). @default 2 */
  readonly workerProcesses?: number;
  /** `nginx_events_worker_connections` (`KONG_NGINX_EVENTS_WORKER_CONNECTIONS`): connections per worker. @default 8192 */
  readonly workerConnections?: number;
  /** `mem_cache_size` (`KONG_MEM_CACHE_SIZE`): size of the entity cache, `k` or `m` units. @default '128m' */
  readonly memCacheSize?: string;
}

/** Props of {@link KongGateway}. */
export interface KongGatewayProps {
  /** Name of the Deployment and prefix of the objects (`<name>-proxy` Service, ...); a DNS-1123 label. @default 'kong' */
  readonly name?: string;
  /** The Kong Gateway OSS image, pinned. @default KONG_IMAGE ('kong:3.9.1') */
  readonly image?: string;
  /** The Kong Ingress Controller image, pinned. @default KONG_INGRESS_CONTROLLER_IMAGE ('kong/kubernetes-ingress-controller:3.5.13') */
  readonly controllerImage?: string;
  /** Kong's PostgreSQL database (`KONG_DATABASE=postgres`); the password Secret must be in this namespace. */
  readonly database: PostgresReference;
  /** The Redis of the rate-limiting plugins (`policy: redis`): the proxies get egress to it. @default - no Redis egress */
  readonly redis?: RedisReference;
  /**
   * The namespaces the controller watches besides its own (`CONTROLLER_WATCH_NAMESPACE`):
   * those of the HTTPRoutes, KongPlugins and KongConsumers, and of the backend
   * Services whose endpoints Kong proxies to. Each gets a Role and RoleBinding.
   * @default - only the controller's namespace
   */
  readonly watchNamespaces?: readonly Namespace[];
  /** Upstream pods Kong proxies to outside the platform's wiring (catalog services): egress NetworkPolicies per namespace. @default - none */
  readonly upstreams?: readonly KongUpstream[];
  /** Minimum replicas (`HorizontalPodAutoscaler.minReplicas`); at least 2 for availability. @default 3 */
  readonly minReplicas?: number;
  /** Maximum replicas. @default 10 */
  readonly maxReplicas?: number;
  /** Average CPU utilization (percent of requests) the autoscaler keeps. @default 70 */
  readonly cpuUtilization?: number;
  /** Average memory utilization (percent of requests) the autoscaler keeps. @default 80 */
  readonly memoryUtilization?: number;
  /** Resources of the proxy container. @default requests 500m CPU / 512Mi, limits 2 CPU / 2Gi */
  readonly resources?: ResourceRequirements;
  /** Resources of the controller container. @default requests 100m CPU / 256Mi, limits 500m CPU / 512Mi */
  readonly controllerResources?: ResourceRequirements;
  /** Proxy tuning. @default - see {@link KongTuning} */
  readonly tuning?: KongTuning;
  /**
   * Serve TLS 1.3 only: `KONG_SSL_CIPHER_SUITE=modern`, whose protocol list is
   * `TLSv1.3` (Kong ignores `ssl_protocols` unless the suite is `custom`).
   * Off means Kong's `intermediate` suite (TLS 1.2 and 1.3).
   * @default true
   */
  readonly tls13Only?: boolean;
  /** Type of the proxy Service. `LoadBalancer` keeps client addresses (`externalTrafficPolicy: Local`) for ip-restriction and per-IP limits. @default 'LoadBalancer' */
  readonly serviceType?: 'LoadBalancer' | 'ClusterIP';
  /** Addresses of load balancers in front of Kong whose `X-Forwarded-For` is trusted (`KONG_TRUSTED_IPS`, `KONG_REAL_IP_HEADER`). @default - none: Kong uses the TCP peer address */
  readonly trustedIps?: readonly string[];
  /** The Kubernetes API server, for the controller's egress. @default - any address on 443 and 6443 */
  readonly apiServer?: ApiServerEndpoint;
  /** Extra Kong settings as `KONG_*` literals (e.g. `KongTracing.kongEnvironment()`); credential-looking names are refused. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** The GatewayClass name KIC reconciles; a `GatewayClass` of that name is emitted (unmanaged, controller `konghq.com/kic-gateway-controller`). @default 'kong' */
  readonly gatewayClassName?: string;
  /** The ingress class of KongConsumers and KongClusterPlugins (`CONTROLLER_INGRESS_CLASS`). @default 'kong' */
  readonly ingressClass?: string;
}

const NAMESPACED_RULES: readonly k8s.PolicyRule[] = [
  // Backends, TLS Secrets and credentials, CA certificates.
  { apiGroups: [''], resources: ['configmaps', 'secrets', 'services'], verbs: ['get', 'list', 'watch'] },
  // Endpoints of the backends (KIC 3.x reads EndpointSlices, not the deprecated Endpoints).
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  {
    apiGroups: ['configuration.konghq.com'],
    resources: ['kongconsumergroups', 'kongconsumers', 'kongcustomentities', 'kongplugins', 'kongupstreampolicies'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['configuration.konghq.com'],
    resources: ['kongconsumergroups/status', 'kongconsumers/status', 'kongcustomentities/status', 'kongplugins/status', 'kongupstreampolicies/status'],
    verbs: ['get', 'patch', 'update'],
  },
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['grpcroutes', 'httproutes', 'referencegrants'], verbs: ['get', 'list', 'watch'] },
  // KIC records its publish Service in an annotation of the Gateways it programs.
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['gateways'], verbs: ['get', 'list', 'update', 'watch'] },
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['gateways/status', 'grpcroutes/status', 'httproutes/status'], verbs: ['get', 'patch', 'update'] },
];

const LEADER_ELECTION_RULES: readonly k8s.PolicyRule[] = [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'get', 'list', 'patch', 'update', 'watch'] }];

const CLUSTER_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['gatewayclasses'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['gatewayclasses/status'], verbs: ['get', 'patch', 'update'] },
  // allowedRoutes namespace selectors are evaluated against Namespace labels.
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
  // Global plugins (the access log) are KongClusterPlugins.
  { apiGroups: ['configuration.konghq.com'], resources: ['kongclusterplugins'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['configuration.konghq.com'], resources: ['kongclusterplugins/status'], verbs: ['get', 'patch', 'update'] },
  // KIC starts controllers for CRDs installed after it starts.
  { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['list', 'watch'] },
];

/** Why the controller's cluster-scoped read is waived from SEC-R03 (listed in the platform's security report). */
export const KIC_CLUSTER_ROLE_WAIVER =
  'The Kong Ingress Controller must read cluster-scoped objects that no Role can grant: its GatewayClass (and set its Accepted status), Namespace labels for allowedRoutes selectors, global KongClusterPlugins, and CRDs. Read-only except GatewayClass/KongClusterPlugin status; everything namespaced is granted by Roles per watched namespace.';

/** Controllers switched off: Ingress, KongIngress/TCPIngress/UDPIngress, KongVault and KongLicense are not used, and their cluster-scoped kinds would need more RBAC. */
const DISABLED_CONTROLLERS = [
  'INGRESS_NETWORKINGV1',
  'INGRESS_CLASS_NETWORKINGV1',
  'INGRESS_CLASS_PARAMETERS',
  'KONGINGRESS',
  'TCPINGRESS',
  'UDPINGRESS',
  'KONG_SERVICE_FACADE',
  'KONG_VAULT',
  'KONG_LICENSE',
];

const MEM_SIZE = /^[1-9][0-9]*[km]$/;
const SERVICE_ACCOUNT_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Kong Gateway OSS with the Kong Ingress Controller (KIC 3.x), in database
 * mode on PostgreSQL, as one Deployment whose pods run two containers: the
 * `proxy` (Kong) and the `ingress-controller`, which turns Gateway API
 * objects (GatewayClass `kong`), KongPlugins and KongConsumers into Kong
 * configuration through the Admin API on 127.0.0.1 (the classic KIC
 * topology: the Admin API never leaves the pod, and no controller Service
 * or admin TLS is needed). Controllers elect a leader, which writes to the
 * shared database; every proxy reads it.
 *
 * Emits, in its namespace: `ServiceAccount/<name>`, `Deployment/<name>`,
 * `Service/<name>-proxy` (80→8000, 443→8443), `HorizontalPodAutoscaler/<name>`
 * (CPU and memory, 3 to 10), `PodDisruptionBudget/<name>` (one pod down at
 * a time), `Role`/`RoleBinding` `<name>-leader-election`, NetworkPolicies
 * (proxy ports from anywhere; egress to PostgreSQL, Redis, the upstreams
 * and the API server); in every watched namespace `Role`/`RoleBinding`
 * `<name>-ingress-controller`; cluster-wide `GatewayClass/<class>` and a
 * read-only `ClusterRole`/`ClusterRoleBinding` (waived from SEC-R03, see
 * {@link KIC_CLUSTER_ROLE_WAIVER}).
 *
 * Security: restricted pods, read-only root filesystems (Kong's prefix and
 * /tmp on emptyDirs), no automounted API token: the token is projected into
 * the controller container only, so the internet-facing proxy never holds
 * it. The database password comes from its Secret by `secretKeyRef`. Run
 * the schema migrations with {@link KongMigrations}.
 *
 * @see https://developer.konghq.com/kubernetes-ingress-controller/
 */
export class KongGateway extends Construct {
  /** The Deployment name. */
  public readonly gatewayName: string;
  /** The namespace. */
  public readonly namespace: string;
  /** Where the proxy pods run (what `GatewayProvider.KONG` selects). */
  public readonly dataPlane: DataPlanePods;
  /** Labels of this instance's pods (Deployment, PDB and autoscaler selector). */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** The proxy Service name (`CONTROLLER_PUBLISH_SERVICE`). */
  public readonly proxyServiceName: string;
  /** The GatewayClass name KIC reconciles. */
  public readonly gatewayClassName: string;
  /** The namespaces the controller watches, sorted (its own included). */
  public readonly watchedNamespaces: readonly string[];
  /** Connections one proxy pod can hold (`workerProcesses × workerConnections`), for `KongMonitoring.connectionCapacity`. */
  public readonly connectionCapacity: number;
  /** The ServiceAccount of the pods. */
  public readonly serviceAccount: ServiceAccount;
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The cluster-scoped read of the controller (waived from SEC-R03). */
  public readonly clusterRole: k8s.KubeClusterRole;

  /**
   * Checks the props and emits the Kong workload.
   *
   * @throws ModelServingError when the gateway is not inside a Namespace;
   *   `name` is not a DNS-1123 label of at most 40 characters, or
   *   `gatewayClassName` / `ingressClass` not a DNS-1123 label; `image` or
   *   `controllerImage` is not pinned to a version; `database` or `redis` is
   *   invalid (e.g. a password Secret in another namespace); `minReplicas` is
   *   below 2 or `maxReplicas` below `minReplicas`; `cpuUtilization` /
   *   `memoryUtilization` is not a percentage (1-100); `tuning` is out of range
   *   (`workerProcesses` 1-64, `workerConnections` 512-65536, `memCacheSize`
   *   in k or m); `watchNamespaces` lists a namespace twice; `environment` has
   *   a key that is not `KONG_*` or that KongGateway sets itself; or an
   *   upstream has no port or a port outside 1-65535
   */
  public constructor(scope: Construct, id: string, props: KongGatewayProps) {
    checkProps(childPath(scope, id), props, 'KongGatewayProps');
    super(scope, id);
    const ns = Namespace.of(this);
    this.namespace = ns.name;
    this.gatewayName = assertDnsLabel(this, 'name', props.name ?? 'kong', 40);
    const image = assertPinnedImage(this, 'image', props.image ?? KONG_IMAGE);
    const controllerImage = assertPinnedImage(this, 'controllerImage', props.controllerImage ?? KONG_INGRESS_CONTROLLER_IMAGE);
    requireWith(this, 'database', props.database, 'check', 'a PostgresReference', 'pass database: PostgresReference.of({ host, database, user, password })');
    props.database.check(this, 'database', this.namespace);
    props.redis?.check(this, 'redis');
    this.gatewayClassName = assertDnsLabel(this, 'gatewayClassName', props.gatewayClassName ?? GatewayProvider.KONG.gatewayClassName);
    const ingressClass = assertDnsLabel(this, 'ingressClass', props.ingressClass ?? 'kong');

    const minReplicas = props.minReplicas ?? 3;
    const maxReplicas = props.maxReplicas ?? 10;
    if (!Number.isInteger(minReplicas) || minReplicas < 2) invalid(this, 'minReplicas', 'must be an integer of at least 2 (one proxy is a single point of failure)', minReplicas, 'use 3');
    if (!Number.isInteger(maxReplicas) || maxReplicas < minReplicas) invalid(this, 'maxReplicas', `must be an integer >= minReplicas (${minReplicas})`, maxReplicas, `use at least ${minReplicas}`);
    // HorizontalPodAutoscaler minReplicas/maxReplicas are int32.
    assertInteger(this, 'maxReplicas', maxReplicas, { min: minReplicas, max: INT32_MAX, type: 'int32: HorizontalPodAutoscaler spec.maxReplicas', fix: 'use e.g. 10' });
    const cpu = this.percent('cpuUtilization', props.cpuUtilization ?? 70);
    const memory = this.percent('memoryUtilization', props.memoryUtilization ?? 80);

    const tuning = props.tuning ?? {};
    const workers = tuning.workerProcesses ?? 2;
    const connections = tuning.workerConnections ?? 8192;
    const memCache = tuning.memCacheSize ?? '128m';
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) invalid(this, 'tuning.workerProcesses', 'must be an integer between 1 and 64', workers, 'match the CPU limit, e.g. 2');
    if (!Number.isInteger(connections) || connections < 512 || connections > 65536) invalid(this, 'tuning.workerConnections', 'must be an integer between 512 and 65536', connections, 'use e.g. 8192');
    if (typeof memCache !== 'string' || !MEM_SIZE.test(memCache)) invalid(this, 'tuning.memCacheSize', "must be a size in k or m units (Kong's mem_cache_size)", memCache, "use e.g. '256m'");
    this.connectionCapacity = workers * connections;

    this.podLabels = kongPodLabels(this.gatewayName, 'proxy');
    this.dataPlane = { namespace: this.namespace, selector: GatewayProvider.KONG.dataPlane(this.gatewayName, this.namespace)?.selector ?? {}, labels: GatewayProvider.KONG.dataPlane(this.gatewayName, this.namespace)?.labels ?? { ...this.podLabels } };
    this.proxyServiceName = `${this.gatewayName}-proxy`;

    const watched = new Map<string, Namespace>([[ns.name, ns]]);
    for (const w of props.watchNamespaces ?? []) {
      if (watched.has(w.name)) invalid(this, 'watchNamespaces', 'lists a namespace twice (its own namespace is always watched)', w.name, 'list each other namespace once');
      watched.set(w.name, w);
    }
    this.watchedNamespaces = [...watched.keys()].sort();

    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', { name: this.gatewayName, automountServiceAccountToken: false });
    const subject = { kind: 'ServiceAccount', name: this.serviceAccount.serviceAccountName, namespace: this.namespace };
    for (const name of this.watchedNamespaces) {
      const target = watched.get(name) as Namespace;
      const roleName = `${this.gatewayName}-ingress-controller`;
      const idPrefix = `${this.namespace}-${this.gatewayName}-kic`;
      new k8s.KubeRole(target, `${idPrefix}-role`, { metadata: { name: roleName }, rules: NAMESPACED_RULES.map((r) => ({ ...r })) });
      new k8s.KubeRoleBinding(target, `${idPrefix}-binding`, { metadata: { name: roleName }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName }, subjects: [subject] });
    }
    const electionName = `${this.gatewayName}-leader-election`;
    new k8s.KubeRole(this, 'LeaderElectionRole', { metadata: { name: electionName }, rules: LEADER_ELECTION_RULES.map((r) => ({ ...r })) });
    new k8s.KubeRoleBinding(this, 'LeaderElectionBinding', { metadata: { name: electionName }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: electionName }, subjects: [subject] });

    const platform = Platform.of(this);
    const clusterName = `${this.namespace}-${this.gatewayName}-ingress-controller`;
    this.clusterRole = new k8s.KubeClusterRole(platform, `${clusterName}-cluster-role`, { metadata: { name: clusterName }, rules: CLUSTER_RULES.map((r) => ({ ...r })) });
    const clusterBinding = new k8s.KubeClusterRoleBinding(platform, `${clusterName}-cluster-binding`, {
      metadata: { name: clusterName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
      subjects: [subject],
    });
    SecurityWaivers.waive(this.clusterRole, 'SEC-R03', KIC_CLUSTER_ROLE_WAIVER);
    SecurityWaivers.waive(clusterBinding, 'SEC-R03', KIC_CLUSTER_ROLE_WAIVER);
    new gw.GatewayClass(platform, `${this.gatewayClassName}-gateway-class`, {
      metadata: { name: this.gatewayClassName, annotations: { [KIC_UNMANAGED_ANNOTATION]: 'true' } },
      spec: { controllerName: KIC_GATEWAY_CONTROLLER, description: 'Kong Gateway programmed by the Kong Ingress Controller' },
    });

    const extra = props.environment ?? {};
    for (const k of Object.keys(extra)) {
      if (!k.startsWith('KONG_')) invalid(this, `environment.${k}`, "must be a Kong setting (a KONG_ variable)", k, 'prefix it with KONG_, e.g. KONG_TRACING_INSTRUMENTATIONS');
    }
    const trusted = props.trustedIps ?? [];
    const managed: EnvVars = {
      ...kongBaseEnvironment(props.database),
      KONG_PROXY_LISTEN: `0.0.0.0:${KongPorts.PROXY_HTTP} reuseport backlog=16384, 0.0.0.0:${KongPorts.PROXY_HTTPS} http2 ssl reuseport backlog=16384`,
      KONG_ADMIN_LISTEN: `127.0.0.1:${KongPorts.ADMIN}`,
      KONG_STATUS_LISTEN: `0.0.0.0:${KongPorts.STATUS}`,
      KONG_PORT_MAPS: `80:${KongPorts.PROXY_HTTP}, 443:${KongPorts.PROXY_HTTPS}`,
      KONG_SSL_CIPHER_SUITE: (props.tls13Only ?? true) ? 'modern' : 'intermediate',
      KONG_NGINX_WORKER_PROCESSES: String(workers),
      KONG_NGINX_EVENTS_WORKER_CONNECTIONS: String(connections),
      KONG_MEM_CACHE_SIZE: memCache,
      KONG_PROXY_ACCESS_LOG: '/dev/stdout',
      KONG_PROXY_ERROR_LOG: '/dev/stderr',
      KONG_ADMIN_ACCESS_LOG: '/dev/stdout',
      KONG_ADMIN_ERROR_LOG: '/dev/stderr',
      ...(trusted.length > 0 ? { KONG_TRUSTED_IPS: [...trusted].sort().join(','), KONG_REAL_IP_HEADER: 'X-Forwarded-For' } : {}),
    };
    for (const k of Object.keys(extra)) {
      if (Object.hasOwn(managed, k)) invalid(this, `environment.${k}`, 'is set by KongGateway itself (database, listeners, TLS, tuning)', k, 'use the matching prop (database, tuning, tls13Only, trustedIps) instead');
    }
    const proxyEnv: EnvVars = { ...extra, ...managed };
    const proxy = kongContainer(
      this,
      'containers[proxy]',
      {
        name: 'proxy',
        image,
        env: proxyEnv,
        ports: [
          { containerPort: KongPorts.PROXY_HTTP, name: 'proxy' },
          { containerPort: KongPorts.PROXY_HTTPS, name: 'proxy-tls' },
          { containerPort: KongPorts.STATUS, name: 'status' },
        ],
        resources: props.resources ?? { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } },
        readinessProbe: Probe.http('/status/ready', KongPorts.STATUS, { period: Duration.seconds(10), timeout: Duration.seconds(5) }),
        livenessProbe: Probe.http('/status', KongPorts.STATUS, { period: Duration.seconds(10), timeout: Duration.seconds(5) }),
      },
      kongDatabaseMounts(props.database),
    );
    const controllerEnv: EnvVars = {
      CONTROLLER_KONG_ADMIN_URL: `http://127.0.0.1:${KongPorts.ADMIN}`,
      CONTROLLER_PUBLISH_SERVICE: `${this.namespace}/${this.proxyServiceName}`,
      CONTROLLER_WATCH_NAMESPACE: this.watchedNamespaces.join(','),
      CONTROLLER_INGRESS_CLASS: ingressClass,
      CONTROLLER_ELECTION_ID: `${this.gatewayName}-ingress-controller-leader`,
      CONTROLLER_ANONYMOUS_REPORTS: 'false',
      CONTROLLER_LOG_FORMAT: 'json',
      ...Object.fromEntries(DISABLED_CONTROLLERS.map((c) => [`CONTROLLER_ENABLE_CONTROLLER_${c}`, 'false'])),
      POD_NAME: EnvValue.fromField('metadata.name'),
      POD_NAMESPACE: EnvValue.fromField('metadata.namespace'),
    };
    const controller = kongContainer(
      this,
      'containers[ingress-controller]',
      {
        name: 'ingress-controller',
        image: controllerImage,
        env: controllerEnv,
        ports: [{ containerPort: KongPorts.CONTROLLER_HEALTH, name: 'health' }],
        resources: props.controllerResources ?? { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
        readinessProbe: Probe.http('/readyz', KongPorts.CONTROLLER_HEALTH, { period: Duration.seconds(10), timeout: Duration.seconds(5) }),
        livenessProbe: Probe.http('/healthz', KongPorts.CONTROLLER_HEALTH, { period: Duration.seconds(10), timeout: Duration.seconds(5) }),
      },
      [{ name: 'kube-api-access', mountPath: SERVICE_ACCOUNT_MOUNT, readOnly: true }],
    );

    const selector = sortRecord(this.podLabels);
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: this.gatewayName },
      spec: {
        // No replicas: the HorizontalPodAutoscaler owns the count (minReplicas), so Argo CD never fights it.
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels: selector },
          spec: {
            serviceAccountName: this.serviceAccount.serviceAccountName,
            automountServiceAccountToken: false,
            securityContext: kongPodSecurity(),
            terminationGracePeriodSeconds: 30,
            topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
              maxSkew: 1,
              topologyKey,
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
            })),
            containers: [proxy, controller],
            volumes: [
              { name: 'tmp', emptyDir: {} },
              ...kongDatabaseVolumes(props.database),
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
          },
        },
      },
    });

    assertOneOf(this, 'serviceType', props.serviceType ?? 'LoadBalancer', ['LoadBalancer', 'ClusterIP']);
    new k8s.KubeService(this, 'ProxyService', {
      metadata: { name: this.proxyServiceName },
      spec: {
        type: props.serviceType ?? 'LoadBalancer',
        externalTrafficPolicy: (props.serviceType ?? 'LoadBalancer') === 'LoadBalancer' ? 'Local' : undefined,
        selector,
        ports: [
          { name: 'http', port: 80, targetPort: k8s.IntOrString.fromNumber(KongPorts.PROXY_HTTP), protocol: 'TCP' },
          { name: 'https', port: 443, targetPort: k8s.IntOrString.fromNumber(KongPorts.PROXY_HTTPS), protocol: 'TCP' },
        ],
      },
    });
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata: { name: this.gatewayName },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.gatewayName },
        minReplicas,
        maxReplicas,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpu } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: memory } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
      },
    });
    new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name: this.gatewayName },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
    });

    // NetworkPolicies of the pods (both containers share the pod's network).
    ns.allowIngress(`${this.gatewayName}-proxy`, { pods: this.dataPlane.selector, peers: [NetworkPeer.anywhere()], ports: [{ port: KongPorts.PROXY_HTTP }, { port: KongPorts.PROXY_HTTPS }] });
    allowPostgresEgress(ns, `${this.gatewayName}-to-postgres`, this.dataPlane.selector, props.database, [this.deployment], `Kong ${this.gatewayName}`);
    if (props.redis) {
      const r = props.redis;
      ns.allowEgress(`${this.gatewayName}-to-redis`, { pods: this.dataPlane.selector, peers: [r.props.namespace ? NetworkPeer.namespace(r.props.namespace) : NetworkPeer.anywhere()], ports: [{ port: r.port }] });
      NetworkFlows.declare(this.deployment, { from: proxyFlowPeer(this.gatewayName, this.dataPlane), to: r.props.namespace ? { namespace: r.props.namespace, labels: {}, what: `Redis ${r.props.host}` } : NetworkFlows.internet(`Redis ${r.props.host}`), port: r.port, purpose: 'rate-limit counters in Redis' });
    }
    const upstreams = new Map<string, Set<number>>();
    (props.upstreams ?? []).forEach((u, i) => {
      assertDnsLabel(this, `upstreams[${i}].namespace`, u.namespace);
      if (u.ports.length === 0) invalid(this, `upstreams[${i}].ports`, 'must list at least one port', [], 'list the pod ports Kong connects to');
      u.ports.forEach((p, j) => {
        assertPort(this, `upstreams[${i}].ports[${j}]`, p, 'use the pod port');
      });
      const set = upstreams.get(u.namespace) ?? new Set<number>();
      u.ports.forEach((p) => set.add(p));
      upstreams.set(u.namespace, set);
    });
    for (const name of [...upstreams.keys()].sort()) {
      ns.allowEgress(`${this.gatewayName}-to-${name}`, {
        pods: this.dataPlane.selector,
        peers: [NetworkPeer.namespace(name)],
        ports: [...(upstreams.get(name) as Set<number>)].sort((a, b) => a - b).map((port) => ({ port })),
      });
    }
    const api = props.apiServer ?? {};
    // The ingress controller container watches the apiserver (the kubernetes Service's endpoints: the control plane's addresses, on 443 or 6443).
    const apiAddress = api.peers === undefined ? '0.0.0.0/0' : api.peers.flatMap((p) => p.peers).find((p) => p.ipBlock !== undefined)?.ipBlock?.cidr;
    for (const port of apiAddress === undefined ? [] : (api.ports ?? [443, 6443])) {
      NetworkFlows.declare(this.deployment, { from: proxyFlowPeer(this.gatewayName, this.dataPlane), to: { address: apiAddress!, what: 'the Kubernetes API server' }, port, purpose: 'the ingress controller watching the API server' });
    }
    ns.allowEgress(`${this.gatewayName}-to-apiserver`, {
      pods: this.dataPlane.selector,
      peers: api.peers ?? [NetworkPeer.anywhere()],
      ports: (api.ports ?? [443, 6443]).map((port) => ({ port })),
    });
  }

  private percent(field: string, value: number): number {
    if (!Number.isInteger(value) || value < 1 || value > 100) invalid(this, field, 'must be an integer percentage between 1 and 100', value, 'use e.g. 70');
    return value;
  }
}
