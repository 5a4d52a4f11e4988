import { yaml } from './helpers';

/** Valid objects of the kinds the library emits; each invalid case breaks one of them. */
export const VALID = {
  gateway: yaml(`
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: edge}
spec:
  gatewayClassName: kgateway
  listeners:
  - {name: http, port: 80, protocol: HTTP}
  - name: https
    port: 443
    protocol: HTTPS
    hostname: api.example.com
    tls: {mode: Terminate, certificateRefs: [{name: cert}]}
    allowedRoutes: {namespaces: {from: Same}}
`),
  httpRoute: yaml(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: route, namespace: models}
spec:
  parentRefs: [{name: gw, namespace: edge, sectionName: https}]
  hostnames: [api.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /v1}, method: POST, headers: [{name: x-tier, value: gold}]}]
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier: {set: [{name: x-a, value: "1"}], remove: [x-debug]}
    backendRefs: [{name: svc, port: 8080, weight: 1}]
    timeouts: {request: 30s, backendRequest: 10s}
`),
  grpcRoute: yaml(`
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: grpc, namespace: models}
spec:
  parentRefs: [{name: gw, namespace: edge}]
  rules:
  - matches: [{method: {service: inference.GRPCInferenceService, method: ModelInfer}}]
    backendRefs: [{name: svc, port: 8081}]
`),
  inferenceService: yaml(`
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: iris, namespace: models}
spec:
  predictor:
    minReplicas: 1
    model:
      modelFormat: {name: sklearn}
      storageUri: gs://kfserving-examples/models/sklearn/iris
      resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {cpu: "1", memory: 1Gi}}
`),
  servingRuntime: yaml(`
apiVersion: serving.kserve.io/v1alpha1
kind: ServingRuntime
metadata: {name: runtime, namespace: models}
spec:
  supportedModelFormats: [{name: sklearn, version: "1", autoSelect: true}]
  containers:
  - name: kserve-container
    image: kserve/sklearnserver:v0.14.0
`),
  rateLimitPolicy: yaml(`
apiVersion: kuadrant.io/v1
kind: RateLimitPolicy
metadata: {name: rl, namespace: models}
spec:
  targetRef: {group: gateway.networking.k8s.io, kind: HTTPRoute, name: route}
  limits:
    per-user:
      rates: [{limit: 10, window: 1m}]
`),
  authPolicy: yaml(`
apiVersion: kuadrant.io/v1
kind: AuthPolicy
metadata: {name: auth, namespace: models}
spec:
  targetRef: {group: gateway.networking.k8s.io, kind: HTTPRoute, name: route}
  rules:
    authentication:
      api-key:
        apiKey: {selector: {matchLabels: {app: models}}}
        credentials: {authorizationHeader: {prefix: APIKEY}}
`),
  kongConsumer: yaml(`
apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata: {name: alice, namespace: models, annotations: {kubernetes.io/ingress.class: kong}}
username: alice
`),
  kongPlugin: yaml(`
apiVersion: configuration.konghq.com/v1
kind: KongPlugin
metadata: {name: rate-limit, namespace: models}
plugin: rate-limiting
config: {minute: 5, policy: local}
`),
  certificate: yaml(`
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: gateway-cert, namespace: edge}
spec:
  secretName: gateway-cert
  dnsNames: [api.example.com]
  duration: 2160h
  renewBefore: 360h
  privateKey: {algorithm: ECDSA, size: 256}
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
`),
  prometheusRule: yaml(`
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: rules, namespace: models}
spec:
  groups:
  - name: serving
    partial_response_strategy: WARN
    rules:
    - alert: ModelDown
      expr: up{job="iris"} == 0
      for: 5m
      labels: {severity: critical}
`),
  serviceMonitor: yaml(`
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: iris, namespace: models}
spec:
  selector: {matchLabels: {app: iris}}
  endpoints: [{port: metrics, scheme: http, interval: 30s}]
`),
  application: yaml(`
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: platform, namespace: argocd}
spec:
  project: default
  source: {repoURL: https://example.com/repo.git, path: dist/kgateway-kserve, targetRevision: main}
  destination: {server: https://kubernetes.default.svc, namespace: models}
`),
  peerAuthentication: yaml(`
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: models}
spec:
  mtls: {mode: STRICT}
`),
  namespace: yaml(`
apiVersion: v1
kind: Namespace
metadata: {name: models, labels: {app.kubernetes.io/part-of: platform}}
`),
  service: yaml(`
apiVersion: v1
kind: Service
metadata: {name: svc, namespace: models}
spec:
  selector: {app: iris}
  ports: [{name: http, port: 8080, targetPort: http}]
`),
  deployment: yaml(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: models}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27.3
        resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 0.5, memory: 128Mi}}
`),
  cronJob: yaml(`
apiVersion: batch/v1
kind: CronJob
metadata: {name: cleanup, namespace: models}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: cleanup, image: busybox:1.36}]
`),
  configMap: yaml(`
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: models}
data: {mode: fast}
`),
} as const;
