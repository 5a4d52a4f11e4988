import { Construct } from 'constructs';
import * as istio from '../../imports/istio-networking.istio.io';

/**
 * What a Gateway implementation needs before it routes to InferencePools,
 * as setup notes and objects shared by the library's `EndpointPicker` and
 * the pickers KServe deploys for LLMInferenceServices.
 */

/**
 * istiod reconciles InferencePools only with its inference extension flag
 * (https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api-inference-extension/ (Setup);
 * https://llm-d.ai/docs/infrastructure/gateway/istio (Step 2)).
 */
export const ISTIO_INFERENCE_NOTE = {
  topic: 'Istio: Gateway API Inference Extension support in istiod',
  text: 'istiod reconciles InferencePools only when installed with `values.pilot.env.ENABLE_GATEWAY_API_INFERENCE_EXTENSION=true` (e.g. `istioctl install --set values.pilot.env.ENABLE_GATEWAY_API_INFERENCE_EXTENSION=true`); without it, routes to a pool do not resolve. The `inference.networking.k8s.io` CRDs (GAIE v1.6.0) must be installed before istiod starts.',
} as const;

/** The Envoy Gateway setup for InferencePool backends (envoyproxy/ai-gateway v1.1.0 examples/inference-pool/envoy-gateway-values-addon.yaml and manifests/envoy-gateway-values.yaml). */
export const ENVOY_AI_GATEWAY_NOTE = {
  topic: 'Envoy Gateway: InferencePool backends through Envoy AI Gateway',
  text: [
  "Envoy Gateway routes to an InferencePool only through Envoy AI Gateway's extension server. Install Envoy AI Gateway (v1.1) and give the Envoy Gateway installation these Helm values (the extension manager hooks and the InferencePool backend resource):",
  '',
  '```yaml',
  'config:',
  '  envoyGateway:',
  '    extensionApis:',
  '      enableBackend: true',
  '    extensionManager:',
  '      backendResources:',
  '        - group: inference.networking.k8s.io',
  '          kind: InferencePool',
  '          version: v1',
  '      hooks:',
  '        xdsTranslator:',
  '          translation:',
  '            listener: { includeAll: true }',
  '            route: { includeAll: true }',
  '            cluster: { includeAll: true }',
  '            secret: { includeAll: true }',
  '          post: [Translation, Cluster, Route]',
  '      service:',
  '        fqdn:',
  '          hostname: ai-gateway-controller.envoy-ai-gateway-system.svc.cluster.local',
  '          port: 1063',
  '```',
  '',
  "Envoy AI Gateway connects to the picker over TLS without verifying its self-signed certificate, and builds the ext_proc filter with `failure_mode_allow: false` whatever the pool's `failureMode` (internal/extensionserver/inferencepool.go): the pools it routes to say `FailClose`, and a picker outage fails their requests.",
  '',
  "The ai-gateway-helm chart grants the `envoy-gateway` ServiceAccount read access to `inferencepools` (templates/envoy_gateway_cluster_role_for_inference_pool.yaml): install it with that chart.",
].join('\n'),
} as const;

/**
 * The picker serves ext-proc over TLS with a self-signed certificate
 * (`--secure-serving`, on by default in llm-d-router): Istio's gateway must
 * originate TLS to it without verifying (the chart's
 * `llm-d-router-gateway/templates/istio.yaml`). A DestinationRule named
 * after the picker Service, in `namespace`.
 */
export function pickerDestinationRule(scope: Construct, id: string, serviceName: string, namespace: string): istio.DestinationRule {
  return new istio.DestinationRule(scope, id, {
    metadata: { name: serviceName },
    spec: {
      host: `${serviceName}.${namespace}.svc.cluster.local`,
      trafficPolicy: { tls: { mode: istio.DestinationRuleSpecTrafficPolicyTlsMode.SIMPLE, insecureSkipVerify: true } },
    },
  });
}
