import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { Namespace } from '../core/namespace';
import { assertDnsLabel } from '../core/names';
import { NetworkPeer } from '../core/network-peer';
import { Platform } from '../core/platform';
import { assertPort } from '../core/port';
import { DataPlanePods } from '../gateway/gateway-provider';
import { NetworkFlows } from '../core/flows';
import { ReferenceGrant } from '../routing/reference-grant';

/** Options of {@link TracingCollector.otlp}. */
export interface TracingCollectorOptions {
  /** Namespace of the collector Service. @default 'monitoring' */
  readonly namespace?: string;
  /** OTLP/gRPC port. @default 4317 */
  readonly grpcPort?: number;
  /** OTLP/HTTP port. @default 4318 */
  readonly httpPort?: number;
}

/**
 * An OpenTelemetry (OTLP) trace collector Service in the cluster: an
 * OpenTelemetry Collector, or Jaeger's collector, which accepts OTLP on 4317
 * (gRPC) and 4318 (HTTP).
 *
 * @see https://www.jaegertracing.io/docs/latest/apis/#opentelemetry-protocol
 */
export class TracingCollector {
  /**
   * The collector Service `service` (OTLP on 4317/4318).
   *
   * @throws ModelServingError for a name or namespace that is not a DNS-1123 label, or a bad port
   */
  public static otlp(service: string, options: TracingCollectorOptions = {}): TracingCollector {
    const namespace = options.namespace ?? 'monitoring';
    assertDnsLabel('TracingCollector', 'service', service);
    assertDnsLabel('TracingCollector', 'namespace', namespace);
    for (const [field, port] of [
      ['grpcPort', options.grpcPort ?? 4317],
      ['httpPort', options.httpPort ?? 4318],
    ] as const) {
      assertPort('TracingCollector', field, port, 'use the OTLP port, 4317 (gRPC) or 4318 (HTTP)');
    }
    return new TracingCollector(service, namespace, options.grpcPort ?? 4317, options.httpPort ?? 4318);
  }

  /** Jaeger's collector `jaeger-collector` in `monitoring` (OTLP on 4317/4318). */
  public static jaeger(options: TracingCollectorOptions = {}): TracingCollector {
    return TracingCollector.otlp('jaeger-collector', options);
  }

  private constructor(
    /** Service name. */
    public readonly service: string,
    /** Service namespace. */
    public readonly namespace: string,
    /** OTLP/gRPC port. */
    public readonly grpcPort: number,
    /** OTLP/HTTP port. */
    public readonly httpPort: number,
  ) {}

  /** The in-cluster DNS name of the Service. */
  public get host(): string {
    return `${this.service}.${this.namespace}.svc.cluster.local`;
  }

  /** The OTLP/HTTP traces URL, `http://<host>:4318/v1/traces`. */
  public get httpTracesUrl(): string {
    return `http://${this.host}:${this.httpPort}/v1/traces`;
  }

  /**
   * Lets an object of the referrer's kind and namespace refer to the collector
   * Service (a ReferenceGrant in the collector's namespace, when that
   * namespace is one of the platform's), and the proxy pods send to it (an
   * egress NetworkPolicy, when they run in one of the platform's namespaces).
   */
  public connect(
    scope: IConstruct,
    options: {
      /** The referring kind, when it names the Service in a backendRef (needs a ReferenceGrant across namespaces). */
      readonly referrer?: { readonly group: string; readonly kind: string; readonly namespace: string };
      readonly dataPlane?: DataPlanePods;
      readonly port: number;
      readonly id: string;
    },
  ): void {
    const platform = Platform.of(scope);
    const namespaces = platform.node.children.filter((c): c is Namespace => Namespace.isNamespace(c));
    const target = namespaces.find((n) => n.name === this.namespace);
    const referrer = options.referrer;
    if (target && referrer && referrer.namespace !== this.namespace) {
      const grantId = `tracing-${options.id}`;
      if (!target.node.tryFindChild(grantId)) {
        new ReferenceGrant(target, grantId, { from: [{ group: referrer.group, kind: referrer.kind, namespace: referrer.namespace }], to: [{ kind: 'Service', name: this.service }] });
      }
    }
    const proxies = options.dataPlane && namespaces.find((n) => n.name === options.dataPlane!.namespace);
    if (options.dataPlane) {
      NetworkFlows.declare(scope, { from: { namespace: options.dataPlane.namespace, labels: options.dataPlane.labels ?? options.dataPlane.selector, what: 'the gateway proxies' }, to: { namespace: this.namespace, labels: {}, what: `the tracing collector ${this.service}` }, port: options.port, purpose: 'spans sent to the tracing collector' });
    }
    if (proxies && options.dataPlane) {
      proxies.allowEgress(`tracing-${options.id}`, { pods: options.dataPlane.selector, peers: [NetworkPeer.namespace(this.namespace)], ports: [{ port: options.port }] });
    }
  }
}

/**
 * Checks a sampling rate (a fraction of requests, 0-1).
 *
 * @throws ModelServingError outside 0-1
 */
export function assertSamplingRate(scope: IConstruct, value: number): number {
  if (!(value >= 0 && value <= 1)) invalid(scope, 'samplingRate', 'must be a fraction between 0 and 1', value, 'use e.g. 0.1 to trace 10% of requests');
  return value;
}
