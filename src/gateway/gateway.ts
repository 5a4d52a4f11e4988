import { isIP } from 'node:net';
import { Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as gw from '../../imports/gateway-gateway.networking.k8s.io';
import { errorMessage, invalid } from '../core/errors';
import { Namespace } from '../core/namespace';
import { assertDnsLabel, assertDnsSubdomain, assertGatewayHostname, assertLabels, checkedAnnotations, isDnsSubdomain } from '../core/names';
import { Platform } from '../core/platform';
import { noteRequiredSecret } from '../core/required-secret';
import { NetworkPeer } from '../core/network-peer';
import { IPolicyTarget, PolicyTargetRef } from '../core/policy-target';
import { assertPort } from '../core/port';
import { checkProps, hasMethod, hasProperty, optionalArray, optionalShape, optionalStringMap } from '../core/prop-types';
import { ISecretReference } from '../core/secret-ref';
import { DataPlanePods, GatewayProvider } from './gateway-provider';
import { proxyFlowPeer } from './proxy-flow-peer';
import { NetworkFlows } from '../core/flows';
import { Listener } from './listener';
import { checkedRecord } from '../core/records';

/** A `parentRefs[]` entry: what a route attaches to. */
export interface ParentReference {
  readonly group?: string;
  readonly kind?: string;
  readonly name: string;
  readonly namespace?: string;
  readonly sectionName?: string;
  readonly port?: number;
}

/**
 * Something a route can attach to (`parentRefs[]`): a whole Gateway, or one of
 * its listeners via {@link IGateway.listener}.
 */
export interface IRouteParent {
  /** The rendered reference. */
  readonly parentRef: ParentReference;
  /** The Gateway behind the reference. */
  readonly gateway: IGateway;
}

/** One listener of a Gateway: a route parent (`parentRefs[].sectionName`) and a policy target (`targetRef.sectionName`). */
export interface IGatewayListener extends IRouteParent, IPolicyTarget {}

/** A Gateway, defined here or imported by name. */
export interface IGateway extends IConstruct, IRouteParent, IPolicyTarget {
  /** `metadata.name`. */
  readonly gatewayName: string;
  /** `metadata.namespace`. */
  readonly gatewayNamespace?: string;
  /** The implementation, when known (needed to compile access policies). */
  readonly provider?: GatewayProvider;
  /** Where the proxy pods run, when known (for NetworkPolicies). */
  readonly dataPlane?: DataPlanePods;
  /** The listeners, when known (defined here, or declared on import). */
  readonly listeners: readonly Listener[];
  /**
   * One listener as a route parent or policy target (`sectionName`).
   *
   * @throws ModelServingError when the Gateway is known to have no listener of that name
   */
  listener(name: string): IGatewayListener;
}

/** Props of {@link Gateway}. */
export interface GatewayProps {
  /** `metadata.name`, a DNS-1123 label. Shared objects keep explicit names. @default - the construct id */
  readonly name?: string;
  /** `spec.gatewayClassName`. @default - the provider's usual class name */
  readonly gatewayClassName?: string;
  /**
   * The implementation behind the class.
   * @default - inferred from `gatewayClassName` for kgateway, eg, istio and kong; required otherwise for policies
   */
  readonly provider?: GatewayProvider;
  /** `spec.listeners`; more can be added with {@link Gateway.addListener}. @default - none */
  readonly listeners?: readonly Listener[];
  /**
   * `spec.infrastructure`: labels and annotations propagated to the
   * generated proxy resources, and `parametersRef` to an implementation's
   * configuration object (e.g. an Envoy Gateway `EnvoyProxy` with tracing).
   * @default - none
   */
  readonly infrastructure?: {
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly parametersRef?: { readonly group: string; readonly kind: string; readonly name: string };
  };
  /**
   * `spec.addresses`: the addresses the Gateway asks its implementation to
   * bind (at most 16).
   * @default - none: the implementation assigns the addresses
   */
  readonly addresses?: readonly GatewayAddress[];
  /**
   * `spec.tls.backend.clientCertificateRef`: the client certificate Secret
   * (type `kubernetes.io/tls`) the Gateway presents to backends that require
   * mutual TLS. Referenced by name, never embedded.
   * @default - none: the Gateway presents no client certificate
   */
  readonly backendClientCertificate?: ISecretReference;
  /**
   * `spec.tls.frontend`: mutual TLS on the Gateway's TLS listeners: clients
   * must present a certificate signed by one of the CA bundles (mode
   * `AllowValidOnly`, the upstream default; the insecure fallback mode is not
   * offered).
   * @default - none: clients are not asked for a certificate
   */
  readonly clientCertificateValidation?: ClientCertificateValidation;
  /** `metadata.labels`. @default - the platform labels only */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. @default - none */
  readonly annotations?: Record<string, string>;
}

/** A CA bundle that client certificates are checked against: a ConfigMap (key `ca.crt`) referenced by name. */
export interface CaBundleReference {
  /** The ConfigMap's name. */
  readonly configMapName: string;
  /** The ConfigMap's namespace. @default - the Gateway's (another namespace needs a ReferenceGrant there) */
  readonly namespace?: string;
}

/** Client certificate validation of a Gateway (`spec.tls.frontend`). */
export interface ClientCertificateValidation {
  /** `default.validation.caCertificateRefs`: the CA bundles for every TLS listener, 1 to 16. */
  readonly caBundles: readonly CaBundleReference[];
  /**
   * `perPort`: other CA bundles for the listeners on a port, replacing the
   * default there (at most 64 ports, each once).
   * @default - none: every port uses `caBundles`
   */
  readonly perPort?: ReadonlyArray<{ readonly port: number; readonly caBundles: readonly CaBundleReference[] }>;
}

/**
 * An address a Gateway asks for (`spec.addresses[]`).
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#gatewayspecaddress
 */
export class GatewayAddress {
  /** An IPv4 or IPv6 address (`type: IPAddress`, the upstream default type). */
  public static ipAddress(value: string): GatewayAddress {
    return new GatewayAddress('IPAddress', value);
  }

  /** A DNS name (`type: Hostname`). */
  public static hostname(value: string): GatewayAddress {
    return new GatewayAddress('Hostname', value);
  }

  private constructor(
    /** `type`. */
    public readonly type: 'IPAddress' | 'Hostname',
    /** `value`. */
    public readonly value: string,
  ) {}
}

/** Options of {@link Gateway.fromGatewayName}. */
export interface GatewayImportOptions {
  /**
   * The Gateway's namespace.
   * @default - the namespace of the route that refers to it (`parentRefs[].namespace` is left out)
   */
  readonly namespace?: string;
  /** Its implementation, when policies or NetworkPolicies need it. @default - unknown */
  readonly provider?: GatewayProvider;
  /** Its listener names, so `listener(name)` can be checked. @default - not checked */
  readonly listenerNames?: readonly string[];
}

const MAX_LISTENERS = 64;
const MAX_ADDRESSES = 16;

/**
 * A Gateway API `Gateway` (gateway.networking.k8s.io/v1): the entry point
 * where a gateway implementation accepts traffic on its listeners.
 *
 * Emits one `Gateway`. When its proxy pods are known (by provider), the
 * Namespace's default-deny policy is opened for the listener ports.
 *
 * ```ts
 * const gateway = new Gateway(system, 'kgateway-gateway', {
 *   provider: GatewayProvider.KGATEWAY,
 *   listeners: [Listener.https({ certificates: [SecretRef.named('kgateway-cert')] })],
 * });
 * ```
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#gateway
 */
export class Gateway extends Construct implements IGateway {
  /**
   * A Gateway defined elsewhere (another platform or by hand), by name.
   */
  public static fromGatewayName(scope: Construct, id: string, name: string, options: GatewayImportOptions = {}): IGateway {
    return new ImportedGateway(scope, id, name, options);
  }

  public readonly gatewayName: string;
  public readonly gatewayNamespace?: string;
  public readonly provider?: GatewayProvider;
  public readonly dataPlane?: DataPlanePods;
  /** `spec.gatewayClassName`. */
  public readonly gatewayClassName: string;
  /** The L1 object. */
  public readonly resource: gw.Gateway;
  private readonly listenerMap = new Map<string, Listener>();
  private readonly namespaceChart: Namespace | undefined;
  private parametersRef?: { readonly group: string; readonly kind: string; readonly name: string };

  public constructor(scope: Construct, id: string, private readonly props: GatewayProps) {
    super(scope, id);
    checkProps(this, props, 'GatewayProps');
    optionalArray(this, 'listeners', props.listeners, (v): v is Listener => hasMethod(v, 'render'), 'a Listener', 'pass Listener.http({ ... }) or Listener.https({ ... }) items');
    optionalArray(this, 'addresses', props.addresses, (v): v is GatewayAddress => hasProperty(v, 'type') && hasProperty(v, 'value'), 'a GatewayAddress', "pass GatewayAddress.ipAddress('192.0.2.10') or GatewayAddress.hostname('gw.example.com') items");
    optionalStringMap(this, 'labels', props.labels);
    optionalStringMap(this, 'annotations', props.annotations);
    optionalShape(this, 'clientCertificateValidation', props.clientCertificateValidation, (v): v is ClientCertificateValidation => hasProperty(v, 'caBundles') && Array.isArray((v as ClientCertificateValidation).caBundles), 'a ClientCertificateValidation', 'pass { caBundles: [...] }');
    optionalShape(this, 'backendClientCertificate', props.backendClientCertificate, (v): v is ISecretReference => hasProperty(v, 'secretName'), 'a secret reference', "use SecretRef.named('client-cert')");
    optionalShape(this, 'infrastructure', props.infrastructure, (v): v is object => typeof v === 'object' && v !== null && !Array.isArray(v), 'an object', 'pass { labels, annotations, parametersRef }');
    optionalStringMap(this, 'infrastructure.labels', props.infrastructure?.labels);
    optionalStringMap(this, 'infrastructure.annotations', props.infrastructure?.annotations);
    this.gatewayName = assertDnsLabel(this, 'name', props.name ?? id);
    this.namespaceChart = findNamespace(this);
    this.gatewayNamespace = Chart.of(this).namespace;
    const className = props.gatewayClassName ?? props.provider?.gatewayClassName;
    if (className === undefined) {
      invalid(this, 'gatewayClassName', 'is required when no provider is given', undefined, "pass provider: GatewayProvider.KGATEWAY (or another), or gatewayClassName: 'my-class'");
    }
    this.gatewayClassName = assertDnsSubdomain(this, 'gatewayClassName', className);
    this.provider = props.provider ?? GatewayProvider.forClassName(className);
    this.noteProxyPodSecurity();
    const dataPlane = this.gatewayNamespace ? this.provider?.dataPlane(this.gatewayName, this.gatewayNamespace) : undefined;
    // Gateway API: `spec.infrastructure.labels` are put on the resources the implementation creates, the proxy pods included.
    this.dataPlane = dataPlane && props.infrastructure?.labels ? { ...dataPlane, labels: { ...props.infrastructure.labels, ...(dataPlane.labels ?? dataPlane.selector) } } : dataPlane;
    const addresses = props.addresses?.map((a, i) => this.checkAddress(i, a));
    if (addresses && addresses.length > MAX_ADDRESSES) invalid(this, 'addresses', `can hold at most ${MAX_ADDRESSES} addresses`, addresses.length, 'ask for fewer addresses');
    const clientCert = props.backendClientCertificate;
    if (clientCert) assertDnsSubdomain(this, 'backendClientCertificate', clientCert.secretName);
    const frontend = props.clientCertificateValidation ? this.renderFrontend(props.clientCertificateValidation) : undefined;
    const backend = clientCert ? { clientCertificateRef: { group: '', kind: 'Secret', name: clientCert.secretName, namespace: clientCert.namespace } } : undefined;

    const infrastructureLabels = checkedRecord(this, 'infrastructure.labels', props.infrastructure?.labels);
    const infrastructureAnnotations = checkedRecord(this, 'infrastructure.annotations', props.infrastructure?.annotations);
    this.resource = new gw.Gateway(this, 'Resource', {
      metadata: { name: this.gatewayName, labels: checkedRecord(this, 'labels', props.labels), annotations: checkedAnnotations(this, props.annotations) },
      spec: Lazy.any({
        produce: (): gw.GatewaySpec => ({
          gatewayClassName: this.gatewayClassName,
          addresses,
          tls: backend || frontend ? { backend, frontend } : undefined,
          infrastructure:
            props.infrastructure || this.parametersRef
              ? { ...(props.infrastructure ?? {}), labels: infrastructureLabels, annotations: infrastructureAnnotations, parametersRef: this.parametersRef ?? props.infrastructure?.parametersRef }
              : undefined,
          listeners: [...this.listenerMap.values()].map((l) => l.render()),
        }),
      }) as unknown as gw.GatewaySpec,
    });

    const cp = this.provider?.controlPlane;
    if (cp && this.dataPlane && this.namespaceChart && this.dataPlane.namespace === this.gatewayNamespace) {
      // The proxies fetch their configuration (xDS) from the provider's control plane.
      this.namespaceChart.allowEgress(`${this.gatewayName}-control-plane`, {
        pods: this.dataPlane.selector,
        peers: [cp.selector ? NetworkPeer.pods(cp.namespace, cp.selector) : NetworkPeer.namespace(cp.namespace)],
        ports: [{ port: cp.port }],
      });
    }
    if (cp && this.dataPlane) {
      // When the control plane runs in a namespace of the platform that denies by default, its pods are isolated there:
      // admit the proxies' xDS connections (only then: an ingress allow would isolate pods that are open otherwise).
      const cpNs = Platform.of(this).node.children.find((c): c is Namespace => Namespace.isNamespace(c) && c.name === cp.namespace && c.deniesByDefault);
      cpNs?.allowIngress(`${this.gatewayName}-xds-from-${this.dataPlane.namespace}`.slice(0, 57).replace(/-+$/, ''), {
        pods: cp.selector,
        peers: [NetworkPeer.pods(this.dataPlane.namespace, this.dataPlane.selector)],
        ports: [{ port: cp.port }],
      });
      NetworkFlows.declare(this.resource, {
        from: proxyFlowPeer(this.gatewayName, this.dataPlane),
        to: { namespace: cp.namespace, labels: cp.selector ?? {}, what: `the ${this.provider!.id} control plane` },
        port: cp.port,
        purpose: 'configuration (xDS) of the proxies',
      });
    }
    for (const l of props.listeners ?? []) this.addListener(l);
    this.node.addValidation({
      validate: () => (this.listenerMap.size === 0 ? [errorMessage(this, 'spec.listeners', 'must have at least one listener', [], 'add Listener.https({...}) with gateway.addListener().')] : []),
    });
  }

  public get parentRef(): ParentReference {
    return { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: this.gatewayName, namespace: this.gatewayNamespace };
  }

  public get gateway(): IGateway {
    return this;
  }

  public get listeners(): readonly Listener[] {
    return [...this.listenerMap.values()];
  }

  /**
   * Notes on the platform that the proxy pods the provider's controller
   * creates in this Gateway's namespace must meet its restricted Pod
   * Security profile: their securityContext comes from the controller's
   * installation (`GatewayProvider.restrictedProxyPodsSetup`), not from the
   * Gateway.
   */
  private noteProxyPodSecurity(): void {
    const setup = this.provider?.restrictedProxyPodsSetup;
    if (!setup || !Namespace.isNamespace(Chart.of(this))) return;
    const ns = Chart.of(this) as Namespace;
    Platform.of(this).addSetupNote(`Gateway proxy pods under restricted Pod Security (${ns.name}/${this.gatewayName})`, () =>
      ns.label('pod-security.kubernetes.io/enforce') === 'restricted'
        ? `The ${this.provider!.id} controller creates the proxy pods of Gateway \`${this.gatewayName}\` in namespace \`${ns.name}\`, which enforces the restricted Pod Security profile: they need \`runAsNonRoot\`, \`allowPrivilegeEscalation: false\`, \`capabilities.drop: [ALL]\` and \`seccompProfile.type: RuntimeDefault\`; ${setup}.`
        : undefined,
    );
  }

  /**
   * Adds a listener (`spec.listeners[]`).
   *
   * @throws ModelServingError for a duplicate name, a port outside 1-65535, a
   *   duplicate port/protocol/hostname combination, a bad hostname, an HTTPS
   *   listener without certificates, or more than 64 listeners
   * @returns the listener
   */
  public addListener(listener: Listener): Listener {
    const field = `listeners[${listener.name}]`;
    if (typeof listener.name !== 'string' || !isDnsSubdomain(listener.name)) {
      invalid(this, `${field}.name`, 'must be a DNS-1123 subdomain (lower-case letters, digits, - and .)', listener.name, "name listeners like 'https' or 'https-models'");
    }
    if (this.listenerMap.has(listener.name)) {
      invalid(this, `${field}.name`, 'is already used by another listener of this Gateway', listener.name, 'give each listener a unique name');
    }
    if (this.listenerMap.size >= MAX_LISTENERS) {
      invalid(this, 'listeners', `can hold at most ${MAX_LISTENERS} listeners`, this.listenerMap.size + 1, 'split the listeners across Gateways or ListenerSets');
    }
    assertPort(this, `${field}.port`, listener.port, 'use a valid TCP port such as 443');
    if (listener.hostname !== undefined) assertGatewayHostname(this, `${field}.hostname`, listener.hostname);
    for (const other of this.listenerMap.values()) {
      if (other.port === listener.port && other.protocol === listener.protocol && (other.hostname ?? '') === (listener.hostname ?? '')) {
        invalid(
          this,
          `${field}`,
          `repeats the port/protocol/hostname of listener '${other.name}' (${other.protocol} ${other.port} ${other.hostname ?? '*'})`,
          listener.name,
          'give the listeners distinct hostnames or ports',
        );
      }
    }
    this.checkAllowedRoutes(field, listener);
    if (listener.protocol === 'HTTPS') {
      const certs = listener.certificates ?? [];
      if (certs.length === 0) {
        invalid(this, `${field}.tls.certificateRefs`, 'needs at least one certificate Secret for an HTTPS listener', certs, "pass certificates: [SecretRef.named('my-cert')] (or a cert-manager Certificate) to Listener.https()");
      }
      if (certs.length > 64) invalid(this, `${field}.tls.certificateRefs`, 'can hold at most 64 certificates', certs.length, 'reference fewer certificates');
      certs.forEach((c, i) => {
        assertDnsSubdomain(this, `${field}.tls.certificateRefs[${i}].name`, c.secretName);
        noteRequiredSecret(this, c.namespace ?? this.gatewayNamespace, c.secretName, `TLS certificate (tls.crt, tls.key) of listener ${listener.name} of Gateway ${this.gatewayName}`);
      });
    }
    this.listenerMap.set(listener.name, listener);
    if (this.dataPlane && this.namespaceChart && this.dataPlane.namespace === this.gatewayNamespace) {
      // The gateway's own proxies live here: let clients reach the listener (on the pod ports it is served on).
      this.namespaceChart.allowIngress(`${this.gatewayName}-${listener.name}`, {
        pods: this.dataPlane.selector,
        peers: [NetworkPeer.anywhere()],
        ports: (this.provider?.podPorts(listener.port) ?? [listener.port]).map((port) => ({ port })),
      });
    }
    return listener;
  }

  /**
   * Points `spec.infrastructure.parametersRef` at an implementation's
   * configuration object (used by constructs that configure the proxies,
   * such as Envoy Gateway's EnvoyProxy). Setting the same reference again is
   * a no-op.
   *
   * @throws ModelServingError when another parametersRef is already set
   */
  public useParameters(ref: { readonly group: string; readonly kind: string; readonly name: string }): void {
    const current = this.parametersRef ?? this.props.infrastructure?.parametersRef;
    if (current && (current.group !== ref.group || current.kind !== ref.kind || current.name !== ref.name)) {
      invalid(this, 'infrastructure.parametersRef', `already points at ${current.kind} '${current.name}'`, `${ref.kind}/${ref.name}`, 'configure the proxies through that one object');
    }
    this.parametersRef = ref;
  }

  public listener(name: string): IGatewayListener {
    if (!this.listenerMap.has(name)) {
      invalid(this, 'sectionName', `names no listener of Gateway '${this.gatewayName}'`, name, `use one of: ${[...this.listenerMap.keys()].join(', ') || '(none yet: add the listener first)'}`);
    }
    return listenerOf(this, name);
  }

  /** The Gateway as a policy target. */
  public get policyTargetRef(): PolicyTargetRef {
    return gatewayTargetRef(this);
  }

  /** A namespace selector must name namespaces: an empty one selects every namespace, as `from: All` does. */
  private checkAllowedRoutes(field: string, listener: Listener): void {
    const namespaces = listener.allowedRoutes.spec.namespaces;
    if (namespaces?.from !== gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR) return;
    const at = `${field}.allowedRoutes.namespaces`;
    listener.allowedRoutes.namespaceNames?.forEach((n, i) => assertDnsLabel(this, `${at}[${i}]`, n));
    const selector = namespaces.selector ?? {};
    const expressions = selector.matchExpressions ?? [];
    if (Object.keys(selector.matchLabels ?? {}).length === 0 && expressions.length === 0) {
      invalid(this, `${at}.selector`, 'is empty, so it selects every namespace (like from: All)', selector, "name the namespaces: AllowedRoutes.fromNamespaces([models]) (the Namespace constructs), or select them by a label");
    }
    if (expressions.some((e) => (e.values ?? []).length === 0)) invalid(this, at, 'names no namespace, so no route can attach', [], "pass the route namespaces: AllowedRoutes.fromNamespaces([models]) (the Namespace constructs)");
    assertLabels(this, `${at}.selector.matchLabels`, selector.matchLabels);
  }

  private renderFrontend(v: ClientCertificateValidation): gw.GatewaySpecTlsFrontend {
    const refs = (field: string, bundles: readonly CaBundleReference[]) => {
      if (bundles.length < 1 || bundles.length > 16) invalid(this, field, 'must list between 1 and 16 CA bundles', bundles.length, "pass caBundles: [{ configMapName: 'client-ca' }]");
      return bundles.map((b, i) => ({ group: '', kind: 'ConfigMap', name: assertDnsSubdomain(this, `${field}[${i}].configMapName`, b.configMapName), namespace: b.namespace }));
    };
    const perPort = v.perPort ?? [];
    if (perPort.length > 64) invalid(this, 'clientCertificateValidation.perPort', 'can hold at most 64 ports', perPort.length, 'group listeners on fewer ports');
    perPort.forEach((p, i) => {
      assertPort(this, `clientCertificateValidation.perPort[${i}].port`, p.port, 'use a listener port such as 8443');
      if (perPort.findIndex((q) => q.port === p.port) !== i) invalid(this, `clientCertificateValidation.perPort[${i}].port`, 'is listed twice', p.port, 'list each port once');
    });
    return {
      default: { validation: { caCertificateRefs: refs('clientCertificateValidation.caBundles', v.caBundles) } },
      perPort:
        perPort.length > 0
          ? perPort.map((p, i) => ({ port: p.port, tls: { validation: { caCertificateRefs: refs(`clientCertificateValidation.perPort[${i}].caBundles`, p.caBundles) } } }))
          : undefined,
    };
  }

  private checkAddress(index: number, address: GatewayAddress): gw.GatewaySpecAddresses {
    const field = `addresses[${index}]`;
    if (address.type === 'IPAddress' && isIP(address.value) === 0) {
      invalid(this, `${field}.value`, 'must be an IPv4 or IPv6 address', address.value, "use e.g. GatewayAddress.ipAddress('192.0.2.10'), or GatewayAddress.hostname() for a DNS name");
    }
    if (address.type === 'Hostname' && !isDnsSubdomain(address.value)) {
      invalid(this, `${field}.value`, 'must be a lower-case DNS name (no wildcard)', address.value, 'use e.g. "gateway.example.com"');
    }
    return { type: address.type, value: address.value };
  }
}

class ImportedGateway extends Construct implements IGateway {
  public readonly gatewayName: string;
  public readonly gatewayNamespace?: string;
  public readonly provider?: GatewayProvider;
  public readonly dataPlane?: DataPlanePods;
  public readonly listeners: readonly Listener[] = [];
  private readonly listenerNames?: readonly string[];

  public constructor(scope: Construct, id: string, name: string, options: GatewayImportOptions) {
    super(scope, id);
    this.gatewayName = assertDnsLabel(this, 'name', name);
    this.gatewayNamespace = options.namespace === undefined ? undefined : assertDnsLabel(this, 'namespace', options.namespace);
    this.provider = options.provider;
    this.dataPlane = options.namespace === undefined ? undefined : options.provider?.dataPlane(name, options.namespace);
    this.listenerNames = options.listenerNames;
  }

  public get parentRef(): ParentReference {
    return { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: this.gatewayName, namespace: this.gatewayNamespace };
  }

  public get gateway(): IGateway {
    return this;
  }

  public listener(name: string): IGatewayListener {
    if (this.listenerNames && !this.listenerNames.includes(name)) {
      invalid(this, 'sectionName', `names no listener of Gateway '${this.gatewayName}'`, name, `use one of: ${this.listenerNames.join(', ')}`);
    }
    return listenerOf(this, name);
  }

  public get policyTargetRef(): PolicyTargetRef {
    return gatewayTargetRef(this);
  }
}

function gatewayTargetRef(gateway: IGateway): PolicyTargetRef {
  return { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gateway.gatewayName, namespace: gateway.gatewayNamespace };
}

/** A listener of `gateway` (checked by the caller) as a route parent and a policy target. */
function listenerOf(gateway: IGateway, name: string): IGatewayListener {
  return { parentRef: { ...gateway.parentRef, sectionName: name }, gateway, policyTargetRef: { ...gatewayTargetRef(gateway), sectionName: name } };
}

function findNamespace(c: IConstruct): Namespace | undefined {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
    if (Namespace.isNamespace(s)) return s;
  }
  return undefined;
}
