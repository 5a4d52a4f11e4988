/**
 * What `npm run import` generates: one module per API group (file
 * `imports/<name>-<group>.ts`), with only the kinds and versions the library uses.
 * Paths are relative to `../shared/crds`.
 */
export interface CrdSelection {
  readonly file: string;
  readonly kind: string;
  readonly versions: readonly string[];
}

export interface ImportModule {
  readonly name: string;
  readonly crds: readonly CrdSelection[];
}

export const IMPORT_MODULES: readonly ImportModule[] = [
  {
    name: 'gateway',
    crds: [
      { file: 'gateway.networking.k8s.io/gatewayclasses.yaml', kind: 'GatewayClass', versions: ['v1'] },
      { file: 'gateway.networking.k8s.io/gateways.yaml', kind: 'Gateway', versions: ['v1'] },
      { file: 'gateway.networking.k8s.io/httproutes.yaml', kind: 'HTTPRoute', versions: ['v1'] },
      { file: 'gateway.networking.k8s.io/grpcroutes.yaml', kind: 'GRPCRoute', versions: ['v1'] },
      { file: 'gateway.networking.k8s.io/referencegrants.yaml', kind: 'ReferenceGrant', versions: ['v1'] },
      { file: 'gateway.networking.k8s.io/backendtlspolicies.yaml', kind: 'BackendTLSPolicy', versions: ['v1'] },
    ],
  },
  {
    name: 'kserve',
    crds: [
      { file: 'serving.kserve.io/inferenceservices.yaml', kind: 'InferenceService', versions: ['v1beta1'] },
      { file: 'serving.kserve.io/servingruntimes.yaml', kind: 'ServingRuntime', versions: ['v1alpha1'] },
      { file: 'serving.kserve.io/clusterservingruntimes.yaml', kind: 'ClusterServingRuntime', versions: ['v1alpha1'] },
      { file: 'serving.kserve.io/llminferenceservices.yaml', kind: 'LLMInferenceService', versions: ['v1alpha2'] },
      { file: 'serving.kserve.io/inferencegraphs.yaml', kind: 'InferenceGraph', versions: ['v1alpha1'] },
      { file: 'serving.kserve.io/trainedmodels.yaml', kind: 'TrainedModel', versions: ['v1alpha1'] },
      { file: 'serving.kserve.io/llminferenceserviceconfigs.yaml', kind: 'LLMInferenceServiceConfig', versions: ['v1alpha2'] },
    ],
  },
  {
    name: 'kgateway',
    crds: [
      { file: 'gateway.kgateway.dev/directresponses.yaml', kind: 'DirectResponse', versions: ['v1alpha1'] },
      { file: 'gateway.kgateway.dev/trafficpolicies.yaml', kind: 'TrafficPolicy', versions: ['v1alpha1'] },
      { file: 'gateway.kgateway.dev/gatewayextensions.yaml', kind: 'GatewayExtension', versions: ['v1alpha1'] },
      { file: 'gateway.kgateway.dev/httplistenerpolicies.yaml', kind: 'HTTPListenerPolicy', versions: ['v1alpha1'] },
      { file: 'gateway.kgateway.dev/backends.yaml', kind: 'Backend', versions: ['v1alpha1'] },
      { file: 'gateway.kgateway.dev/backendconfigpolicies.yaml', kind: 'BackendConfigPolicy', versions: ['v1alpha1'] },
    ],
  },
  {
    name: 'envoygateway',
    crds: [
      { file: 'gateway.envoyproxy.io/securitypolicies.yaml', kind: 'SecurityPolicy', versions: ['v1alpha1'] },
      { file: 'gateway.envoyproxy.io/backendtrafficpolicies.yaml', kind: 'BackendTrafficPolicy', versions: ['v1alpha1'] },
      { file: 'gateway.envoyproxy.io/envoyproxies.yaml', kind: 'EnvoyProxy', versions: ['v1alpha1'] },
      { file: 'gateway.envoyproxy.io/clienttrafficpolicies.yaml', kind: 'ClientTrafficPolicy', versions: ['v1alpha1'] },
      { file: 'gateway.envoyproxy.io/backends.yaml', kind: 'Backend', versions: ['v1alpha1'] },
    ],
  },
  {
    name: 'kuadrant',
    crds: [
      { file: 'kuadrant.io/authpolicies.yaml', kind: 'AuthPolicy', versions: ['v1'] },
      { file: 'kuadrant.io/ratelimitpolicies.yaml', kind: 'RateLimitPolicy', versions: ['v1'] },
      { file: 'kuadrant.io/tokenratelimitpolicies.yaml', kind: 'TokenRateLimitPolicy', versions: ['v1alpha1'] },
      { file: 'kuadrant.io/kuadrants.yaml', kind: 'Kuadrant', versions: ['v1beta1'] },
      { file: 'kuadrant.io/tlspolicies.yaml', kind: 'TLSPolicy', versions: ['v1'] },
    ],
  },
  {
    name: 'kuadrantext',
    crds: [{ file: 'extensions.kuadrant.io/telemetrypolicies.yaml', kind: 'TelemetryPolicy', versions: ['v1alpha1'] }],
  },
  {
    name: 'limitador',
    crds: [{ file: 'limitador.kuadrant.io/limitadors.yaml', kind: 'Limitador', versions: ['v1alpha1'] }],
  },
  {
    name: 'kong',
    crds: [
      { file: 'configuration.konghq.com/kongplugins.yaml', kind: 'KongPlugin', versions: ['v1'] },
      { file: 'configuration.konghq.com/kongconsumers.yaml', kind: 'KongConsumer', versions: ['v1'] },
      { file: 'configuration.konghq.com/kongconsumergroups.yaml', kind: 'KongConsumerGroup', versions: ['v1beta1'] },
      { file: 'configuration.konghq.com/kongclusterplugins.yaml', kind: 'KongClusterPlugin', versions: ['v1'] },
      { file: 'configuration.konghq.com/kongupstreampolicies.yaml', kind: 'KongUpstreamPolicy', versions: ['v1beta1'] },
    ],
  },
  {
    name: 'certmanager',
    crds: [
      { file: 'cert-manager.io/certificates.yaml', kind: 'Certificate', versions: ['v1'] },
      { file: 'cert-manager.io/issuers.yaml', kind: 'Issuer', versions: ['v1'] },
    ],
  },
  {
    name: 'monitoring',
    crds: [
      { file: 'monitoring.coreos.com/servicemonitors.yaml', kind: 'ServiceMonitor', versions: ['v1'] },
      { file: 'monitoring.coreos.com/podmonitors.yaml', kind: 'PodMonitor', versions: ['v1'] },
      { file: 'monitoring.coreos.com/prometheusrules.yaml', kind: 'PrometheusRule', versions: ['v1'] },
    ],
  },
  {
    name: 'grafana',
    crds: [{ file: 'grafana.integreatly.org/grafanadashboards.yaml', kind: 'GrafanaDashboard', versions: ['v1beta1'] }],
  },
  {
    name: 'argocd',
    crds: [
      { file: 'argoproj.io/application-crd.yaml', kind: 'Application', versions: ['v1alpha1'] },
      { file: 'argoproj.io/applicationset-crd.yaml', kind: 'ApplicationSet', versions: ['v1alpha1'] },
      { file: 'argoproj.io/appproject-crd.yaml', kind: 'AppProject', versions: ['v1alpha1'] },
    ],
  },
  {
    name: 'externalsecrets',
    crds: [
      { file: 'external-secrets.io/externalsecrets.yaml', kind: 'ExternalSecret', versions: ['v1'] },
      { file: 'external-secrets.io/pushsecrets.yaml', kind: 'PushSecret', versions: ['v1alpha1'] },
    ],
  },
  {
    name: 'istio',
    crds: [
      { file: 'istio.io/customresourcedefinitions.gen.yaml', kind: 'PeerAuthentication', versions: ['v1'] },
      { file: 'istio.io/customresourcedefinitions.gen.yaml', kind: 'AuthorizationPolicy', versions: ['v1'] },
      { file: 'istio.io/customresourcedefinitions.gen.yaml', kind: 'Telemetry', versions: ['v1'] },
      { file: 'istio.io/customresourcedefinitions.gen.yaml', kind: 'DestinationRule', versions: ['v1'] },
    ],
  },
  {
    name: 'inference',
    crds: [{ file: 'inference.networking.k8s.io/inferencepools.yaml', kind: 'InferencePool', versions: ['v1'] }],
  },
  {
    name: 'llmd',
    crds: [
      { file: 'llm-d.ai/inferenceobjectives.yaml', kind: 'InferenceObjective', versions: ['v1alpha2'] },
      { file: 'llm-d.ai/inferencemodelrewrites.yaml', kind: 'InferenceModelRewrite', versions: ['v1alpha2'] },
    ],
  },
  {
    name: 'agentgateway',
    crds: [
      { file: 'agentgateway.dev/agentgatewaypolicies.yaml', kind: 'AgentgatewayPolicy', versions: ['v1alpha1'] },
      { file: 'agentgateway.dev/agentgatewaybackends.yaml', kind: 'AgentgatewayBackend', versions: ['v1alpha1'] },
      { file: 'agentgateway.dev/agentgatewaymodels.yaml', kind: 'AgentgatewayModel', versions: ['v1alpha1'] },
    ],
  },
  {
    name: 'aigateway',
    crds: [
      { file: 'aigateway.envoyproxy.io/aigatewayroutes.yaml', kind: 'AIGatewayRoute', versions: ['v1beta1'] },
      { file: 'aigateway.envoyproxy.io/aiservicebackends.yaml', kind: 'AIServiceBackend', versions: ['v1beta1'] },
      { file: 'aigateway.envoyproxy.io/backendsecuritypolicies.yaml', kind: 'BackendSecurityPolicy', versions: ['v1beta1'] },
    ],
  },
];
