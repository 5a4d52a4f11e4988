/**
 * How Argo CD judges the health of each kind the library emits that has no
 * check of ours (`group/kind`, `''` group for core): either Argo CD v3.5.1
 * has its own check, or there is no status to judge.
 */

const ARGO = 'argoproj/argo-cd v3.5.1';

/**
 * Kinds Argo CD v3.5.1 judges itself, with the file that does it: Go checks
 * in `gitops-engine/pkg/health` (`GetHealthCheckFunc`) or Lua in
 * `resource_customizations/<group>/<Kind>/health.lua`. The library ships no
 * check for them (an `argocd-cm` check would replace Argo CD's own).
 */
export const ARGOCD_BUILT_IN_HEALTH: Readonly<Record<string, string>> = {
  '/PersistentVolumeClaim': `${ARGO} gitops-engine/pkg/health/health_pvc.go`,
  '/Pod': `${ARGO} gitops-engine/pkg/health/health_pod.go`,
  '/Service': `${ARGO} gitops-engine/pkg/health/health_service.go`,
  'apps/DaemonSet': `${ARGO} gitops-engine/pkg/health/health_daemonset.go`,
  'apps/Deployment': `${ARGO} gitops-engine/pkg/health/health_deployment.go`,
  'apps/StatefulSet': `${ARGO} gitops-engine/pkg/health/health_statefulset.go`,
  'argoproj.io/ApplicationSet': `${ARGO} resource_customizations/argoproj.io/ApplicationSet/health.lua`,
  'autoscaling/HorizontalPodAutoscaler': `${ARGO} gitops-engine/pkg/health/health_hpa.go`,
  'batch/CronJob': `${ARGO} resource_customizations/batch/CronJob/health.lua`,
  'batch/Job': `${ARGO} gitops-engine/pkg/health/health_job.go`,
  'cert-manager.io/Certificate': `${ARGO} resource_customizations/cert-manager.io/Certificate/health.lua`,
  'cert-manager.io/ClusterIssuer': `${ARGO} resource_customizations/cert-manager.io/ClusterIssuer/health.lua`,
  'cert-manager.io/Issuer': `${ARGO} resource_customizations/cert-manager.io/Issuer/health.lua`,
  'external-secrets.io/ExternalSecret': `${ARGO} resource_customizations/external-secrets.io/ExternalSecret/health.lua`,
  'gateway.networking.k8s.io/BackendTLSPolicy': `${ARGO} resource_customizations/gateway.networking.k8s.io/BackendTLSPolicy/health.lua`,
  'gateway.networking.k8s.io/GatewayClass': `${ARGO} resource_customizations/gateway.networking.k8s.io/GatewayClass/health.lua`,
  'grafana.integreatly.org/GrafanaDashboard': `${ARGO} resource_customizations/grafana.integreatly.org/GrafanaDashboard/health.lua`,
  'networking.k8s.io/Ingress': `${ARGO} gitops-engine/pkg/health/health_ingress.go`,
  'policy/PodDisruptionBudget': `${ARGO} resource_customizations/policy/PodDisruptionBudget/health.lua`,
  'serving.knative.dev/Service': `${ARGO} resource_customizations/serving.knative.dev/Service/health.lua`,
  'serving.kserve.io/InferenceService': `${ARGO} resource_customizations/serving.kserve.io/InferenceService/health.lua`,
};

/**
 * Kinds Argo CD v3.5.1 judges itself but whose check the library replaces,
 * with the Argo CD file and why: its check calls Degraded an object the
 * library deliberately syncs before what it refers to, which would fail the
 * sync (see `BACKENDS_SYNCED_LATER_ANNOTATION` and
 * `CERTIFICATES_SYNCED_LATER_ANNOTATION`). Ours judge every other object
 * of these kinds as Argo CD does.
 */
export const ARGOCD_BUILT_IN_HEALTH_REPLACED: Readonly<Record<string, string>> = {
  'gateway.networking.k8s.io/GRPCRoute': `${ARGO} resource_customizations/gateway.networking.k8s.io/GRPCRoute/health.lua: Degraded while a backend Service is missing, and the library syncs routes before the InferenceServices whose Services KServe creates`,
  'gateway.networking.k8s.io/Gateway': `${ARGO} resource_customizations/gateway.networking.k8s.io/Gateway/health.lua: Degraded while a listener's certificate Secret is missing, and the library syncs a Gateway before the Certificate answered through it (ACME HTTP-01)`,
  'gateway.networking.k8s.io/HTTPRoute': `${ARGO} resource_customizations/gateway.networking.k8s.io/HTTPRoute/health.lua: Degraded while a backend Service is missing, and the library syncs routes before the InferenceServices whose Services KServe creates`,
};

const KGATEWAY = 'kgateway-dev/kgateway commit 3b404509';
const KIC = 'Kong/kubernetes-ingress-controller v3.5.13';
const LLM_D_ROUTER = 'llm-d/llm-d-router v0.10.0';
const NOT_WRITTEN_BY_KIC = `${KIC} never writes its status (internal/controllers/configuration/zz_generated.controllers.go: its reconciler sets no condition)`;
const ISTIO_NO_CONDITIONS = 'istio/istio 1.30.3 writes no condition for it (only the opt-in analysis writes validationMessages, pkg/config/analysis)';

/** Kinds with no status Argo CD could judge, and why. Argo CD counts an object without a check as healthy once applied. */
export const WITHOUT_HEALTH_STATUS: Readonly<Record<string, string>> = {
  '/ConfigMap': 'configuration data: no status',
  '/Namespace': 'status.phase only says Active or Terminating; Argo CD shows a deletion itself',
  '/Secret': 'configuration data: no status',
  '/ServiceAccount': 'identity: no status',
  'argoproj.io/AppProject': 'status only lists JWT tokens of project roles',
  'argoproj.io/Application':
    `Argo CD removed its health check on purpose (${ARGO} docs/operator-manual/health.md, "Argocd App", argo-cd#3781); restore it only to order child Applications by sync wave, which dist/argocd does not do (all in one wave)`,
  'gateway.envoyproxy.io/EnvoyProxy': 'envoyproxy/gateway v1.9.0 api/v1alpha1/envoyproxy_types.go: EnvoyProxyStatus.ancestors is marked notImplementedHide (never written)',
  'gateway.kgateway.dev/Backend': `${KGATEWAY} declares status.conditions but never writes them (no status writer under pkg/kgateway for Backend)`,
  'gateway.kgateway.dev/DirectResponse': `${KGATEWAY} api/v1alpha1/kgateway/direct_response_types.go: DirectResponseStatus is empty`,
  'gateway.kgateway.dev/GatewayExtension': `${KGATEWAY} declares status.conditions but never writes them (no status writer under pkg/kgateway for GatewayExtension)`,
  'gateway.networking.k8s.io/ReferenceGrant': 'Gateway API v1.6.1: ReferenceGrant has no status',
  'configuration.konghq.com/KongClusterPlugin': NOT_WRITTEN_BY_KIC,
  'configuration.konghq.com/KongPlugin': NOT_WRITTEN_BY_KIC,
  'llm-d.ai/InferenceModelRewrite': `${LLM_D_ROUTER} declares status.conditions (CRD default Accepted Unknown Pending) but never writes them: neither the endpoint picker nor any other component updates the status (no status writer under pkg/ or cmd/)`,
  'llm-d.ai/InferenceObjective': `${LLM_D_ROUTER} declares status.conditions (CRD default Ready Unknown Pending) but never writes them: neither the endpoint picker nor any other component updates the status (no status writer under pkg/ or cmd/)`,
  'networking.k8s.io/NetworkPolicy': 'enforced by the CNI: no status field (Kubernetes 1.35 API)',
  'rbac.authorization.k8s.io/ClusterRole': 'authorization rules: no status',
  'rbac.authorization.k8s.io/ClusterRoleBinding': 'authorization rules: no status',
  'rbac.authorization.k8s.io/Role': 'authorization rules: no status',
  'rbac.authorization.k8s.io/RoleBinding': 'authorization rules: no status',
  'security.istio.io/PeerAuthentication': ISTIO_NO_CONDITIONS,
  'serving.kserve.io/ClusterServingRuntime': 'kserve/kserve v0.20.0 pkg/apis/serving/v1alpha1/servingruntime_types.go: ServingRuntimeStatus is empty',
  'serving.kserve.io/ServingRuntime': 'kserve/kserve v0.20.0 pkg/apis/serving/v1alpha1/servingruntime_types.go: ServingRuntimeStatus is empty',
  'telemetry.istio.io/Telemetry': ISTIO_NO_CONDITIONS,
};
