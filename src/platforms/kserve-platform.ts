import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Namespace } from '../core/namespace';
import { Platform } from '../core/platform';
import { SecretRef } from '../core/secret-ref';
import { AllowedRoutes } from '../gateway/allowed-routes';
import { Gateway } from '../gateway/gateway';
import { GatewayProvider } from '../gateway/gateway-provider';
import { Listener } from '../gateway/listener';
import { AccessLog } from '../observability/access-log';
import { GatewayMonitoring } from '../observability/gateway-monitoring';
import { KServeModelMonitoring } from '../observability/kserve-model-monitoring';
import { PlatformDashboard } from '../observability/platform-dashboard';
import { EndpointAccess, ModelEndpoint } from '../platform/model-endpoint';
import { tracingFor } from '../observability/tracing';
import { TracingCollector } from '../observability/tracing-collector';
import { Autoscaling } from '../serving/autoscaling';
import { Transformer } from '../serving/components';
import { InferenceService } from '../serving/inference-service';
import { Predictor } from '../serving/predictor';
import { DeploymentMode, ModelFormat, ProtocolVersion } from '../serving/model-format';
import { S3ServiceAccount } from '../serving/s3-service-account';
import { Storage } from '../serving/storage';
import { RUNBOOK_BASE_URL } from './assets';

/** Props of {@link KservePlatform}. */
interface KservePlatformProps {
  /** The IAM role the models read S3 with (IRSA). @default 'arn:aws:iam::123456789012:role/kserve-models-s3-role' (placeholder account) */
  readonly s3RoleArn?: string;
  /** The bucket holding model artifacts. @default 'model-artifacts' */
  readonly bucket?: string;
  /** AWS region of the bucket. @default 'us-east-1' */
  readonly region?: string;
}

/**
 * Reference platform `kserve-platform` (deployment 003): a KServe
 * model-serving platform on Istio.
 *
 * - `kserve-ingress`: Istio Gateway `kserve-gateway`, HTTPS only, routes from `models`.
 * - `models`: S3 access through IRSA (ServiceAccount `kserve-models-s3`); a
 *   sklearn model; a PyTorch model with a 10% canary on a new storage URI
 *   (Knative mode, which splits the traffic between revisions); a
 *   model behind a transformer; a GPU model; a Knative-mode model with the
 *   write-up's autoscaling (1 to 10 replicas as predictor bounds, target 10,
 *   window 60s); a Triton model over gRPC (grpc-v2) through a GRPCRoute.
 *   Default-deny NetworkPolicies with exact allows.
 *
 * Compared with the write-up: images are pinned (the transformer's was
 * `latest`), the IAM role is a prop rather than a hand-edited placeholder,
 * and every predictor runs under the restricted profile.
 */
export class KservePlatform extends Platform {
  /** The gateway. */
  public readonly gateway: Gateway;
  /** The models, by name. */
  public readonly models: Readonly<Record<string, InferenceService>>;
  /** The models' endpoints (route, access, monitoring), by model name. */
  public readonly endpoints: Readonly<Record<string, ModelEndpoint>>;

  public constructor(scope: Construct, id = 'kserve-platform', props: KservePlatformProps = {}) {
    super(scope, id, { description: 'KServe model-serving platform: canary rollout, transformer, S3 with IRSA, GPU model, Knative autoscaling.' });
    const bucket = props.bucket ?? 'model-artifacts';
    const ingress = new Namespace(this, 'kserve-ingress');
    const models = new Namespace(this, 'models');

    this.gateway = new Gateway(ingress, 'kserve-gateway', {
      provider: GatewayProvider.ISTIO,
      listeners: [Listener.https({ certificates: [SecretRef.named('kserve-gateway-tls')], allowedRoutes: AllowedRoutes.fromNamespaces([models]) })],
    });

    const s3 = new S3ServiceAccount(models, 'kserve-models-s3', {
      roleArn: props.s3RoleArn ?? 'arn:aws:iam::123456789012:role/kserve-models-s3-role',
      region: props.region ?? 'us-east-1',
    });
    const s3Uri = (path: string) => Storage.s3(`s3://${bucket}/models/${path}/`, { serviceAccount: s3 });
    const small = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '1Gi' } };

    const sklearn = new InferenceService(models, 'sklearn-iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: s3Uri('sklearn-model'), resources: small }) });

    // Knative splits canary traffic between revisions (as in the write-up's Istio + Knative setup).
    const pytorch = new InferenceService(models, 'pytorch-model', {
      predictor: Predictor.model({
        format: ModelFormat.PYTORCH,
        storage: s3Uri('pytorch-model-v1'),
        resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } },
      }),
      deploymentMode: DeploymentMode.KNATIVE,
    });
    pytorch.canary({ trafficPercent: 10, storage: s3Uri('pytorch-model-v2') });

    const withTransformer = new InferenceService(models, 'model-with-transformer', {
      predictor: Predictor.model({
        format: ModelFormat.SKLEARN,
        storage: s3Uri('model'),
        resources: small,
      }),
      transformer: Transformer.container({
        image: 'registry.example.com/ml/feature-transformer:1.0.0',
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      }),
    });

    const gpu = new InferenceService(models, 'pytorch-gpu', {
      predictor: Predictor.model({
        format: ModelFormat.PYTORCH,
        storage: s3Uri('pytorch-gpu-model'),
        resources: { requests: { cpu: '1', memory: '4Gi', nvidiaGpu: '1' }, limits: { cpu: '4', memory: '16Gi', nvidiaGpu: '1' } },
      }),
      // The write-up pinned K80 nodes, which current CUDA releases no longer support: any node with an NVIDIA GPU
      // (the label NVIDIA's GPU feature discovery sets), with the GPU limit and toleration doing the rest.
      nodeSelector: { 'nvidia.com/gpu.present': 'true' },
    });

    const autoscaled = new InferenceService(models, 'sklearn-autoscaled', {
      predictor: Predictor.model({
        format: ModelFormat.SKLEARN,
        storage: s3Uri('sklearn-model'),
        resources: small,
      }),
      deploymentMode: DeploymentMode.KNATIVE,
      minReplicas: 1,
      maxReplicas: 10,
      autoscaling: Autoscaling.knative({ target: 10, window: Duration.seconds(60) }),
    });

    // A model over the Open Inference Protocol's gRPC API, on Triton: KServe's runtimes that declare grpc-v2
    // are Triton's (the Python servers' runtimes list v1 and v2 only, so they would not be selected). Triton
    // serves gRPC on 9000 in KServe's runtime (h2c).
    const grpc = new InferenceService(models, 'triton-grpc', {
      predictor: Predictor.model({
        format: ModelFormat.TRITON,
        frameworkField: true,
        protocolVersion: ProtocolVersion.GRPC_V2,
        ports: [{ containerPort: 9000, name: 'h2c' }],
        storage: s3Uri('triton-model'),
        resources: small,
      }),
    });

    this.models = Object.fromEntries([sklearn, pytorch, withTransformer, gpu, autoscaled, grpc].map((m) => [m.serviceName, m]));

    // Observability: monitors, alerts with unit tests, SLOs and dashboards per model, the gateway's
    // own, an overview dashboard, tracing to Jaeger and access logs.
    const monitoring = new Namespace(this, 'monitoring', { external: true });
    const bundle = { runbookBaseUrl: RUNBOOK_BASE_URL };
    const gatewayMonitoring = new GatewayMonitoring(ingress, 'gateway-monitoring', { gateway: this.gateway, ...bundle });

    // Standard-mode models are published on the gateway, each with its monitoring; the Knative ones through
    // Knative's own ingress. gRPC clients pick the model by host: one hostname per gRPC model.
    const access = EndpointAccess.publicAccess('write-up 003 leaves inference authentication optional; the endpoints are internal to the Istio mesh gateway');
    const endpoints = [sklearn, withTransformer, gpu, grpc].map(
      (model) =>
        new ModelEndpoint(models, `${model.serviceName}-endpoint`, {
          model,
          gateway: this.gateway.listener('https'),
          hostname: model === grpc ? `${grpc.serviceName}.models.example.com` : undefined,
          access,
          monitoring: { gateway: gatewayMonitoring, ...bundle },
        }),
    );
    this.endpoints = Object.fromEntries(endpoints.map((e) => [e.model.serviceName, e]));
    const modelMonitoring = endpoints.map((e) => e.monitoring).filter((m): m is KServeModelMonitoring => m instanceof KServeModelMonitoring);
    modelMonitoring.push(new KServeModelMonitoring(models, `${autoscaled.serviceName}-monitoring`, { model: autoscaled, ...bundle }));
    // The Knative-mode TorchServe canary cannot be scraped: Knative accepts one container port, so TorchServe's
    // metrics port 8082 cannot be declared (a monitor would find no target and its down alert fire forever).
    this.addSetupNote(
      'Monitoring of the Knative-mode PyTorch model',
      `\`${pytorch.serviceName}\` runs in Knative mode for its canary, and Knative accepts one container port, so TorchServe's metrics port (8082) cannot be declared and no PodMonitor is emitted for it. Monitor it through Knative's queue-proxy metrics (port 9091, \`http-usermetric\`) as your Knative observability config exports them, or run it in Standard mode.`,
    );
    new PlatformDashboard(monitoring, 'overview', { name: 'kserve-platform-overview', gateways: [gatewayMonitoring], models: modelMonitoring, namespaces: [ingress.name, models.name] });
    tracingFor(ingress, 'tracing', { gateway: this.gateway, collector: TracingCollector.jaeger(), samplingRate: 0.1 });
    new AccessLog(ingress, 'access-log', { gateway: this.gateway });
  }
}
