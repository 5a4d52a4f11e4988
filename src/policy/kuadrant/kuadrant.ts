import { Construct, IConstruct } from 'constructs';
import * as kuadrant from '../../../imports/kuadrant-kuadrant.io';
import { invalid } from '../../core/errors';
import { Namespace } from '../../core/namespace';
import { assertDnsSubdomain, checkedAnnotations } from '../../core/names';
import { Platform } from '../../core/platform';
import { checkedRecord } from '../../core/records';
import { retainOnRemoval } from '../../core/retain';
import { checkProps, childPath } from '../../core/prop-types';

/** The pods of Authorino deployed by Kuadrant (the Authorino CR Kuadrant creates is named `authorino`). */
export const AUTHORINO_POD_LABELS: Readonly<Record<string, string>> = { 'authorino-resource': 'authorino' };
/** Authorino's external-authorization gRPC port, which the gateways call. */
export const AUTHORINO_GRPC_PORT = 50051;
/** The pods of Limitador deployed by Kuadrant (the Limitador CR Kuadrant creates is named `limitador`). */
export const LIMITADOR_POD_LABELS: Readonly<Record<string, string>> = { app: 'limitador', 'limitador-resource': 'limitador' };
/** Limitador's rate-limit gRPC port, which the gateways call. */
export const LIMITADOR_GRPC_PORT = 8081;
/**
 * The kuadrant-operator pods (kustomize `commonLabels: app: kuadrant` over
 * the manager's `control-plane: controller-manager`), which also serve the
 * wasm-shim module to Istio gateways.
 * @see https://github.com/Kuadrant/kuadrant-operator/blob/v1.5.2/config/default/kustomization.yaml
 */
export const KUADRANT_OPERATOR_POD_LABELS: Readonly<Record<string, string>> = { app: 'kuadrant', 'control-plane': 'controller-manager' };
/**
 * The port of the operator's wasm server. On Istio, Kuadrant 1.5.2 makes the
 * gateway's Envoy download the wasm-shim from
 * `http://kuadrant-operator-wasm.<ns>.svc.cluster.local:8082/plugin.wasm`
 * (an EnvoyFilter with `failure_policy: FAIL_RELOAD`): a proxy that cannot
 * reach it enforces no AuthPolicy or RateLimitPolicy and fails requests.
 * @see https://github.com/Kuadrant/kuadrant-operator/blob/v1.5.2/internal/controller/istio_extension_reconciler.go
 * @see https://github.com/Kuadrant/kuadrant-operator/blob/v1.5.2/internal/controller/wasm_server.go
 */
export const KUADRANT_WASM_SERVER_PORT = 8082;

/** Props of {@link Kuadrant}. */
export interface KuadrantProps {
  /** `metadata.name`. @default 'kuadrant' */
  readonly name?: string;
  /**
   * `spec.observability`: `enable` (ServiceMonitors/PodMonitors for the
   * Kuadrant components), `tracing.defaultEndpoint` (OTLP endpoint,
   * `rpc://host:port`) and `insecure`, `dataPlane.defaultLevels` and
   * `httpHeaderIdentifier` (the request id header for data-plane logs).
   * @default - not rendered (observability off)
   */
  readonly observability?: kuadrant.KuadrantSpecObservability;
  /** `spec.mtls`: mTLS between the gateways and Authorino/Limitador (`enable`, `authorino`, `limitador`). @default - not rendered (off) */
  readonly mtls?: kuadrant.KuadrantSpecMtls;
  /** `spec.components.developerPortal.enabled`. @default - not rendered (off) */
  readonly developerPortal?: boolean;
  /** `metadata.labels`. @default - the platform labels only */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. @default - none */
  readonly annotations?: Record<string, string>;
}

/**
 * The `Kuadrant` CR (kuadrant.io/v1beta1): asks the Kuadrant operator to run
 * Authorino and Limitador in this namespace. Authorino reads API-key
 * Secrets only from this namespace (unless an AuthPolicy sets
 * `apiKey.allNamespaces`), so the Kuadrant policy engine emits the
 * API-key ExternalSecrets of an `AccessPolicy` here, and opens the
 * NetworkPolicies from the gateways to Authorino (gRPC 50051) and Limitador
 * (gRPC 8081).
 *
 * Declare at most one per platform, in the namespace where the operator
 * runs (usually `kuadrant-system`). That namespace's default-deny policy
 * also blocks the operators' own traffic (Kubernetes API, JWKS and OIDC
 * endpoints, Redis): give it the allows they need, or declare the
 * Namespace with `defaultDeny: false` and a waiver.
 *
 * ```ts
 * const system = new Namespace(platform, 'kuadrant-system', { defaultDeny: false, defaultDenyWaiver: '...' });
 * new Kuadrant(system, 'kuadrant', { observability: { enable: true } });
 * ```
 *
 * @see https://docs.kuadrant.io/latest/kuadrant-operator/doc/reference/kuadrant/
 */
export class Kuadrant extends Construct {
  /**
   * The Kuadrant CR declared in `platform`, if any.
   *
   * @throws ModelServingError when the platform declares more than one
   */
  public static find(platform: Platform): Kuadrant | undefined {
    // Kept on the platform as they are declared: a tree walk per policy would make synth quadratic.
    const found = (platform as PlatformWithKuadrants)[KUADRANT_REGISTRY] ?? [];
    if (found.length > 1) {
      invalid(platform, 'Kuadrant', 'is declared more than once in the platform', found.map((k) => k.node.path), 'declare one Kuadrant CR, in the namespace the Kuadrant operator runs in');
    }
    return found[0];
  }

  /** True when `x` is a Kuadrant construct (works across copies of this library). */
  public static isKuadrant(x: IConstruct): x is Kuadrant {
    return KUADRANT_SYMBOL in x;
  }

  /** `metadata.name`. */
  public readonly kuadrantName: string;
  /** The namespace where Authorino and Limitador run and Authorino reads API-key Secrets. */
  public readonly namespace: Namespace;
  /** The L1 object. */
  public readonly resource: kuadrant.Kuadrant;

  public constructor(scope: Construct, id: string, props: KuadrantProps = {}) {
    checkProps(childPath(scope, id), props, 'KuadrantProps');
    super(scope, id);
    Object.defineProperty(this, KUADRANT_SYMBOL, { value: true });
    const platform = this.node.scopes.find((c): c is Platform => Platform.isPlatform(c)) as PlatformWithKuadrants | undefined;
    if (platform) (platform[KUADRANT_REGISTRY] ??= []).push(this);
    this.kuadrantName = assertDnsSubdomain(this, 'name', props.name ?? 'kuadrant');
    this.namespace = Namespace.of(this);
    const tracing = props.observability?.tracing?.defaultEndpoint;
    if (tracing !== undefined && !/^(rpc|http|https):\/\/[^\s/]+/.test(tracing)) {
      invalid(this, 'observability.tracing.defaultEndpoint', 'must be an OTLP endpoint URL (rpc://, http:// or https://)', tracing, 'use e.g. rpc://jaeger.observability.svc.cluster.local:4317');
    }
    this.resource = new kuadrant.Kuadrant(this, 'Resource', {
      metadata: { name: this.kuadrantName, labels: checkedRecord(this, 'labels', props.labels), annotations: checkedAnnotations(this, props.annotations) },
      spec: {
        observability: props.observability,
        mtls: props.mtls,
        components: props.developerPortal === undefined ? undefined : { developerPortal: { enabled: props.developerPortal } },
      },
    });
    retainOnRemoval(
      this.resource,
      "the cluster's one Kuadrant instance: its operator runs Authorino and Limitador for every gateway of the cluster, so deleting it with one platform would switch off authentication and rate limits for all",
    );
  }
}

const KUADRANT_SYMBOL = Symbol.for('cdk8s-model-serving.kuadrant.Kuadrant');
const KUADRANT_REGISTRY = Symbol.for('cdk8s-model-serving.kuadrant.registry');
type PlatformWithKuadrants = Platform & { [KUADRANT_REGISTRY]?: Kuadrant[] };
