import { MetricCatalog, MetricInfo } from './metric-catalog';

// Model servers, at the versions KServe v0.20.0 installs (config/runtimes/kustomization.yaml and the
// kserve-runtime-configs chart: tensorflow/serving 2.6.2, nvcr.io/nvidia/tritonserver 23.05-py3,
// pytorch/torchserve-kfs 0.9.0, seldonio/mlserver 1.7.1; kserve/*server at the release itself), and the
// OpenAI-compatible servers this library's runtime factories pin (vLLM v0.11.0, TEI 1.8).
const KSERVE_SRC = 'https://github.com/kserve/kserve/blob/v0.20.0/python/kserve/kserve/metrics.py';
const TORCHSERVE_SRC = 'https://github.com/pytorch/serve/blob/v0.9.0/ts/configs/metrics.yaml';
const TORCHSERVE_HTTP_SRC = 'https://github.com/pytorch/serve/blob/v0.9.0/frontend/server/src/main/java/org/pytorch/serve/util/NettyUtils.java';
const TRITON_SRC = 'https://github.com/triton-inference-server/core/blob/r23.05/src/metrics.cc';
const TF_SERVING_SRC = 'https://github.com/tensorflow/serving/blob/2.6.2/tensorflow_serving/servables/tensorflow/util.cc';
const MLSERVER_SRC = 'https://github.com/SeldonIO/MLServer/blob/1.7.1/mlserver/handlers/dataplane.py';
const TEI_HTTP_SRC = 'https://github.com/huggingface/text-embeddings-inference/blob/v1.8.0/router/src/http/server.rs';
const TEI_LIB_SRC = 'https://github.com/huggingface/text-embeddings-inference/blob/v1.8.0/router/src/lib.rs';
const TEI_QUEUE_SRC = 'https://github.com/huggingface/text-embeddings-inference/blob/v1.8.0/core/src/queue.rs';
const VLLM_SRC = 'https://github.com/vllm-project/vllm/blob/v0.11.0/vllm/v1/metrics/loggers.py';
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
const EPP_SRC = 'https://github.com/llm-d/llm-d-router/blob/v0.10.0/pkg/epp/metrics/llm_d_router_metrics.go';
const LIMITADOR_DOC = 'https://docs.kuadrant.io/latest/limitador/limitador-server/docs/metrics/';
const AUTHORINO_DOC = 'https://docs.kuadrant.io/latest/authorino/docs/user-guides/observability/#metrics';
// agentgateway v1.4.1: every data-plane metric is registered in telemetry/metrics.rs under the `agentgateway_` prefix
// (crates/core/src/metrics.rs PREFIX, sub_registry in crates/agentgateway/src/app.rs); prometheus_client adds `_total`
// to counters and the unit (`_seconds`) to metrics registered with one.
const AGENTGATEWAY_SRC = 'https://github.com/agentgateway/agentgateway/blob/v1.4.1/crates/agentgateway/src/telemetry/metrics.rs';

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
   * KServe Python model servers (kserve-sklearnserver, -xgbserver,
   * -lgbserver, -pmmlserver, -paddleserver, -huggingfaceserver, custom
   * predictors and transformers built on `kserve.Model`), served on the HTTP
   * port (8080) at `/metrics`; label `model_name`. `prometheus_client`
   * histograms with its default buckets (0.005 ... 10 s, including 0.5).
   * No error counter.
   */
  public static readonly KSERVE = new MetricCatalog('kserve', {
    request_preprocess_seconds: m('histogram', 'pre-processing latency per request, seconds (label model_name)', KSERVE_SRC),
    request_predict_seconds: m('histogram', 'prediction latency per request, seconds (label model_name); its _count counts requests', KSERVE_SRC),
    request_postprocess_seconds: m('histogram', 'post-processing latency per request, seconds (label model_name)', KSERVE_SRC),
    request_explain_seconds: m('histogram', 'explanation latency per request, seconds (label model_name)', KSERVE_SRC),
  });

  /**
   * TorchServe 0.9.0 (`pytorch/torchserve-kfs`, KServe's runtime for
   * `pytorch`) on its metrics API, port 8082 `/metrics`. Only with
   * `metrics_mode=prometheus` and `metrics_address=http://0.0.0.0:8082` in the
   * model's `config.properties` (the defaults are `log` and 127.0.0.1).
   * Counters are exposed under their configured names (simpleclient 0.9 adds
   * no `_total`); the latency counters are cumulative microseconds, not
   * histograms, so no quantile can be computed.
   */
  public static readonly TORCHSERVE = new MetricCatalog('torchserve', {
    ts_inference_requests_total: m('counter', 'inference requests received per model (labels model_name, model_version, hostname)', TORCHSERVE_SRC),
    ts_inference_latency_microseconds: m('counter', 'cumulative inference latency, microseconds (labels model_name, model_version, hostname)', TORCHSERVE_SRC),
    ts_queue_latency_microseconds: m('counter', 'cumulative time requests waited in the queue, microseconds (labels model_name, model_version, hostname)', TORCHSERVE_SRC),
    Requests2XX: m('counter', 'HTTP responses 2xx of the whole server, every API (labels Level, Hostname)', TORCHSERVE_HTTP_SRC),
    Requests4XX: m('counter', 'HTTP responses 4xx of the whole server, every API (labels Level, Hostname)', TORCHSERVE_HTTP_SRC),
    Requests5XX: m('counter', 'HTTP responses 5xx of the whole server, every API; gRPC calls are not counted (labels Level, Hostname)', TORCHSERVE_HTTP_SRC),
    QueueTime: m('gauge', 'time the last job waited in the queue, milliseconds', TORCHSERVE_SRC),
    WorkerLoadTime: m('gauge', 'time a worker took to load the model, milliseconds (label WorkerName)', TORCHSERVE_SRC),
    CPUUtilization: m('gauge', 'host CPU utilization, percent', TORCHSERVE_SRC),
    MemoryUtilization: m('gauge', 'host memory utilization, percent', TORCHSERVE_SRC),
    GPUUtilization: m('gauge', 'GPU utilization, percent (label DeviceId)', TORCHSERVE_SRC),
    GPUMemoryUtilization: m('gauge', 'GPU memory utilization, percent (label DeviceId)', TORCHSERVE_SRC),
  });

  /**
   * Triton Inference Server 23.05 (KServe's runtime for `triton`, `onnx`,
   * `tensorrt`) on port 8002 `/metrics`; labels `model`, `version`. Durations
   * are cumulative microsecond counters: latency histograms do not exist in
   * this release and the summaries are off unless `--metrics-config
   * summary_latencies=true`.
   */
  public static readonly TRITON = new MetricCatalog('triton', {
    nv_inference_request_success: m('counter', 'successful inference requests, all batch sizes (labels model, version)', TRITON_SRC),
    nv_inference_request_failure: m('counter', 'failed inference requests, all batch sizes (labels model, version)', TRITON_SRC),
    nv_inference_count: m('counter', 'inferences performed (a batch of n counts n)', TRITON_SRC),
    nv_inference_exec_count: m('counter', 'model executions (batches) performed', TRITON_SRC),
    nv_inference_request_duration_us: m('counter', 'cumulative end-to-end inference request duration, microseconds', TRITON_SRC),
    nv_inference_queue_duration_us: m('counter', 'cumulative time requests waited in the scheduling queue, microseconds', TRITON_SRC),
    nv_inference_compute_input_duration_us: m('counter', 'cumulative compute input duration, microseconds', TRITON_SRC),
    nv_inference_compute_infer_duration_us: m('counter', 'cumulative compute inference duration, microseconds', TRITON_SRC),
    nv_inference_compute_output_duration_us: m('counter', 'cumulative compute output duration, microseconds', TRITON_SRC),
    nv_gpu_utilization: m('gauge', 'GPU utilization, 0-1 (label gpu_uuid)', TRITON_SRC),
    nv_gpu_memory_used_bytes: m('gauge', 'GPU memory used, bytes (label gpu_uuid)', TRITON_SRC),
    nv_gpu_memory_total_bytes: m('gauge', 'GPU memory, bytes (label gpu_uuid)', TRITON_SRC),
    nv_cpu_utilization: m('gauge', 'CPU utilization, 0-1', TRITON_SRC),
    nv_cpu_memory_used_bytes: m('gauge', 'CPU memory used, bytes', TRITON_SRC),
  });

  /**
   * TensorFlow Serving 2.6.2 (KServe's runtime for `tensorflow`), on its REST
   * port under `/monitoring/prometheus/metrics`, only when started with a
   * monitoring config that enables Prometheus. Monitoring names become
   * Prometheus names with `/` turned into `:` (`util/prometheus_exporter.cc`).
   */
  public static readonly TF_SERVING = new MetricCatalog('tensorflow-serving', {
    ':tensorflow:serving:request_count': m('counter', 'requests per model and outcome (labels model_name, status: the canonical code, OK, INVALID_ARGUMENT, INTERNAL, ...)', TF_SERVING_SRC),
    ':tensorflow:serving:request_latency': m('histogram', 'latency of successful requests, microseconds (labels model_name, API, entrypoint: REST or GRPC); buckets 10 * 1.8^k', TF_SERVING_SRC),
    ':tensorflow:serving:runtime_latency': m('histogram', 'TensorFlow runtime wall time, microseconds (labels model_name, API, runtime)', TF_SERVING_SRC),
    ':tensorflow:serving:request_example_count_total': m('counter', 'tensorflow.Examples received (label model)', TF_SERVING_SRC),
  });

  /**
   * Seldon MLServer 1.7.1, which KServe v0.20 selects for `sklearn`,
   * `xgboost` and `lightgbm` models on the V2 protocol (priority 2 over the
   * KServe servers' 1), on its own metrics port 8082 `/metrics` (settings
   * `metrics_port`); labels `model`, `version`.
   */
  public static readonly MLSERVER = new MetricCatalog('mlserver', {
    model_infer_request_success_total: m('counter', 'successful inference requests (labels model, version)', MLSERVER_SRC),
    model_infer_request_failure_total: m('counter', 'failed inference requests (labels model, version)', MLSERVER_SRC),
    model_infer_request_duration: m('summary', 'inference request duration, seconds (labels model, version); _count and _sum only', MLSERVER_SRC),
  });

  /**
   * Hugging Face Text Embeddings Inference 1.8 on its Prometheus port
   * (`--prometheus-port`, 9000 by default) at `/metrics`. Duration histograms
   * are in seconds with buckets 1.5e-5 * 1.5^k (`router/src/prometheus.rs`).
   */
  public static readonly TEI = new MetricCatalog('text-embeddings-inference', {
    te_request_count: m('counter', 'requests received (label method: single, batch)', TEI_HTTP_SRC),
    te_request_success: m('counter', 'requests answered successfully (label method)', TEI_HTTP_SRC),
    te_request_failure: m('counter', 'requests failed (label err: validation, tokenizer, backend, overloaded, ...)', TEI_HTTP_SRC),
    te_request_duration: m('histogram', 'end-to-end request duration of successful requests, seconds', TEI_LIB_SRC),
    te_request_queue_duration: m('histogram', 'time requests waited in the queue, seconds', TEI_LIB_SRC),
    te_request_inference_duration: m('histogram', 'inference time of requests, seconds', TEI_LIB_SRC),
    te_request_tokenization_duration: m('histogram', 'tokenization time of requests, seconds', TEI_LIB_SRC),
    te_queue_size: m('gauge', 'requests waiting in the queue', TEI_QUEUE_SRC),
    te_batch_next_size: m('histogram', 'size of the batches run', TEI_QUEUE_SRC),
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

  /**
   * vLLM's OpenAI-compatible server (v0.11, V1 engine) on its serving port
   * `/metrics`; labels `model_name`, `engine`. `prometheus_client` counters
   * (exposed with `_total`); the e2e latency buckets include 0.5 s.
   */
  public static readonly VLLM = new MetricCatalog('vllm', {
    'vllm:num_requests_running': m('gauge', 'requests currently running on the GPU', VLLM_SRC),
    'vllm:num_requests_waiting': m('gauge', 'requests waiting to be scheduled', VLLM_SRC),
    'vllm:kv_cache_usage_perc': m('gauge', 'KV-cache usage, 0-1 (1 = full)', VLLM_SRC),
    'vllm:gpu_cache_usage_perc': m('gauge', 'deprecated name of vllm:kv_cache_usage_perc (older releases)', VLLM_SRC),
    'vllm:time_to_first_token_seconds': m('histogram', 'time to first token, seconds', VLLM_SRC),
    'vllm:time_per_output_token_seconds': m('histogram', 'time per output token, seconds; deprecated in v0.11, removed in v0.13+ (vllm PR #32661): vLLM 0.24.0, which KServe v0.20.0 pins, no longer exports it, so rules read vllm:inter_token_latency_seconds', VLLM_SRC),
    'vllm:inter_token_latency_seconds': m('histogram', 'time between output tokens, seconds (v0.11 on; the name vLLM 0.24.0, pinned by KServe v0.20.0 python/kserve/pyproject.toml `llm` extra, exports)', VLLM_DOC),
    'vllm:e2e_request_latency_seconds': m('histogram', 'end-to-end request latency, seconds; its _count counts finished requests', VLLM_SRC),
    'vllm:request_queue_time_seconds': m('histogram', 'time a request spent waiting, seconds', VLLM_SRC),
    'vllm:prompt_tokens_total': m('counter', 'prefill tokens processed', VLLM_SRC),
    'vllm:generation_tokens_total': m('counter', 'generated tokens', VLLM_SRC),
    'vllm:request_success_total': m('counter', 'finished requests (label finished_reason)', VLLM_SRC),
    'vllm:num_preemptions_total': m('counter', 'requests preempted by the scheduler', VLLM_SRC),
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

  /**
   * The llm-d router endpoint picker (the InferencePool's EPP) on its metrics
   * port (9090), at the version `EndpointPicker` pins. The `inference_pool_*`
   * and `inference_objective_*` names of the same file are deprecated there
   * in favour of these.
   */
  public static readonly ENDPOINT_PICKER = new MetricCatalog('endpoint-picker', {
    llm_d_epp_request_total: m('counter', 'requests processed (labels model_name, target_model_name, fairness id, priority)', EPP_SRC),
    llm_d_epp_request_error_total: m('counter', 'request errors (same labels, and error_code)', EPP_SRC),
    llm_d_epp_request_duration_seconds: m('histogram', 'end-to-end request latency, seconds', EPP_SRC),
    llm_d_epp_average_kv_cache_utilization: m('gauge', 'average KV-cache utilization of the pool, 0-1 (label name: the pool)', EPP_SRC),
    llm_d_epp_average_queue_size: m('gauge', 'average requests waiting in the model servers of the pool (label name)', EPP_SRC),
    llm_d_epp_average_running_requests: m('gauge', 'average running requests per model server of the pool (label name)', EPP_SRC),
    llm_d_epp_ready_endpoints: m('gauge', 'ready endpoints (model server pods) of the pool (label name)', EPP_SRC),
    llm_d_epp_scheduler_e2e_duration_seconds: m('histogram', 'end-to-end scheduling latency, seconds', EPP_SRC),
    llm_d_epp_scheduler_attempts_total: m('counter', 'scheduling attempts (label status: success, failure; target_model_name)', EPP_SRC),
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

  /**
   * agentgateway v1.4.1 proxies on their metrics port (15020 `/metrics`).
   * HTTP series carry `gateway` and `route` (both `<namespace>/<name>`),
   * `listener`, `route_rule`, `backend` (a Service backend is
   * `<service>.<namespace>.svc.cluster.local:<port>`), `method`, `status` and
   * `reason` (`Upstream`, `RateLimit`, `JwtAuth`, `APIKeyAuth`, `ExtAuth`,
   * `Authorization`, `Timeout`, ...: `ProxyResponseReason` in
   * `crates/agentgateway/src/proxy/mod.rs`). The `gen_ai_*` series are
   * recorded for LLM requests only, labelled `gen_ai_request_model`,
   * `gen_ai_response_model`, `gen_ai_system` (the provider) and, for token
   * usage, `gen_ai_token_type` (`input`, `output`, `input_cache_read`,
   * `input_cache_write`): `crates/agentgateway/src/telemetry/log.rs`.
   */
  public static readonly AGENTGATEWAY = new MetricCatalog('agentgateway', {
    agentgateway_requests_total: m('counter', 'HTTP requests answered (labels gateway, listener, route, route_rule, backend, method, status, reason)', AGENTGATEWAY_SRC),
    agentgateway_request_duration_seconds: m('histogram', 'HTTP request duration, seconds (same labels); buckets 0.001 ... 80', AGENTGATEWAY_SRC),
    agentgateway_response_bytes_total: m('counter', 'HTTP response bytes (same labels)', AGENTGATEWAY_SRC),
    agentgateway_retries_total: m('counter', 'request retries (same labels)', AGENTGATEWAY_SRC),
    agentgateway_upstream_call_duration_seconds: m('histogram', 'duration of the outbound calls the proxy makes, seconds (labels kind: Primary, Policy, Mirror; subtype: Http, Llm, Mcp, ExtAuthz, ExtProc, Guardrail, RateLimit, Oidc)', AGENTGATEWAY_SRC),
    agentgateway_downstream_connections_total: m('counter', 'downstream connections accepted (labels bind, gateway, listener, protocol)', AGENTGATEWAY_SRC),
    agentgateway_gen_ai_client_token_usage: m('histogram', 'tokens per LLM request (labels gen_ai_token_type, gen_ai_request_model, gen_ai_response_model, gen_ai_system, route); its _sum counts tokens', AGENTGATEWAY_SRC),
    agentgateway_gen_ai_server_request_duration: m('histogram', 'duration of LLM requests, seconds (labels gen_ai_request_model, ...)', AGENTGATEWAY_SRC),
    agentgateway_gen_ai_server_time_to_first_token: m('histogram', 'time to the first token of LLM responses, seconds (labels gen_ai_request_model, ...)', AGENTGATEWAY_SRC),
    agentgateway_gen_ai_server_time_per_output_token: m('histogram', 'time per output token of LLM responses, seconds (labels gen_ai_request_model, ...)', AGENTGATEWAY_SRC),
  });

  /** Every catalog above, e.g. to check that a synthesized expression reads only documented metrics. */
  public static all(): readonly MetricCatalog[] {
    return [Catalogs.PROMETHEUS, Catalogs.KSERVE, Catalogs.TORCHSERVE, Catalogs.TRITON, Catalogs.TF_SERVING, Catalogs.MLSERVER, Catalogs.TEI, Catalogs.KUBERNETES, Catalogs.VLLM, Catalogs.ENVOY, Catalogs.ISTIO, Catalogs.KONG, Catalogs.OPA, Catalogs.LIMITADOR, Catalogs.AUTHORINO, Catalogs.ENDPOINT_PICKER, Catalogs.AGENTGATEWAY];
  }

  private constructor() {}
}
