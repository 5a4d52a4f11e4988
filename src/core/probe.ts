import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { wholeSeconds } from './duration';
import { invalid } from './errors';
import { assertKnownKeys, assertOneOf } from './props';
import { assertPort, assertPortName } from './port';

/** A rendered Kubernetes probe. */
export interface ProbeJson {
  readonly httpGet?: { readonly path: string; readonly port: number | string; readonly scheme?: 'HTTP' | 'HTTPS' };
  readonly tcpSocket?: { readonly port: number | string };
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
  readonly successThreshold?: number;
}

/**
 * Timing of a probe. Kubernetes takes each time as whole seconds (int32
 * `initialDelaySeconds`, `periodSeconds`, `timeoutSeconds` of k8s.io/api
 * core/v1 `Probe`): a Duration that is not a whole number of seconds is refused.
 */
export interface ProbeTiming {
  /** `initialDelaySeconds`, 0 or more whole seconds. @default - Kubernetes default (0) */
  readonly initialDelay?: Duration;
  /** `periodSeconds`, 1 or more whole seconds. @default Duration.seconds(10) */
  readonly period?: Duration;
  /** `timeoutSeconds`, 1 or more whole seconds. @default - Kubernetes default (1 second) */
  readonly timeout?: Duration;
  /** `failureThreshold`. @default 3 */
  readonly failureThreshold?: number;
}

/**
 * A readiness, liveness or startup probe.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export class Probe {
  /**
   * An HTTP GET that must answer 200-399.
   *
   * @param port a port number (1-65535), or the name of one of the container's `ports` (e.g. `'http'`); a name the container does not declare is refused (for an InferenceService on a named runtime, whose container KServe merges in, the name is not checked)
   * @throws ModelServingError for an unknown timing key, or a time that is not a Duration of whole seconds
   */
  public static http(path: string, port: number | string, timing: ProbeTiming & { readonly scheme?: 'HTTP' | 'HTTPS' } = {}): Probe {
    assertKnownKeys('Probe.http', 'timing', timing, ['initialDelay', 'period', 'timeout', 'failureThreshold', 'scheme']);
    return new Probe({ httpGet: { path, port, scheme: timing.scheme }, ...timingOf('Probe.http', timing) });
  }

  /**
   * A TCP connect to `port`.
   *
   * @param port a port number (1-65535), or the name of one of the container's `ports`
   * @throws ModelServingError for an unknown timing key, or a time that is not a Duration of whole seconds
   */
  public static tcp(port: number | string, timing: ProbeTiming = {}): Probe {
    assertKnownKeys('Probe.tcp', 'timing', timing, ['initialDelay', 'period', 'timeout', 'failureThreshold']);
    return new Probe({ tcpSocket: { port }, ...timingOf('Probe.tcp', timing) });
  }

  /**
   * A startup probe sized for a slow model load: `probe` retried every
   * `period` for up to `maxStartup` before the container is restarted
   * (`failureThreshold = ceil(maxStartup / period)`).
   *
   * @param maxStartup how long loading may take, whole seconds @default Duration.minutes(10)
   * @param period the probe period, whole seconds @default Duration.seconds(10)
   * @throws ModelServingError when a time is not a Duration of whole seconds, or is zero
   */
  public static startupFor(probe: Probe, maxStartup: Duration = Duration.minutes(10), period: Duration = Duration.seconds(10)): Probe {
    const max = wholeSeconds('Probe.startupFor', 'maxStartup', maxStartup, { min: 1, example: 'Duration.minutes(10)' })!;
    const periodSeconds = wholeSeconds('Probe.startupFor', 'period', period, { min: 1, example: 'Duration.seconds(10)' })!;
    return new Probe({ ...probe.spec, periodSeconds, failureThreshold: Math.max(1, Math.ceil(max / periodSeconds)), initialDelaySeconds: undefined });
  }

  private constructor(
    /** The rendered probe. */
    public readonly spec: ProbeJson,
  ) {}
}

function timingOf(scope: string, t: ProbeTiming): Pick<ProbeJson, 'initialDelaySeconds' | 'periodSeconds' | 'timeoutSeconds' | 'failureThreshold'> {
  return {
    initialDelaySeconds: wholeSeconds(scope, 'timing.initialDelay', t.initialDelay, { min: 0, example: 'Duration.seconds(0)' }),
    periodSeconds: wholeSeconds(scope, 'timing.period', t.period, { min: 1, example: 'Duration.seconds(10)' }) ?? 10,
    timeoutSeconds: wholeSeconds(scope, 'timing.timeout', t.timeout, { min: 1, example: 'Duration.seconds(1)' }),
    failureThreshold: t.failureThreshold ?? 3,
  };
}

const TIMING_MINIMUMS: ReadonlyArray<readonly [keyof ProbeJson, number]> = [
  ['initialDelaySeconds', 0],
  ['periodSeconds', 1],
  ['timeoutSeconds', 1],
  ['failureThreshold', 1],
  ['successThreshold', 1],
];

/**
 * Checks a probe given to a construct: an absolute HTTP path, a port in
 * 1-65535 (or a named container port), and whole-number timings within
 * the ranges Kubernetes accepts (the apiserver checks none of this for
 * KServe's embedded pod specs, so a bad probe would only fail in the pod).
 *
 * @param probe the probe, or undefined (nothing to check)
 * @throws ModelServingError naming `field` (e.g. `readinessProbe.httpGet.port`)
 */
export function checkProbe(scope: IConstruct | string, field: string, probe: Probe | undefined): void {
  if (probe === undefined) return;
  const spec = (probe as { spec?: unknown } | null)?.spec as ProbeJson | undefined;
  if (spec === null || typeof spec !== 'object' || (spec.httpGet === undefined) === (spec.tcpSocket === undefined)) {
    invalid(scope, field, 'must be a Probe', probe, 'use Probe.http(path, port), Probe.tcp(port) or Probe.startupFor(probe)');
  }
  if (spec.httpGet && (typeof spec.httpGet.path !== 'string' || !spec.httpGet.path.startsWith('/'))) {
    invalid(scope, `${field}.httpGet.path`, "must be an absolute path starting with '/'", spec.httpGet.path, 'use e.g. Probe.http("/healthz", 8080)');
  }
  if (spec.httpGet?.scheme !== undefined) assertOneOf(scope, `${field}.httpGet.scheme`, spec.httpGet.scheme, ['HTTP', 'HTTPS']);
  const action = spec.httpGet ? 'httpGet' : 'tcpSocket';
  const port = (spec.httpGet ?? spec.tcpSocket)!.port;
  if (typeof port === 'string') assertPortName(scope, `${field}.${action}.port`, port, "use the name of a container port, e.g. 'http', or its number");
  else assertPort(scope, `${field}.${action}.port`, port, 'use the port the server listens on, e.g. 8080, or the name of a container port');
  for (const [key, min] of TIMING_MINIMUMS) {
    const v = spec[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min)) invalid(scope, `${field}.${key}`, `must be a whole number >= ${min}`, v, `use e.g. ${key === 'initialDelaySeconds' ? 0 : key === 'periodSeconds' ? 10 : key === 'failureThreshold' ? 3 : 1}`);
  }
}
