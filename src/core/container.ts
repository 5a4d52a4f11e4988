import { IConstruct } from 'constructs';
import { EnvVarJson, EnvVars, renderEnv } from './env';
import { refuseCredential } from './credential-refusal';
import { invalid } from './errors';
import { assertPinnedImage } from './image';
import { assertDnsLabel } from './names';
import { assertPort, assertPortName } from './port';
import { checkProbe, Probe, ProbeJson } from './probe';
import { RenderedResources, renderResources, ResourceRequirements } from './resources';
import { assertOneOf, keysOf } from './props';
import { ContainerSecurityJson, WorkloadSecurity } from './security';
import { renderVolumeMounts, VolumeMount, VolumeMountJson } from './volume';

/** A port a container listens on. */
export interface ContainerPort {
  /** `containerPort`, 1-65535. */
  readonly containerPort: number;
  /** `name`, an IANA service name (at most 15 characters), e.g. `http1` or `h2c`. @default - unnamed */
  readonly name?: string;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** When the kubelet pulls a container's image (`imagePullPolicy`). */
export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';
const IMAGE_PULL_POLICIES: readonly ImagePullPolicy[] = ['Always', 'IfNotPresent', 'Never'];

/** A container of a workload the library emits. */
/** The keys of {@link ContainerOptions}, for refusing misspelt ones. */
export const CONTAINER_OPTION_KEYS: readonly string[] = keysOf<ContainerOptions>({ image: true, imagePullPolicy: true, name: true, command: true, args: true, env: true, ports: true, resources: true, readinessProbe: true, livenessProbe: true, startupProbe: true, volumeMounts: true });

export interface ContainerOptions {
  /** `image`: pinned to a tag (not `latest`) or a digest. */
  readonly image: string;
  /**
   * `imagePullPolicy`: `Always`, `IfNotPresent` or `Never`.
   * @default - unset: Kubernetes uses IfNotPresent for a pinned tag
   * @see https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
   */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** `name`. @default - depends on the component (`kserve-container` for KServe) */
  readonly name?: string;
  /** `command`. Credential flags with a literal (`--password=...`) are refused. @default - the image entrypoint */
  readonly command?: readonly string[];
  /** `args`. Credential flags with a literal (`--password=...`, `--token <value>`) and credential-shaped values are refused: pass `--password-file=` with a Secret volume, or `$(VAR)` of an env var from a Secret. @default - none */
  readonly args?: readonly string[];
  /** `env`: literal values, or Secret/ConfigMap/field references. @default - none */
  readonly env?: EnvVars;
  /** `ports`. @default - none */
  readonly ports?: readonly ContainerPort[];
  /** `resources`. @default - none (the security rules require them on platforms) */
  readonly resources?: ResourceRequirements;
  /** `readinessProbe`. @default - none */
  readonly readinessProbe?: Probe;
  /** `livenessProbe`. @default - none */
  readonly livenessProbe?: Probe;
  /** `startupProbe`. @default - none */
  readonly startupProbe?: Probe;
  /**
   * `volumeMounts`: volumes mounted into the container, e.g.
   * `{ volume: Volume.emptyDir('dshm', { medium: EmptyDirMedium.MEMORY, sizeLimit: '2Gi' }), mountPath: '/dev/shm' }`
   * for vLLM or PyTorch. The pod's `volumes` entry of each is emitted with it.
   * Refused: `/tmp` when the root filesystem is read-only (the library's
   * emptyDir is there), a path mounted twice, and containers whose
   * construct does not emit pod volumes.
   * @default - none (besides the library's /tmp mount)
   */
  readonly volumeMounts?: readonly VolumeMount[];
}

/** A rendered container, in upstream field names. */
export interface ContainerJson {
  readonly name: string;
  readonly image?: string;
  readonly imagePullPolicy?: ImagePullPolicy;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: EnvVarJson[];
  readonly ports?: Array<{ containerPort: number; name?: string; protocol: string }>;
  readonly resources?: RenderedResources;
  readonly readinessProbe?: ProbeJson;
  readonly livenessProbe?: ProbeJson;
  readonly startupProbe?: ProbeJson;
  readonly securityContext?: ContainerSecurityJson;
  readonly volumeMounts?: Array<VolumeMountJson>;
}

/** The emptyDir volume backing /tmp when the root filesystem is read-only. */
export const TMP_VOLUME = { name: 'tmp', emptyDir: {} } as const;
/** Its mount. */
export const TMP_MOUNT = { name: 'tmp', mountPath: '/tmp' } as const;

/**
 * Checks and renders a container: pinned image, valid name and ports,
 * resources, env without literal credentials, and the workload's security
 * context (with an emptyDir on /tmp when the root filesystem is read-only).
 *
 * @throws ModelServingError for any invalid part
 */
export function renderContainer(
  scope: IConstruct,
  field: string,
  c: Omit<ContainerOptions, 'image'> & { readonly image?: string },
  defaults: { readonly name: string; readonly security: WorkloadSecurity; readonly imageOptional?: boolean; readonly noPodSecurityContext?: boolean; readonly volumes?: boolean },
): ContainerJson {
  if (!c || typeof c !== 'object') invalid(scope, field, 'is required', c, 'pass { image: "registry/image:tag", ... }');
  if (c.image === undefined && !defaults.imageOptional) invalid(scope, `${field}.image`, 'is required', undefined, 'pass image: "registry.example.com/team/server:1.0.0"');
  const image = c.image === undefined ? undefined : assertPinnedImage(scope, `${field}.image`, c.image);
  const name = assertDnsLabel(scope, `${field}.name`, c.name ?? defaults.name);
  refuseCredential(scope, `${field}.args`, c.args, 'pass the credential as a file mounted from a Secret (e.g. --password-file=/secrets/db/password) or as $(VAR) of an environment variable set from a Secret');
  refuseCredential(scope, `${field}.command`, (c as { readonly command?: readonly string[] }).command, 'pass the credential as a file mounted from a Secret, or as $(VAR) of an environment variable set from a Secret');
  c.ports?.forEach((p, i) => {
    assertPort(scope, `${field}.ports[${i}].containerPort`, p.containerPort, 'use the port the server listens on, e.g. 8080');
    if (p.name !== undefined) assertPortName(scope, `${field}.ports[${i}].name`, p.name, "use e.g. 'http1' or 'h2c'");
  });
  if (c.imagePullPolicy !== undefined && !IMAGE_PULL_POLICIES.includes(c.imagePullPolicy)) {
    invalid(scope, `${field}.imagePullPolicy`, `must be one of ${IMAGE_PULL_POLICIES.join(', ')}`, c.imagePullPolicy, "use 'IfNotPresent' (pinned images never change) or 'Always'");
  }
  defaults.security.check(scope, `${field}.security`);
  checkProbe(scope, `${field}.readinessProbe`, c.readinessProbe);
  checkProbe(scope, `${field}.livenessProbe`, c.livenessProbe);
  checkProbe(scope, `${field}.startupProbe`, c.startupProbe);
  c.ports?.forEach((p, i) => {
    if (p.protocol !== undefined) assertOneOf(scope, `${field}.ports[${i}].protocol`, p.protocol, ['TCP', 'UDP']);
  });
  assertProbePortNames(scope, field, c, c.ports);
  if (c.volumeMounts !== undefined && !defaults.volumes) {
    invalid(scope, `${field}.volumeMounts`, 'cannot be set on this container: its construct emits no pod volumes for them', c.volumeMounts, 'leave volumeMounts out');
  }
  const mounts = [...(defaults.security.readOnlyRoot ? [{ ...TMP_MOUNT }] : []), ...renderVolumeMounts(scope, `${field}.volumeMounts`, c.volumeMounts, defaults.security.readOnlyRoot)];
  return {
    name,
    image,
    imagePullPolicy: c.imagePullPolicy,
    command: c.command ? [...c.command] : undefined,
    args: c.args ? [...c.args] : undefined,
    env: renderEnv(scope, `${field}.env`, c.env),
    ports: c.ports?.map((p) => ({ containerPort: p.containerPort, name: p.name, protocol: p.protocol ?? 'TCP' })),
    resources: renderResources(scope, `${field}.resources`, c.resources),
    readinessProbe: c.readinessProbe?.spec,
    livenessProbe: c.livenessProbe?.spec,
    startupProbe: c.startupProbe?.spec,
    securityContext: defaults.noPodSecurityContext ? defaults.security.containerWithPodIdentity() : defaults.security.container(),
    volumeMounts: mounts.length > 0 ? mounts : undefined,
  };
}

/**
 * Refuses a probe whose port is a name (`port: 'http'`) that none of the
 * container's own `ports` declares: the kubelet resolves a named probe port
 * among the container's ports only, and fails the probe (so the pod never
 * becomes Ready) when none has the name.
 *
 * @throws ModelServingError naming `field.<probe>.<action>.port`
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe (httpGet.port, tcpSocket.port: "Name must be an IANA_SVC_NAME" of a container port)
 */
export function assertProbePortNames(
  scope: IConstruct,
  field: string,
  probes: { readonly readinessProbe?: Probe; readonly livenessProbe?: Probe; readonly startupProbe?: Probe },
  ports: readonly ContainerPort[] | undefined,
): void {
  const names = (ports ?? []).map((p) => p.name).filter((n): n is string => n !== undefined);
  for (const key of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
    const spec = probes[key]?.spec;
    const action = spec?.httpGet ? 'httpGet' : 'tcpSocket';
    const port = spec?.httpGet?.port ?? spec?.tcpSocket?.port;
    if (typeof port === 'string' && !names.includes(port)) {
      invalid(
        scope,
        `${field ? `${field}.` : ''}${key}.${action}.port`,
        names.length > 0 ? `names a port the container does not declare (its ports: ${names.join(', ')})` : 'names a port, but the container declares no named port',
        port,
        names.length > 0 ? `use one of ${names.join(', ')}, or a port number` : `declare it in ports: [{ name: '${port}', containerPort: 8080 }], or use a port number`,
      );
    }
  }
}

/**
 * Converts a rendered container (or container-like object) to the shape the
 * generated L1 classes expect: their `toJson_` functions read int-or-string
 * leaves (resource quantities, probe ports) from `{ value }` wrappers and
 * would silently drop plain values.
 */
export function toL1Shape<T>(c: object): T {
  const wrapMap = (m: Record<string, string> | undefined) => (m ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { value: v }])) : undefined);
  const wrapProbe = (p: ProbeJson | undefined) =>
    p && {
      ...p,
      httpGet: p.httpGet && { ...p.httpGet, port: { value: p.httpGet.port } },
      tcpSocket: p.tcpSocket && { ...p.tcpSocket, port: { value: p.tcpSocket.port } },
    };
  const x = c as ContainerJson;
  return {
    ...c,
    resources: x.resources && { requests: wrapMap(x.resources.requests), limits: wrapMap(x.resources.limits) },
    readinessProbe: wrapProbe(x.readinessProbe),
    livenessProbe: wrapProbe(x.livenessProbe),
    startupProbe: wrapProbe(x.startupProbe),
  } as T;
}
