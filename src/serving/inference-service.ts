import { Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as kserve from '../../imports/kserve-serving.kserve.io';
import { BackendReference, IBackend } from '../core/backend';
import { invalid } from '../core/errors';
import { assertDnsLabel } from '../core/names';
import { l1Quantities, renderResources, ResourceRequirements } from '../core/resources';
import { HttpRouteMatch, PathMatch } from '../routing/match';
import { DeploymentMode, ModelFormat, ProtocolVersion } from './model-format';

/** Label KServe puts on every pod of an InferenceService. */
export const ISVC_LABEL = 'serving.kserve.io/inferenceservice';

/** Port KServe's model server containers listen on (the `kserve-container` default). */
export const PREDICTOR_CONTAINER_PORT = 8080;

/** Props of {@link InferenceService}. */
export interface InferenceServiceProps {
  /**
   * `metadata.name`: a DNS-1123 label of at most 45 characters (KServe
   * derives `<name>-predictor-...` object names from it). It is also the
   * model name in the inference URLs.
   *
   * @default - the construct id
   */
  readonly name?: string;
  /** `spec.predictor.model.modelFormat`. */
  readonly modelFormat: ModelFormat;
  /** `spec.predictor.model.storageUri`: where the model is (`gs://`, `s3://`, `hf://`, `pvc://`, `oci://`). */
  readonly storageUri?: string;
  /** `spec.predictor.model.runtime`: a ServingRuntime or ClusterServingRuntime name. @default - KServe picks one supporting the format */
  readonly runtime?: string;
  /** `spec.predictor.model.protocolVersion`. @default ProtocolVersion.V1 */
  readonly protocolVersion?: ProtocolVersion;
  /** `spec.predictor.model.resources`. @default - none (the security rules require them on platforms) */
  readonly resources?: ResourceRequirements;
  /** `spec.predictor.minReplicas`, >= 0 (0 only in Knative mode). @default 1 */
  readonly minReplicas?: number;
  /** `spec.predictor.maxReplicas`, >= minReplicas. @default - KServe default (equal to minReplicas) */
  readonly maxReplicas?: number;
  /** `serving.kserve.io/deploymentMode` annotation. @default DeploymentMode.STANDARD */
  readonly deploymentMode?: DeploymentMode;
  /** `metadata.labels`. @default - the platform labels */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations` (the deployment-mode annotation is added). @default - none */
  readonly annotations?: Record<string, string>;
}

/**
 * A KServe `InferenceService` (serving.kserve.io/v1beta1): one model served
 * by a predictor.
 *
 * It is also an {@link IBackend}: a route pointing at it reaches KServe's
 * predictor Service `<name>-predictor` on port 80 (Standard mode), and the
 * route opens the predictor pods' port 8080 to the gateway.
 *
 * The predictor runs under the restricted Pod Security profile: non-root,
 * RuntimeDefault seccomp, no privilege escalation, all capabilities dropped.
 *
 * @see https://kserve.github.io/website/docs/reference/crd-api#inferenceservice
 */
export class InferenceService extends Construct implements IBackend {
  /** `metadata.name` (and the model name in URLs). */
  public readonly serviceName: string;
  /** The deployment mode. */
  public readonly deploymentMode: DeploymentMode;
  /** The protocol the predictor speaks. */
  public readonly protocolVersion: ProtocolVersion;
  /** The L1 object. */
  public readonly resource: kserve.InferenceService;

  public constructor(scope: Construct, id: string, props: InferenceServiceProps) {
    super(scope, id);
    this.serviceName = assertDnsLabel(this, 'name', props.name ?? id, 45);
    this.deploymentMode = props.deploymentMode ?? DeploymentMode.STANDARD;
    this.protocolVersion = props.protocolVersion ?? ProtocolVersion.V1;
    if (!props.modelFormat || typeof props.modelFormat.name !== 'string' || props.modelFormat.name.length === 0) {
      invalid(this, 'modelFormat', 'is required', props.modelFormat, 'pass a format such as ModelFormat.SKLEARN or ModelFormat.custom("vLLM")');
    }
    const minReplicas = props.minReplicas ?? 1;
    if (!Number.isInteger(minReplicas) || minReplicas < 0) invalid(this, 'minReplicas', 'must be an integer >= 0', props.minReplicas, 'use 1 or more');
    if (minReplicas === 0 && this.deploymentMode !== DeploymentMode.KNATIVE) {
      invalid(this, 'minReplicas', 'can be 0 (scale to zero) only in Knative mode', 0, 'use minReplicas: 1, or deploymentMode: DeploymentMode.KNATIVE');
    }
    if (props.maxReplicas !== undefined && (!Number.isInteger(props.maxReplicas) || props.maxReplicas < Math.max(1, minReplicas))) {
      invalid(this, 'maxReplicas', `must be an integer >= minReplicas (${minReplicas}) and >= 1`, props.maxReplicas, `use maxReplicas: ${Math.max(1, minReplicas)} or more`);
    }
    const resources = renderResources(this, 'resources', props.resources);

    this.resource = new kserve.InferenceService(this, 'Resource', {
      metadata: {
        name: this.serviceName,
        labels: props.labels,
        annotations: { ...(props.annotations ?? {}), 'serving.kserve.io/deploymentMode': this.deploymentMode },
      },
      spec: Lazy.any({
        produce: (): kserve.InferenceServiceSpec => ({
          predictor: {
            minReplicas,
            maxReplicas: props.maxReplicas,
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            model: {
              modelFormat: { name: props.modelFormat.name, version: props.modelFormat.version },
              runtime: props.runtime,
              protocolVersion: this.protocolVersion,
              storageUri: props.storageUri,
              resources: resources && {
                requests: l1Quantities<kserve.InferenceServiceSpecPredictorModelResourcesRequests>(resources.requests),
                limits: l1Quantities<kserve.InferenceServiceSpecPredictorModelResourcesLimits>(resources.limits),
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                runAsNonRoot: true,
                seccompProfile: { type: 'RuntimeDefault' },
              },
            },
          },
        }),
      }) as unknown as kserve.InferenceServiceSpec,
    });
  }

  /** The InferenceService's namespace (its chart's). */
  public get serviceNamespace(): string | undefined {
    return Chart.of(this).namespace;
  }

  /**
   * The predictor Service KServe creates: `<name>-predictor`, port 80,
   * selecting pods labelled `serving.kserve.io/inferenceservice: <name>`,
   * `component: predictor` that listen on 8080.
   *
   * @throws ModelServingError in Knative mode, where the Service is an
   *   ExternalName alias that gateways cannot route to
   */
  public get backendRef(): BackendReference {
    if (this.deploymentMode === DeploymentMode.KNATIVE) {
      invalid(this, 'deploymentMode', 'is Knative, whose predictor Service is an ExternalName alias a Gateway API route cannot target', this.deploymentMode, 'use DeploymentMode.STANDARD for models behind a Gateway');
    }
    return {
      name: `${this.serviceName}-predictor`,
      port: 80,
      namespace: this.serviceNamespace,
      owner: this,
      pods: { selector: { [ISVC_LABEL]: this.serviceName, component: 'predictor' }, port: PREDICTOR_CONTAINER_PORT },
    };
  }

  /**
   * The HTTPRoute matches that reach this model and nothing else:
   * - V1: `Exact /v1/models/<name>` (metadata) and `Exact /v1/models/<name>:predict`
   *   (a PathPrefix would not match `:predict`, which is part of the last segment);
   * - V2: `PathPrefix /v2/models/<name>` (`/infer`, `/ready`, `/versions/...`).
   *
   * @throws ModelServingError for a gRPC model
   */
  public routeMatches(): HttpRouteMatch[] {
    if (this.protocolVersion === ProtocolVersion.GRPC_V2) {
      invalid(this, 'protocolVersion', 'is gRPC, which an HTTPRoute cannot carry', this.protocolVersion, 'attach the model to a GrpcRoute instead');
    }
    if (this.protocolVersion === ProtocolVersion.V1) {
      return [{ path: PathMatch.exact(`/v1/models/${this.serviceName}`) }, { path: PathMatch.exact(`/v1/models/${this.serviceName}:predict`) }];
    }
    return [{ path: PathMatch.prefix(`/v2/models/${this.serviceName}`) }];
  }
}
