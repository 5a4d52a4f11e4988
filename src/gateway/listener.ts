import * as gw from '../../imports/gateway-gateway.networking.k8s.io';
import { checkProps, hasProperty, optionalNumber, optionalShape, optionalString, requireArray } from '../core/prop-types';
import { ISecretReference } from '../core/secret-ref';
import { AllowedRoutes } from './allowed-routes';

/** Options shared by every listener factory. */
export interface ListenerOptions {
  /** `listeners[].name`, unique in the Gateway; routes select it with `sectionName`. A DNS-1123 label. */
  readonly name?: string;
  /** `listeners[].port`, 1-65535. */
  readonly port?: number;
  /**
   * `listeners[].hostname`: the host this listener answers for; a leading `*.`
   * is a wildcard. @default - any host
   */
  readonly hostname?: string;
  /** `listeners[].allowedRoutes`. @default AllowedRoutes.sameNamespace() */
  readonly allowedRoutes?: AllowedRoutes;
}

/** Options of {@link Listener.https}. */
export interface HttpsListenerOptions extends ListenerOptions {
  /**
   * `tls.certificateRefs`: the Secret(s) (type `kubernetes.io/tls`) with the
   * serving certificate, referenced by name and never embedded. A cert-manager
   * `Certificate` can be passed directly. At least one, at most 64.
   */
  readonly certificates: readonly ISecretReference[];
}

/**
 * A Gateway listener (`spec.listeners[]`): where the gateway accepts traffic.
 *
 * HTTPS is the norm; plain HTTP is meant for redirects to HTTPS and for
 * health checks answered by the gateway itself.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#listener
 */
export class Listener {
  /**
   * A plain-HTTP listener.
   *
   * @default name 'http', port 80, routes from the Gateway's namespace only
   */
  public static http(options: ListenerOptions = {}): Listener {
    checkListenerOptions('Listener.http()', options);
    return new Listener(options.name ?? 'http', 'HTTP', options.port ?? 80, options.hostname, undefined, options.allowedRoutes ?? AllowedRoutes.sameNamespace());
  }

  /**
   * An HTTPS listener terminating TLS with the referenced certificate Secret(s).
   *
   * @default name 'https', port 443, routes from the Gateway's namespace only
   */
  public static https(options: HttpsListenerOptions): Listener {
    checkListenerOptions('Listener.https()', options);
    requireArray(
      'Listener.https()',
      'certificates',
      options.certificates,
      (v): v is ISecretReference => hasProperty(v, 'secretName'),
      'a secret reference',
      "pass certificates: [SecretRef.named('my-cert')]",
    );
    return new Listener(
      options.name ?? 'https',
      'HTTPS',
      options.port ?? 443,
      options.hostname,
      options.certificates,
      options.allowedRoutes ?? AllowedRoutes.sameNamespace(),
    );
  }

  private constructor(
    /** `name`. */
    public readonly name: string,
    /** `protocol`. */
    public readonly protocol: 'HTTP' | 'HTTPS',
    /** `port`. */
    public readonly port: number,
    /** `hostname`. */
    public readonly hostname: string | undefined,
    /** `tls.certificateRefs`, for HTTPS. */
    public readonly certificates: readonly ISecretReference[] | undefined,
    /** `allowedRoutes`. */
    public readonly allowedRoutes: AllowedRoutes,
  ) {}

  /** The `spec.listeners[]` entry. */
  public render(): gw.GatewaySpecListeners {
    return {
      name: this.name,
      protocol: this.protocol,
      port: this.port,
      hostname: this.hostname,
      tls: this.certificates
        ? {
            mode: gw.GatewaySpecListenersTlsMode.TERMINATE,
            certificateRefs: this.certificates.map((c) => ({ group: '', kind: 'Secret', name: c.secretName, namespace: c.namespace })),
          }
        : undefined,
      allowedRoutes: this.allowedRoutes.spec,
    };
  }
}

/** Type checks of listener options (for callers without TypeScript). @throws ModelServingError */
function checkListenerOptions(scope: string, options: ListenerOptions): void {
  checkProps(scope, options, 'ListenerOptions');
  optionalString(scope, 'name', options.name);
  optionalNumber(scope, 'port', options.port);
  optionalString(scope, 'hostname', options.hostname);
  optionalShape(
    scope,
    'allowedRoutes',
    options.allowedRoutes,
    (v): v is AllowedRoutes => hasProperty(v, 'spec') && typeof (v as AllowedRoutes).spec === 'object',
    'an AllowedRoutes',
    "use AllowedRoutes.sameNamespace() or AllowedRoutes.fromNamespaces([models]) (the Namespace constructs)",
  );
}
