/**
 * Which files of `../shared/crds` the built-in validators come from (read by
 * `build-schemas.ts` and by the tests that check every one compiled).
 */

/**
 * The CRD folders whose kinds are validated: every group the library
 * imports, and the groups the upstream examples use. All files directly in
 * each folder; every version of every CRD.
 * `configuration.konghq.com/kong-operator-v2.0.1/` is not included: it is
 * another generation of the same Kong kinds (the library targets the 1.x set
 * in the folder root).
 */
export const CRD_FOLDERS: ReadonlyArray<{ readonly dir: string; readonly channel?: 'experimental' }> = [
  { dir: 'gateway.networking.k8s.io' },
  { dir: 'gateway.networking.k8s.io/experimental', channel: 'experimental' },
  { dir: 'serving.kserve.io' },
  { dir: 'gateway.kgateway.dev' },
  { dir: 'gateway.envoyproxy.io' },
  { dir: 'kuadrant.io' },
  { dir: 'extensions.kuadrant.io' },
  { dir: 'limitador.kuadrant.io' },
  { dir: 'authorino.kuadrant.io' },
  { dir: 'configuration.konghq.com' },
  { dir: 'cert-manager.io' },
  { dir: 'monitoring.coreos.com' },
  { dir: 'grafana.integreatly.org' },
  { dir: 'argoproj.io' },
  { dir: 'external-secrets.io' },
  { dir: 'istio.io' },
  // LLM routing: Gateway API Inference Extension v1.6.0 (InferencePool; InferencePoolImport), the llm-d objectives
  // that replaced GAIE's v1alpha2 ones, Envoy AI Gateway v1.1.0 and agentgateway v1.4.1. The older
  // `inference.networking.x-k8s.io/v1.5.0/` copies (InferenceObjective before it moved to llm-d.ai) are not loaded.
  { dir: 'inference.networking.k8s.io' },
  { dir: 'inference.networking.x-k8s.io' },
  { dir: 'llm-d.ai' },
  { dir: 'aigateway.envoyproxy.io' },
  { dir: 'agentgateway.dev' },
];

/**
 * The apiserver's OpenAPI document (Kubernetes v1.35), for built-in kinds:
 * it names the kind of every definition and which kinds can be created
 * where; the cdk8s JSON schemas beside it are a lossy conversion of it.
 */
export const CORE_SCHEMA = 'k8s/swagger-v1.35.0.json';
