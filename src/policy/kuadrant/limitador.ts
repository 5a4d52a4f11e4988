import { Construct } from 'constructs';
import * as lim from '../../../imports/limitador-limitador.kuadrant.io';
import { invalid } from '../../core/errors';
import { assertInteger, INT32_MAX } from '../../core/props';
import { assertDnsSubdomain, checkedAnnotations } from '../../core/names';
import { assertPort } from '../../core/port';
import { l1Quantities, renderResources, ResourceRequirements } from '../../core/resources';
import { noteRequiredSecret } from '../../core/required-secret';
import { ISecretReference } from '../../core/secret-ref';
import { checkedRecord } from '../../core/records';
import { checkProps, childPath } from '../../core/prop-types';

/** Options of {@link LimitadorStorage.redisCached}. */
export interface RedisCachedOptions {
  /** `batch-size`: counters flushed to Redis per batch. @default - Limitador's (100) */
  readonly batchSize?: number;
  /** `flush-period`: milliseconds between flushes to Redis. @default - Limitador's (1000) */
  readonly flushPeriod?: number;
  /** `max-cached`: counters kept in the local cache. @default - Limitador's (10000) */
  readonly maxCached?: number;
  /** `response-timeout`: milliseconds to wait for Redis. @default - Limitador's (350) */
  readonly responseTimeout?: number;
}

/**
 * Where Limitador keeps its counters (`spec.storage`). In memory, each
 * Limitador replica counts alone; with Redis every replica shares the
 * counters (exact limits across replicas).
 *
 * The Redis variants read the connection URL from the key `URL` of a Secret
 * (`redis://[:password@]host:port[/db]`), referenced by name only.
 *
 * @see https://docs.kuadrant.io/latest/limitador-operator/doc/storage/
 */
export class LimitadorStorage {
  /** Counters in each replica's memory (the default). */
  public static inMemory(): LimitadorStorage {
    return new LimitadorStorage(undefined);
  }

  /** Counters in Redis (`storage.redis.configSecretRef`). */
  public static redis(config: ISecretReference): LimitadorStorage {
    return new LimitadorStorage({ redis: { configSecretRef: { name: config.secretName } } }, config.secretName);
  }

  /**
   * Counters cached in memory and flushed to Redis in batches
   * (`storage.redis-cached`): faster, but replicas may overshoot a limit by
   * what they have not flushed yet.
   */
  public static redisCached(config: ISecretReference, options: RedisCachedOptions = {}): LimitadorStorage {
    const opts = Object.values(options).some((v) => v !== undefined) ? { ...options } : undefined;
    return new LimitadorStorage({ redisCached: { configSecretRef: { name: config.secretName }, options: opts } }, config.secretName);
  }

  private constructor(
    /** The rendered `spec.storage`, undefined for in-memory. */
    public readonly spec: lim.LimitadorSpecStorage | undefined,
    /** The Secret holding the Redis `URL`, undefined for in-memory. */
    public readonly configSecretName?: string,
  ) {}
}

/** Props of {@link Limitador}. */
export interface LimitadorProps {
  /** `metadata.name`. Kuadrant creates and reads the one named `limitador`. @default 'limitador' */
  readonly name?: string;
  /** `spec.storage`. @default LimitadorStorage.inMemory() */
  readonly storage?: LimitadorStorage;
  /** `spec.replicas`. @default - the operator's (1) */
  readonly replicas?: number;
  /** `spec.rateLimitHeaders`: rate-limit headers on responses. @default - the operator's (`NONE`) */
  readonly rateLimitHeaders?: lim.LimitadorSpecRateLimitHeaders;
  /** `spec.telemetry`: `basic` or `exhaustive` counter metrics. @default - the operator's (`basic`) */
  readonly telemetry?: lim.LimitadorSpecTelemetry;
  /** `spec.verbosity`: log verbosity 1-4. @default - the operator's */
  readonly verbosity?: number;
  /** `spec.listener.grpc.port`. @default - the operator's (8081) */
  readonly grpcPort?: number;
  /** `spec.listener.http.port`. @default - the operator's (8080) */
  readonly httpPort?: number;
  /** `spec.resourceRequirements`. @default - the operator's */
  readonly resources?: ResourceRequirements;
  /** `spec.pdb.minAvailable` (a number or a percentage). Exclusive with `pdbMaxUnavailable`. @default - no PodDisruptionBudget */
  readonly pdbMinAvailable?: number | string;
  /** `spec.pdb.maxUnavailable` (a number or a percentage). @default - no PodDisruptionBudget */
  readonly pdbMaxUnavailable?: number | string;
  /** `spec.tracing.endpoint`: an OTLP endpoint, e.g. `rpc://tempo.observability:4317`. @default - no tracing */
  readonly tracingEndpoint?: string;
  /** `metadata.labels`. @default - the platform labels only */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. @default - none */
  readonly annotations?: Record<string, string>;
}

/**
 * The `Limitador` CR (limitador.kuadrant.io/v1alpha1): the rate-limit
 * service Kuadrant's RateLimitPolicies and TokenRateLimitPolicies count in.
 * Kuadrant creates one named `limitador` next to the Kuadrant CR and
 * manages its `limits`; declare it here to set its storage, replicas and
 * resources. The limits themselves come from the policies.
 *
 * ```ts
 * new Limitador(system, 'limitador', { storage: LimitadorStorage.redis(SecretRef.named('redis-credentials')), replicas: 2 });
 * ```
 *
 * @see https://docs.kuadrant.io/latest/limitador-operator/
 */
export class Limitador extends Construct {
  /** `metadata.name`. */
  public readonly limitadorName: string;
  /** The L1 object. */
  public readonly resource: lim.Limitador;

  public constructor(scope: Construct, id: string, props: LimitadorProps = {}) {
    checkProps(childPath(scope, id), props, 'LimitadorProps');
    super(scope, id);
    this.limitadorName = assertDnsSubdomain(this, 'name', props.name ?? 'limitador');
    if (props.replicas !== undefined && (!Number.isInteger(props.replicas) || props.replicas < 1)) invalid(this, 'replicas', 'must be an integer >= 1', props.replicas, 'use 1, or 2+ with Redis storage');
    if (props.replicas !== undefined) assertInteger(this, 'replicas', props.replicas, { min: 1, max: INT32_MAX, type: "int32: the Deployment's spec.replicas", fix: 'use 1, or 2+ with Redis storage' });
    if (props.verbosity !== undefined && (!Number.isInteger(props.verbosity) || props.verbosity < 1 || props.verbosity > 4)) invalid(this, 'verbosity', 'must be an integer between 1 and 4', props.verbosity, 'use 1 (errors) to 4 (trace)');
    for (const [field, port] of [['grpcPort', props.grpcPort], ['httpPort', props.httpPort]] as const) {
      if (port !== undefined) assertPort(this, field, port, 'use e.g. 8081');
    }
    for (const [field, v] of [['pdbMinAvailable', props.pdbMinAvailable], ['pdbMaxUnavailable', props.pdbMaxUnavailable]] as const) {
      if (v !== undefined && !(typeof v === 'number' ? Number.isInteger(v) && v >= 0 : /^(100|[1-9]?[0-9])%$/.test(v))) {
        invalid(this, field, 'must be an integer >= 0 or a percentage such as "50%"', v, 'use e.g. 1 or "50%"');
      }
    }
    if (props.pdbMinAvailable !== undefined && props.pdbMaxUnavailable !== undefined) {
      invalid(this, 'pdbMinAvailable', 'and pdbMaxUnavailable are mutually exclusive', [props.pdbMinAvailable, props.pdbMaxUnavailable], 'set one of them');
    }
    if (props.tracingEndpoint !== undefined && !/^(rpc|http|https):\/\/[^\s/]+/.test(props.tracingEndpoint)) {
      invalid(this, 'tracingEndpoint', 'must be an OTLP endpoint URL (rpc://, http:// or https://)', props.tracingEndpoint, 'use e.g. rpc://tempo.observability.svc.cluster.local:4317');
    }
    const resources = renderResources(this, 'resources', props.resources);
    const listener = props.grpcPort !== undefined || props.httpPort !== undefined ? { grpc: props.grpcPort !== undefined ? { port: props.grpcPort } : undefined, http: props.httpPort !== undefined ? { port: props.httpPort } : undefined } : undefined;
    const pdb =
      props.pdbMinAvailable !== undefined
        ? { minAvailable: intOrString(props.pdbMinAvailable, lim.LimitadorSpecPdbMinAvailable) }
        : props.pdbMaxUnavailable !== undefined
          ? { maxUnavailable: intOrString(props.pdbMaxUnavailable, lim.LimitadorSpecPdbMaxUnavailable) }
          : undefined;
    const storage = props.storage ?? LimitadorStorage.inMemory();
    if (storage.configSecretName !== undefined) {
      // Limitador cannot start without it, and Kuadrant's data plane calls the
      // rate-limit service with failureMode allow (RATELIMIT_SERVICE_FAILURE_MODE,
      // kuadrant-operator v1.5.2 internal/wasm/utils.go): every limit is then off, silently.
      noteRequiredSecret(
        this,
        undefined,
        storage.configSecretName,
        `Redis connection URL (key URL: a redis:// URL with the password, host, port and database) of Limitador ${this.limitadorName}; without it Limitador does not start, and since Kuadrant lets requests through when the rate-limit service fails, no limit is enforced`,
      );
    }
    this.resource = new lim.Limitador(this, 'Resource', {
      metadata: { name: this.limitadorName, labels: checkedRecord(this, 'labels', props.labels), annotations: checkedAnnotations(this, props.annotations) },
      spec: {
        storage: storage.spec,
        replicas: props.replicas,
        rateLimitHeaders: props.rateLimitHeaders,
        telemetry: props.telemetry,
        verbosity: props.verbosity,
        listener,
        resourceRequirements: resources && {
          requests: l1Quantities<lim.LimitadorSpecResourceRequirementsRequests>(resources.requests),
          limits: l1Quantities<lim.LimitadorSpecResourceRequirementsLimits>(resources.limits),
        },
        pdb,
        tracing: props.tracingEndpoint !== undefined ? { endpoint: props.tracingEndpoint } : undefined,
      },
    });
  }
}

function intOrString<T>(value: number | string, type: { fromNumber(n: number): T; fromString(s: string): T }): T {
  return typeof value === 'number' ? type.fromNumber(value) : type.fromString(value);
}
