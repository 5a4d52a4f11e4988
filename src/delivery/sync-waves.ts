/** The Argo CD annotation that orders a sync. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** Argo CD's resource-hook annotation (`PreSync`, `Sync`, `PostSync`...). @see https://argo-cd.readthedocs.io/en/stable/user-guide/resource_hooks/ */
export const ARGOCD_HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
/** Argo CD's hook deletion policy annotation. */
export const ARGOCD_HOOK_DELETE_POLICY_ANNOTATION = 'argocd.argoproj.io/hook-delete-policy';

/**
 * The sync wave of each kind, in the order a platform must come up:
 * namespaces, then identities, secret references and network policies,
 * then gateway classes and serving runtimes, then gateways and their
 * workloads, then certificates, then routes, then access policies, then
 * monitoring, and the models last. Argo CD applies lower waves first and
 * waits for them to be healthy.
 *
 * Models come last because their readiness gates nothing else: a model can
 * take long to become ready or never do (no GPU free, a slow download), and
 * in an earlier wave one such model held every route, policy and monitor of
 * the platform. Nothing earlier depends on a model being ready: a route to
 * a predictor Service that does not exist yet answers 5xx until it does, a
 * policy attaches to the route, and a monitor's target appears when the
 * pods do. Argo CD's own checks would call such a route (and a Gateway
 * whose certificate is not issued yet) Degraded and fail the sync: those
 * objects carry {@link BACKENDS_SYNCED_LATER_ANNOTATION} or
 * {@link CERTIFICATES_SYNCED_LATER_ANNOTATION}, and the library's health
 * checks (`dist/argocd/patches/argocd-cm.health.yaml`, applied to Argo CD
 * before the first sync) let them wait.
 */
const WAVES: ReadonlyArray<readonly [number, readonly string[]]> = [
  [-10, ['Namespace', 'AppProject']],
  [-5, ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'ExternalSecret', 'Secret', 'ConfigMap', 'Issuer', 'NetworkPolicy', 'PeerAuthentication', 'AuthorizationPolicy']],
  [-3, ['GatewayClass', 'ServingRuntime', 'ClusterServingRuntime', 'LLMInferenceServiceConfig']],
  [0, ['Gateway', 'GatewayExtension', 'EnvoyProxy', 'Deployment', 'StatefulSet', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Job', 'CronJob', 'PersistentVolumeClaim']],
  // After the gateways: Argo CD waits for a Certificate to be Ready, and an ACME HTTP-01 challenge is answered
  // through the platform's own gateway; in an earlier wave the two would wait for each other forever. A
  // gateway comes up without its certificate Secret (the listener waits for it, and the library's Gateway health
  // check, see CERTIFICATES_SYNCED_LATER_ANNOTATION, waits with it), so nothing earlier needs it.
  [1, ['Certificate']],
  [4, ['HTTPRoute', 'GRPCRoute', 'ReferenceGrant', 'DirectResponse', 'HTTPListenerPolicy', 'ClientTrafficPolicy']],
  [6, ['AuthPolicy', 'RateLimitPolicy', 'TokenRateLimitPolicy', 'TrafficPolicy', 'SecurityPolicy', 'BackendTrafficPolicy', 'KongPlugin', 'KongClusterPlugin', 'KongConsumer', 'KongConsumerGroup', 'Telemetry']],
  [8, ['ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'GrafanaDashboard']],
  // With the models: an InferenceGraph's Service, like a predictor's, exists only once KServe reconciles it, so the
  // routes to it (waves 4 and 7) come first and wait for it (BACKENDS_SYNCED_LATER_ANNOTATION); a TrainedModel loads
  // into its InferenceService (KServe v0.20's TrainedModel webhook does not require the parent to exist).
  [9, ['InferenceService', 'LLMInferenceService', 'InferenceGraph', 'TrainedModel']],
  [10, ['Application', 'ApplicationSet']],
];

const BY_KIND = new Map<string, number>(WAVES.flatMap(([wave, kinds]) => kinds.map((k) => [k, wave] as const)));

/**
 * Wave of a route an access policy protects: after the policies (6), so
 * that on a first sync no protected route serves traffic before its
 * authentication and limits are in place, and on removal (Argo CD prunes in
 * reverse wave order) the route goes before its policies. The policy
 * controllers accept a policy whose target does not exist yet. Public routes
 * keep the route wave (4).
 */
export const PROTECTED_ROUTE_SYNC_WAVE = 7;

/**
 * Annotation on a route whose backend Services a controller creates from
 * objects of a later wave (`InferenceService/<ns>/<name>`, comma-separated):
 * the route's gateway reports `ResolvedRefs=False BackendNotFound` until
 * then, which Argo CD's own HTTPRoute check calls Degraded, failing the
 * sync before the models are applied. The library's route checks
 * (`dist/argocd/patches/argocd-cm.health.yaml`) read it and wait instead.
 */
export const BACKENDS_SYNCED_LATER_ANNOTATION = 'models.cdk8s.io/backends-synced-later';

/**
 * Annotation on a Gateway whose listener certificate Secrets cert-manager
 * issues from Certificates of a later wave (`Certificate/<ns>/<name>`,
 * comma-separated): the listener reports `ResolvedRefs=False
 * InvalidCertificateRef` until then, which Argo CD's own Gateway check
 * calls Degraded. The library's Gateway check reads it and waits instead.
 */
export const CERTIFICATES_SYNCED_LATER_ANNOTATION = 'models.cdk8s.io/certificates-synced-later';

/** Wave for kinds not listed: after the routes, before the policies. */
export const DEFAULT_SYNC_WAVE = 5;

/** The sync wave of a kind. */
export function syncWaveOf(kind: string): number {
  return BY_KIND.get(kind) ?? DEFAULT_SYNC_WAVE;
}
