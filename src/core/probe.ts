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

/** Timing of a probe, in seconds. */
export interface ProbeTiming {
  /** `initialDelaySeconds`. @default - Kubernetes default (0) */
  readonly initialDelaySeconds?: number;
  /** `periodSeconds`. @default 10 */
  readonly periodSeconds?: number;
  /** `timeoutSeconds`. @default - Kubernetes default (1) */
  readonly timeoutSeconds?: number;
  /** `failureThreshold`. @default 3 */
  readonly failureThreshold?: number;
}

/**
 * A readiness, liveness or startup probe.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export class Probe {
  /** An HTTP GET that must answer 200-399. */
  public static http(path: string, port: number, timing: ProbeTiming & { readonly scheme?: 'HTTP' | 'HTTPS' } = {}): Probe {
    return new Probe({ httpGet: { path, port, scheme: timing.scheme }, ...timingOf(timing) });
  }

  /** A TCP connect to `port`. */
  public static tcp(port: number, timing: ProbeTiming = {}): Probe {
    return new Probe({ tcpSocket: { port }, ...timingOf(timing) });
  }

  /**
   * A startup probe sized for a slow model load: `probe` retried every
   * `periodSeconds` for up to `maxStartup` seconds before the container is restarted.
   *
   * @param maxStartupSeconds how long loading may take @default 600
   */
  public static startupFor(probe: Probe, maxStartupSeconds = 600, periodSeconds = 10): Probe {
    return new Probe({ ...probe.spec, periodSeconds, failureThreshold: Math.max(1, Math.ceil(maxStartupSeconds / periodSeconds)), initialDelaySeconds: undefined });
  }

  private constructor(
    /** The rendered probe. */
    public readonly spec: ProbeJson,
  ) {}
}

function timingOf(t: ProbeTiming): ProbeTiming {
  return {
    initialDelaySeconds: t.initialDelaySeconds,
    periodSeconds: t.periodSeconds ?? 10,
    timeoutSeconds: t.timeoutSeconds,
    failureThreshold: t.failureThreshold ?? 3,
  };
}
