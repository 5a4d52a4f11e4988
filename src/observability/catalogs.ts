import { MetricCatalog, MetricInfo } from './metric-catalog';

const KSERVE_DOC = 'https://kserve.github.io/website/docs/model-serving/predictive-inference/observability/prometheus-metrics';
const PROM_DOC = 'https://prometheus.io/docs/concepts/jobs_instances/#automatically-generated-labels-and-time-series';
const KSM_POD_DOC = 'https://github.com/kubernetes/kube-state-metrics/blob/main/docs/metrics/workload/pod-metrics.md';
const KSM_DEPLOY_DOC = 'https://github.com/kubernetes/kube-state-metrics/blob/main/docs/metrics/workload/deployment-metrics.md';
const CADVISOR_DOC = 'https://github.com/google/cadvisor/blob/master/docs/storage/prometheus.md';
const DCGM_DOC = 'https://docs.nvidia.com/datacenter/dcgm/latest/dcgm-api/dcgm-api-field-ids.html';
const VLLM_DOC = 'https://docs.vllm.ai/en/stable/usage/metrics/';
const ENVOY_CLUSTER_DOC = 'https://www.envoyproxy.io/docs/envoy/latest/configuration/upstream/cluster_manager/cluster_stats';
const ENVOY_HCM_DOC = 'https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_conn_man/stats';
const ENVOY_EXT_AUTHZ_DOC = 'https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/ext_authz_filter#statistics';
const ENVOY_RATELIMIT_DOC = 'https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/rate_limit_filter#statistics';
const ENVOY_JWT_DOC = 'https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/jwt_authn_filter#statistics';
const ENVOY_SERVER_DOC = 'https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/statistics#server';
const ISTIO_DOC = 'https://istio.io/latest/docs/reference/config/metrics/';
const KONG_DOC = 'https://developer.konghq.com/plugins/prometheus/';
const OPA_DOC = 'https://www.openpolicyagent.org/docs/monitoring#prometheus';
const LIMITADOR_DOC = 'https://docs.kuadrant.io/latest/limitador/limitador-server/docs/metrics/';
const AUTHORINO_DOC = 'https://docs.kuadrant.io/latest/authorino/docs/user-guides/observability/#metrics';

const m = (type: MetricInfo['type'], help: string, source: string): MetricInfo => ({ type, help, source });

/**
 * The metric catalogs of the components the library monitors. Each entry
 * names the upstream page that documents it; the alert and dashboard
 * builders of a component may only read these (plus the series the
 * library's own rules record).
 */
export class Catalogs {
  /** Series Prometheus itself writes for every scrape target. */
  public static readonly PROMETHEUS = new MetricCatalog('prometheus', {
    up: m('gauge', '1 when the last scrape of the target succeeded, 0 when it failed', PROM_DOC),
    scrape_duration_seconds: m('gauge', 'duration of the last scrape, seconds', PROM_DOC),
  });

  /**
   * KServe Python model servers (sklearn, xgboost, lightgbm, pmml, paddle,
   * custom predictors and transformers), served on the HTTP port (8080) at `/metrics`;
   * label `model_name`.
   */
  public static readonly KSERVE = new MetricCatalog('kserve', {
    request_preprocess_seconds: m('histogram', 'pre-processing latency per request, seconds (label model_name)', KSERVE_DOC),
    request_predict_seconds: m('histogram', 'prediction latency per request, seconds (label model_name); its _count counts requests', KSERVE_DOC),
    request_postprocess_seconds: m('histogram', 'post-processing latency per request, seconds (label model_name)', KSERVE_DOC),
    request_explain_seconds: m('histogram', 'explanation latency per request, seconds (label model_name)', KSERVE_DOC),
  });

  /** kube-state-metrics, cAdvisor (kubelet) and NVIDIA DCGM exporter series used for workload health and resource use. */
  public static readonly KUBERNETES = new MetricCatalog('kubernetes', {
    kube_pod_init_container_status_restarts_total: m('counter', 'restarts of an init container (labels namespace, pod, container)', KSM_POD_DOC),
    kube_pod_container_status_restarts_total: m('counter', 'restarts of a container (labels namespace, pod, container)', KSM_POD_DOC),
    kube_pod_container_status_waiting_reason: m('gauge', '1 while a container waits for the labelled reason (CrashLoopBackOff, ...)', KSM_POD_DOC),
    kube_deployment_status_replicas_available: m('gauge', 'available replicas of a Deployment', KSM_DEPLOY_DOC),
    kube_deployment_spec_replicas: m('gauge', 'desired replicas of a Deployment', KSM_DEPLOY_DOC),
    container_cpu_usage_seconds_total: m('counter', 'CPU time consumed by a container, seconds (labels namespace, pod, container)', CADVISOR_DOC),
    container_memory_working_set_bytes: m('gauge', 'working-set memory of a container, bytes', CADVISOR_DOC),
    DCGM_FI_DEV_GPU_UTIL: m('gauge', 'GPU utilization, percent (dcgm-exporter; labels namespace, pod when pod attribution is on)', DCGM_DOC),
    DCGM_FI_DEV_FB_USED: m('gauge', 'GPU framebuffer memory used, MiB (dcgm-exporter)', DCGM_DOC),
  });

  /** vLLM's OpenAI-compatible server `/metrics` (label `model_name`). */
  public static readonly VLLM = new MetricCatalog('vllm', {
    'vllm:num_requests_running': m('gauge', 'requests currently running on the GPU', VLLM_DOC),
    'vllm:num_requests_waiting': m('gauge', 'requests waiting to be scheduled', VLLM_DOC),
    'vllm:kv_cache_usage_perc': m('gauge', 'KV-cache usage, 0-1 (1 = full)', VLLM_DOC),
    'vllm:gpu_cache_usage_perc': m('gauge', 'deprecated name of vllm:kv_cache_usage_perc (older releases)', VLLM_DOC),
    'vllm:time_to_first_token_seconds': m('histogram', 'time to first token, seconds', VLLM_DOC),
    'vllm:inter_token_latency_seconds': m('histogram', 'time between output tokens, seconds', VLLM_DOC),
    'vllm:e2e_request_latency_seconds': m('histogram', 'end-to-end request latency, seconds; its _count counts finished requests', VLLM_DOC),
    'vllm:request_queue_time_seconds': m('histogram', 'time a request spent waiting, seconds', VLLM_DOC),
    'vllm:prompt_tokens_total': m('counter', 'prefill tokens processed', VLLM_DOC),
    'vllm:generation_tokens_total': m('counter', 'generated tokens', VLLM_DOC),
    'vllm:request_success_total': m('counter', 'finished requests (label finished_reason)', VLLM_DOC),
    'vllm:num_preemptions_total': m('counter', 'requests preempted by the scheduler', VLLM_DOC),
  });

  /** Envoy statistics as exposed on `/stats/prometheus` (kgateway and Envoy Gateway proxies, Istio proxies). */
  public static readonly ENVOY = new MetricCatalog('envoy', {
    envoy_cluster_upstream_rq_total: m('counter', 'requests sent to an upstream cluster (label envoy_cluster_name)', ENVOY_CLUSTER_DOC),
    envoy_cluster_upstream_rq_xx: m('counter', 'upstream responses by class (label envoy_response_code_class: 2, 4, 5, ...)', ENVOY_CLUSTER_DOC),
    envoy_cluster_upstream_rq: m('counter', 'upstream responses by code (label envoy_response_code)', ENVOY_CLUSTER_DOC),
    envoy_cluster_upstream_rq_time: m('histogram', 'upstream request time, milliseconds', ENVOY_CLUSTER_DOC),
    envoy_cluster_membership_healthy: m('gauge', 'healthy hosts of a cluster', ENVOY_CLUSTER_DOC),
    envoy_cluster_ext_authz_denied: m('counter', 'requests denied by the external authorization service, per route target cluster', ENVOY_EXT_AUTHZ_DOC),
    envoy_cluster_ext_authz_ok: m('counter', 'requests allowed by the external authorization service', ENVOY_EXT_AUTHZ_DOC),
    envoy_cluster_ext_authz_error: m('counter', 'errors contacting the external authorization service', ENVOY_EXT_AUTHZ_DOC),
    envoy_cluster_ratelimit_over_limit: m('counter', 'requests over a global rate limit (answered 429), per route target cluster', ENVOY_RATELIMIT_DOC),
    envoy_cluster_ratelimit_ok: m('counter', 'requests under the global rate limit', ENVOY_RATELIMIT_DOC),
    envoy_http_downstream_rq_total: m('counter', 'requests received by a listener (label envoy_http_conn_manager_prefix)', ENVOY_HCM_DOC),
    envoy_http_downstream_rq_xx: m('counter', 'responses sent by class (label envoy_response_code_class)', ENVOY_HCM_DOC),
    envoy_http_downstream_rq_time: m('histogram', 'total request time, milliseconds', ENVOY_HCM_DOC),
    envoy_http_jwt_authn_denied: m('counter', 'requests denied by JWT authentication (401/403)', ENVOY_JWT_DOC),
    envoy_http_jwt_authn_allowed: m('counter', 'requests allowed by JWT authentication', ENVOY_JWT_DOC),
    envoy_server_live: m('gauge', '1 while the server is not draining', ENVOY_SERVER_DOC),
    envoy_server_uptime: m('gauge', 'seconds since the server started', ENVOY_SERVER_DOC),
  });

  /** Istio standard metrics of sidecars and gateways. */
  public static readonly ISTIO = new MetricCatalog('istio', {
    istio_requests_total: m('counter', 'requests (labels response_code, grpc_response_status, reporter, destination_service_name, destination_service_namespace, destination_canonical_revision, ...)', ISTIO_DOC),
    istio_request_duration_milliseconds: m('histogram', 'request duration, milliseconds', ISTIO_DOC),
    istio_request_bytes: m('histogram', 'request body size, bytes', ISTIO_DOC),
    istio_response_bytes: m('histogram', 'response body size, bytes', ISTIO_DOC),
  });

  /**
   * Kong Gateway 3.x Prometheus plugin (status API `/metrics`). The status
   * code, latency, bandwidth and upstream-health metrics are off by default;
   * `KongMonitoring` enables them. Kong 2.x's `kong_latency` histogram is
   * `kong_request_latency_ms` since 3.0.
   */
  public static readonly KONG = new MetricCatalog('kong', {
    kong_http_requests_total: m('counter', 'requests (labels service, route, code, source, consumer)', KONG_DOC),
    kong_request_latency_ms: m('histogram', 'total request latency, milliseconds (labels service, route)', KONG_DOC),
    kong_upstream_latency_ms: m('histogram', 'upstream latency, milliseconds', KONG_DOC),
    kong_kong_latency_ms: m('histogram', 'latency added by Kong, milliseconds', KONG_DOC),
    kong_bandwidth_bytes: m('counter', 'bytes proxied (labels service, route, direction)', KONG_DOC),
    kong_nginx_connections_total: m('gauge', 'nginx connections (label state: active, reading, writing, waiting, accepted, handled)', KONG_DOC),
    kong_upstream_target_health: m('gauge', '1 for the current health state of an upstream target (labels upstream, target, state)', KONG_DOC),
    kong_datastore_reachable: m('gauge', '1 when the database is reachable', KONG_DOC),
    kong_nginx_requests_total: m('gauge', 'requests handled by nginx', KONG_DOC),
  });

  /** Open Policy Agent server `/metrics` (the same HTTP port as its API). */
  public static readonly OPA = new MetricCatalog('opa', {
    http_request_duration_seconds: m('histogram', 'API request latency, seconds (labels code, handler, method)', OPA_DOC),
    go_goroutines: m('gauge', 'goroutines', OPA_DOC),
    go_memstats_alloc_bytes: m('gauge', 'heap bytes allocated and in use', OPA_DOC),
  });

  /** Limitador (Kuadrant's rate limiter) `/metrics` on its HTTP port (8080). */
  public static readonly LIMITADOR = new MetricCatalog('limitador', {
    limitador_up: m('gauge', '1 while Limitador runs', LIMITADOR_DOC),
    authorized_calls: m('counter', 'requests allowed (labels limitador_namespace, limit_name)', LIMITADOR_DOC),
    limited_calls: m('counter', 'requests rate-limited, answered 429 (labels limitador_namespace, limit_name)', LIMITADOR_DOC),
    authorized_hits: m('counter', 'hits counted against allowed limits', LIMITADOR_DOC),
    datastore_partitioned: m('gauge', '1 while the counter store is unreachable', LIMITADOR_DOC),
    datastore_latency: m('histogram', 'counter store latency, seconds', LIMITADOR_DOC),
  });

  /** Authorino (Kuadrant's authorization service) `/metrics` (8080) and `/server-metrics`. */
  public static readonly AUTHORINO = new MetricCatalog('authorino', {
    auth_server_authconfig_total: m('counter', 'requests per AuthConfig (labels namespace, authconfig)', AUTHORINO_DOC),
    auth_server_authconfig_response_status: m('counter', 'responses per AuthConfig and status (OK, UNAUTHENTICATED, PERMISSION_DENIED, ...)', AUTHORINO_DOC),
    auth_server_response_status: m('counter', 'responses by status', AUTHORINO_DOC),
    auth_server_authconfig_duration_seconds: m('histogram', 'AuthConfig evaluation time, seconds', AUTHORINO_DOC),
  });

  private constructor() {}
}
