import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { RequestMetrics } from '../../src/observability/request-metrics';

describe('RequestMetrics', () => {
  it('writes error ratio, quantile and slow-ratio expressions in the source unit', () => {
    const istio = RequestMetrics.istio('ml-models', 'iris-predictor');
    expect(istio.groupBy).toEqual(['destination_service_name', 'destination_service_namespace']);
    expect(istio.errorRatio(Duration.minutes(5))).toBe(
      'sum by (destination_service_name, destination_service_namespace) (rate(istio_requests_total{destination_service_name="iris-predictor",destination_service_namespace="ml-models",reporter="source",response_code=~"5.."}[5m]))\n/\nsum by (destination_service_name, destination_service_namespace) (rate(istio_requests_total{destination_service_name="iris-predictor",destination_service_namespace="ml-models",reporter="source"}[5m]))',
    );
    expect(istio.latencyAbove(0.95, Duration.seconds(1), Duration.minutes(5))).toMatch(/istio_request_duration_milliseconds_bucket.*\[5m\]\)\)\) > 1000$/);
    expect(istio.latencyQuantile(0.5, '$__rate_interval')).toMatch(/\[\$__rate_interval\]\)\)\) \* 0\.001$/);
    expect(istio.slowRatio(Duration.millis(500), Duration.hours(1))).toContain('le=~"500(\\\\.0+)?"');
  });

  it('generates series whose errors are part of the total when they share a metric', () => {
    const series = RequestMetrics.kong('svc').series({ rps: 10, errorRatio: 0.25, samples: 5 });
    expect(series).toEqual([
      { series: 'kong_http_requests_total{code="200",service="svc"}', values: '0+450x5' },
      { series: 'kong_http_requests_total{code="503",service="svc"}', values: '0+150x5' },
    ]);
  });

  it('generates a separate error counter and cumulative buckets for Envoy clusters', () => {
    const series = RequestMetrics.envoyCluster('kube_ns_svc_80').series({ rps: 1, errorRatio: 0.5, latency: [[0.25, 0.5]], samples: 2 });
    expect(series.map((s) => s.series)).toEqual([
      'envoy_cluster_upstream_rq_total{envoy_cluster_name="kube_ns_svc_80"}',
      'envoy_cluster_upstream_rq_xx{envoy_cluster_name="kube_ns_svc_80",envoy_response_code_class="5"}',
      'envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name="kube_ns_svc_80",le="250"}',
      'envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name="kube_ns_svc_80",le="+Inf"}',
      'envoy_cluster_upstream_rq_time_count{envoy_cluster_name="kube_ns_svc_80"}',
    ]);
    expect(series.map((s) => s.values)).toEqual(['0+60x2', '0+30x2', '0+30x2', '0+60x2', '0+60x2']);
  });

  it('splits traffic by revision for the canary share', () => {
    const model = RequestMetrics.kserveModelServer('ml-models', 'iris');
    expect(model.errorRatio(Duration.minutes(5))).toBeUndefined();
    expect(model.splitShare(Duration.minutes(30))).toContain('/ ignoring (revision) group_left');
    const series = model.series({ split: { stable: 0.9, canary: 0.1 }, samples: 1 });
    expect(series.map((s) => `${s.series} ${s.values}`)).toEqual([
      'request_predict_seconds_count{inferenceservice="iris",namespace="ml-models",revision="stable"} 0+540x1',
      'request_predict_seconds_count{inferenceservice="iris",namespace="ml-models",revision="canary"} 0+60x1',
    ]);
    expect(RequestMetrics.envoyCluster('c').splitShare(Duration.minutes(30))).toBeUndefined();
  });
});
