import { Duration } from 'cdk8s';
import { Namespace } from '../../src/core/namespace';
import { SecretRef } from '../../src/core/secret-ref';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { GatewayMonitoring } from '../../src/observability/gateway-monitoring';
import { KongMonitoring } from '../../src/observability/kong-monitoring';
import { KServeModelMonitoring } from '../../src/observability/kserve-model-monitoring';
import { AuthorinoMonitoring, LimitadorMonitoring } from '../../src/observability/kuadrant-monitoring';
import { LlmMonitoring } from '../../src/observability/llm-monitoring';
import { OpaMonitoring } from '../../src/observability/opa-monitoring';
import { PlatformDashboard } from '../../src/observability/platform-dashboard';
import { ServiceMonitor } from '../../src/observability/scrape';
import { KongTracing, tracingFor } from '../../src/observability/tracing';
import { TracingCollector } from '../../src/observability/tracing-collector';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat } from '../../src/serving/model-format';
import { setup } from '../util';

/** A Gateway of `provider` with one HTTPS listener, named `<provider id>-gateway`. */
export function gatewayOf(ns: Namespace, provider: GatewayProvider, name = `${provider.id}-gateway`): Gateway {
  return new Gateway(ns, name, { provider, listeners: [Listener.https({ certificates: [SecretRef.named('cert')] })] });
}

/** Every bundle, every provider, default and changed thresholds. */
export function everything() {
  const { app, ns } = setup(['edge', 'eg', 'mesh', 'ml-models', 'llm', 'kong', 'auth', 'kuadrant-system', 'monitoring']);
  const kg = new GatewayMonitoring(ns.edge, 'kg', { gateway: gatewayOf(ns.edge, GatewayProvider.KGATEWAY), labels: { release: 'kube-prometheus-stack' }, runbookBaseUrl: 'https://runbooks.example.com/alerts/' });
  const eg = new GatewayMonitoring(ns.eg, 'eg', { gateway: gatewayOf(ns.eg, GatewayProvider.ENVOY_GATEWAY), errorRatio: 0.01, rateLimitedPerSecond: 0.5, authFailureRatio: 0.3 });
  const mesh = new GatewayMonitoring(ns.mesh, 'mesh', { gateway: gatewayOf(ns.mesh, GatewayProvider.ISTIO) });
  const models = ns['ml-models'];
  const iris = new InferenceService(models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
  const mnist = new InferenceService(models, 'mnist', { predictor: Predictor.model({ format: ModelFormat.TENSORFLOW }) });
  const churn = new InferenceService(models, 'churn', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
  const qwen = new InferenceService(ns.llm, 'qwen3', { predictor: Predictor.model({ format: ModelFormat.custom('huggingface') }) });
  const m1 = new KServeModelMonitoring(models, 'iris-monitoring', { model: iris, traffic: kg.trafficTo(iris) });
  const m2 = new KServeModelMonitoring(models, 'mnist-monitoring', { model: mnist });
  const m3 = new KServeModelMonitoring(models, 'churn-monitoring', { model: churn, traffic: mesh.trafficTo(churn), latencyP95: Duration.millis(250), errorRatio: 0.2, canaryMaxDuration: Duration.hours(2), slo: { availability: 0.999, latency: { threshold: Duration.seconds(1), target: 0.99 } } });
  const llm = new LlmMonitoring(ns.llm, 'qwen3-monitoring', { model: qwen, timeToFirstTokenP95: Duration.millis(750), requestsWaiting: 0, kvCacheUsage: 0.95 });
  const kong = new KongMonitoring(ns.kong, 'kong', { errorRatio: 0.1, latencyP99: Duration.millis(300), connectionCapacity: 1000 });
  new OpaMonitoring(ns.auth, 'opa');
  const limitador = new LimitadorMonitoring(ns['kuadrant-system'], 'limitador');
  const authorino = new AuthorinoMonitoring(ns['kuadrant-system'], 'authorino', { deniedRatio: 0.5 });
  const jaeger = TracingCollector.jaeger();
  tracingFor(ns.edge, 'tracing', { gateway: kg.gateway, collector: jaeger, samplingRate: 0.1 });
  tracingFor(ns.eg, 'tracing', { gateway: eg.gateway, collector: jaeger, samplingRate: 0.005 });
  tracingFor(ns.mesh, 'tracing', { gateway: mesh.gateway, collector: jaeger, samplingRate: 0.25 });
  new KongTracing(ns.kong, 'tracing', { collector: jaeger, samplingRate: 0.2 });
  new ServiceMonitor(ns.kong, 'kong-status', { selector: { 'app.kubernetes.io/name': 'kong' }, portName: 'status', podLabels: { instance: 'app.kubernetes.io/instance' } });
  new PlatformDashboard(ns.monitoring, 'overview', { gateways: [kg, eg, mesh], kong: [kong], limitador: [limitador], authorino: [authorino], models: [m1, m2, m3, llm], namespaces: ['ml-models', 'llm'], grafanaOperator: { instanceSelector: { dashboards: 'grafana' }, folder: 'Platform' } });
  return { app, ns };
}

