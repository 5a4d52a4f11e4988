import { IConstruct } from 'constructs';
import { invalid } from './errors';
import { assertDnsLabel, assertDnsSubdomain } from './names';
import { assertKnownKeys, assertOneOf, keysOf } from './props';
import { assertQuantity } from './quantity';

/** Where an emptyDir lives (`emptyDir.medium`). */
export enum EmptyDirMedium {
  /** The node's disk (Kubernetes' default medium). */
  DISK = '',
  /** tmpfs in RAM: what `/dev/shm` needs (vLLM, PyTorch data loaders, NCCL). Counts against the container's memory limit. */
  MEMORY = 'Memory',
}

/** Options of {@link Volume.emptyDir}. */
export interface EmptyDirOptions {
  /** `emptyDir.medium`. @default EmptyDirMedium.DISK */
  readonly medium?: EmptyDirMedium;
  /**
   * `emptyDir.sizeLimit`: a quantity of bytes, e.g. `'2Gi'`. A Memory
   * emptyDir without one may grow to the pod's memory limit.
   * @default - no limit
   */
  readonly sizeLimit?: string;
}

/** Options of {@link Volume.secret} and {@link Volume.configMap}. */
export interface ProjectedFilesOptions {
  /** `defaultMode`: permission bits of the files, 0-0777 (e.g. `0o440`). @default - Kubernetes' 0644 */
  readonly defaultMode?: number;
  /** `optional`: the pod starts without the object. @default false */
  readonly optional?: boolean;
}

/** Rendered `volumes[]` entry (upstream field names). */
export interface VolumeJson {
  readonly name: string;
  readonly emptyDir?: { readonly medium?: string; readonly sizeLimit?: string };
  readonly secret?: { readonly secretName: string; readonly defaultMode?: number; readonly optional?: boolean };
  readonly configMap?: { readonly name: string; readonly defaultMode?: number; readonly optional?: boolean };
  readonly persistentVolumeClaim?: { readonly claimName: string; readonly readOnly?: boolean };
}

/** Volume names the library uses itself (the emptyDir behind /tmp). */
export const RESERVED_VOLUME_NAMES: readonly string[] = ['tmp'];

/**
 * A pod volume a container mounts through {@link VolumeMount}. The pod's
 * `volumes` list is made from the volumes its containers mount, so a mount
 * can never name a missing volume. Only kinds allowed by the restricted Pod
 * Security profile are offered.
 *
 * @see https://kubernetes.io/docs/concepts/storage/volumes/
 */
export class Volume {
  /**
   * An empty directory that lives as long as the pod. With
   * `medium: EmptyDirMedium.MEMORY` at `/dev/shm` it gives vLLM and
   * PyTorch the shared memory the container runtime's 64 MiB default lacks.
   *
   * @param name the volume name, a DNS-1123 label other than `tmp` (the library's /tmp volume)
   */
  public static emptyDir(name: string, options: EmptyDirOptions = {}): Volume {
    return new Volume(name, 'emptyDir', (scope, field) => {
      options = options ?? {};
      assertKnownKeys(scope, field, options, keysOf<EmptyDirOptions>({ medium: true, sizeLimit: true }));
      if (options.medium !== undefined) assertOneOf(scope, `${field}.medium`, options.medium, Object.values(EmptyDirMedium), 'use EmptyDirMedium.MEMORY or EmptyDirMedium.DISK');
      if (options.sizeLimit !== undefined) assertQuantity(scope, `${field}.sizeLimit`, options.sizeLimit);
      return { emptyDir: { medium: options.medium || undefined, sizeLimit: options.sizeLimit } };
    });
  }

  /** The keys of a Secret as files (`secret.secretName`). */
  public static secret(name: string, secretName: string, options: ProjectedFilesOptions = {}): Volume {
    return new Volume(name, 'secret', (scope, field) => {
      assertDnsSubdomain(scope, `${field}.secretName`, secretName);
      return { secret: { secretName, ...filesOptions(scope, field, options) } };
    });
  }

  /** The keys of a ConfigMap as files (`configMap.name`). */
  public static configMap(name: string, configMapName: string, options: ProjectedFilesOptions = {}): Volume {
    return new Volume(name, 'configMap', (scope, field) => {
      assertDnsSubdomain(scope, `${field}.configMap`, configMapName);
      return { configMap: { name: configMapName, ...filesOptions(scope, field, options) } };
    });
  }

  /**
   * A PersistentVolumeClaim (`persistentVolumeClaim.claimName`). Knative
   * mode refuses it unless the cluster enables
   * `kubernetes.podspec-persistent-volume-claim` (knative/serving
   * config/core/configmaps/features.yaml, disabled by default), so the
   * constructs refuse it there.
   */
  public static persistentVolumeClaim(name: string, claimName: string, options: { readonly readOnly?: boolean } = {}): Volume {
    return new Volume(name, 'persistentVolumeClaim', (scope, field) => {
      options = options ?? {};
      assertKnownKeys(scope, field, options, ['readOnly']);
      assertDnsSubdomain(scope, `${field}.claimName`, claimName);
      return { persistentVolumeClaim: { claimName, readOnly: options.readOnly } };
    });
  }

  private constructor(
    /** `name`. */
    public readonly name: string,
    /** The volume source (`emptyDir`, `secret`, `configMap`, `persistentVolumeClaim`). */
    public readonly kind: 'emptyDir' | 'secret' | 'configMap' | 'persistentVolumeClaim',
    private readonly source: (scope: IConstruct | string, field: string) => Omit<VolumeJson, 'name'>,
  ) {}

  /**
   * Checks and renders the `volumes[]` entry.
   *
   * @throws ModelServingError for a bad or reserved name, or a bad source
   */
  public render(scope: IConstruct | string, field: string): VolumeJson {
    assertDnsLabel(scope, `${field}.name`, this.name);
    if (RESERVED_VOLUME_NAMES.includes(this.name)) invalid(scope, `${field}.name`, "is the name of the library's own /tmp emptyDir", this.name, "name the volume after its use, e.g. 'dshm'");
    return { name: this.name, ...this.source(scope, field) };
  }
}

/** A mount of a {@link Volume} in a container (`volumeMounts[]`). */
export interface VolumeMount {
  /** The volume (its pod entry is emitted with the container's pod). */
  readonly volume: Volume;
  /** `mountPath`: an absolute path without `:` or `..` segments, e.g. `/dev/shm`. */
  readonly mountPath: string;
  /** `readOnly`. @default false (secrets and ConfigMaps are read-only anyway) */
  readonly readOnly?: boolean;
  /** `subPath`: a relative path inside the volume. @default - the volume's root */
  readonly subPath?: string;
}

/** Rendered `volumeMounts[]` entry. */
export interface VolumeMountJson {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
  readonly subPath?: string;
}

/**
 * Checks a container's mounts: each a {@link VolumeMount} of a
 * {@link Volume}, an absolute mount path used once (and not `/tmp`, the
 * library's emptyDir, when `tmpMounted`), a relative `subPath` without `..`.
 *
 * @throws ModelServingError naming `field[i]`
 */
export function renderVolumeMounts(scope: IConstruct | string, field: string, mounts: readonly VolumeMount[] | undefined, tmpMounted: boolean): VolumeMountJson[] {
  if (mounts === undefined) return [];
  if (!Array.isArray(mounts)) invalid(scope, field, 'must be a list of mounts', mounts, "pass [{ volume: Volume.emptyDir('dshm', { medium: EmptyDirMedium.MEMORY }), mountPath: '/dev/shm' }]");
  const paths = new Set<string>(tmpMounted ? ['/tmp'] : []);
  return mounts.map((m, i) => {
    const at = `${field}[${i}]`;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) invalid(scope, at, 'must be a mount object', m, "pass { volume: Volume.emptyDir('dshm'), mountPath: '/dev/shm' }");
    assertKnownKeys(scope, at, m, keysOf<VolumeMount>({ volume: true, mountPath: true, readOnly: true, subPath: true }));
    if (!(m.volume instanceof Volume)) invalid(scope, `${at}.volume`, 'must be a Volume', m.volume, "use Volume.emptyDir('dshm', ...), Volume.secret(...), Volume.configMap(...) or Volume.persistentVolumeClaim(...)");
    const p = m.mountPath;
    if (typeof p !== 'string' || !p.startsWith('/') || p.includes(':') || p.split('/').includes('..') || /[\u0000-\u001f]/.test(p)) {
      invalid(scope, `${at}.mountPath`, "must be an absolute path without ':' or '..' segments", p, "use e.g. '/dev/shm'");
    }
    const normalized = p.length > 1 ? p.replace(/\/+$/, '') : p;
    if (paths.has(normalized)) {
      invalid(scope, `${at}.mountPath`, normalized === '/tmp' && tmpMounted ? "is /tmp, where the library mounts its own emptyDir (the root filesystem is read-only)" : 'is mounted twice in the container', p, 'mount each path once (write temporary files under /tmp, which is already writable)');
    }
    paths.add(normalized);
    if (m.subPath !== undefined && (typeof m.subPath !== 'string' || m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) {
      invalid(scope, `${at}.subPath`, "must be a relative path without '..'", m.subPath, "use e.g. 'config.yaml'");
    }
    if (m.readOnly !== undefined && typeof m.readOnly !== 'boolean') invalid(scope, `${at}.readOnly`, 'must be a boolean', m.readOnly, 'use true, or leave it out');
    return { name: m.volume.name, mountPath: p, readOnly: m.readOnly, subPath: m.subPath };
  });
}

/**
 * The pod's `volumes` for the mounts of its containers (`field`: where
 * each container's mounts were given): each volume once
 * (two different volumes of one name are refused), after `base` (the
 * library's own volumes, e.g. the /tmp emptyDir). PVCs are refused when
 * `knative` is set.
 *
 * @returns the list, or undefined when empty
 * @throws ModelServingError naming the container's `field`
 */
export function renderPodVolumes(
  scope: IConstruct | string,
  mountsByContainer: ReadonlyArray<{ readonly field: string; readonly mounts: readonly VolumeMount[] | undefined }>,
  base: readonly VolumeJson[],
  options: { readonly knative?: boolean } = {},
): VolumeJson[] | undefined {
  const seen = new Map<string, Volume>();
  const out: VolumeJson[] = [...base];
  for (const { field, mounts } of mountsByContainer) {
    if (mounts !== undefined && !Array.isArray(mounts)) invalid(scope, field, 'must be a list of mounts', mounts, "pass [{ volume: Volume.emptyDir('dshm', { medium: EmptyDirMedium.MEMORY }), mountPath: '/dev/shm' }]");
    for (const [i, m] of (mounts ?? []).entries()) {
      if (!(m?.volume instanceof Volume)) invalid(scope, `${field}[${i}].volume`, 'must be a Volume', m?.volume, "use Volume.emptyDir('dshm', ...), Volume.secret(...), Volume.configMap(...) or Volume.persistentVolumeClaim(...)");
      const known = seen.get(m.volume.name);
      if (known === m.volume) continue;
      if (known !== undefined) invalid(scope, `${field}[${i}].volume`, 'is another volume with the name of one already mounted: the pod has two different volumes of one name', m.volume.name, 'give each Volume its own name, or mount the same Volume object');
      if (options.knative && m.volume.kind === 'persistentVolumeClaim') {
        invalid(scope, `${field}[${i}].volume`, "is a PersistentVolumeClaim, which Knative refuses unless the cluster enables kubernetes.podspec-persistent-volume-claim (disabled by default)", m.volume.name, 'use DeploymentMode.STANDARD, or the model storage (Storage.pvc) for model files');
      }
      seen.set(m.volume.name, m.volume);
      out.push(m.volume.render(scope, `${field}[${i}].volume`));
    }
  }
  return out.length > 0 ? out : undefined;
}

function filesOptions(scope: IConstruct | string, field: string, o: ProjectedFilesOptions): ProjectedFilesOptions {
  o = o ?? {};
  assertKnownKeys(scope, field, o, keysOf<ProjectedFilesOptions>({ defaultMode: true, optional: true }));
  if (o.defaultMode !== undefined && (!Number.isInteger(o.defaultMode) || o.defaultMode < 0 || o.defaultMode > 0o777)) {
    invalid(scope, `${field}.defaultMode`, 'must be permission bits between 0 and 0777', o.defaultMode, 'use e.g. 0o440');
  }
  if (o.optional !== undefined && typeof o.optional !== 'boolean') invalid(scope, `${field}.optional`, 'must be a boolean', o.optional, 'use true, or leave it out');
  return { defaultMode: o.defaultMode, optional: o.optional };
}

/**
 * Converts rendered volumes to the shape the generated L1 classes expect:
 * their `toJson_` reads the int-or-string `emptyDir.sizeLimit` from a
 * `{ value }` wrapper and would silently drop a plain string.
 */
export function toL1Volumes<T>(volumes: readonly VolumeJson[] | undefined): T[] | undefined {
  return volumes?.map((v) => (v.emptyDir?.sizeLimit !== undefined ? { ...v, emptyDir: { ...v.emptyDir, sizeLimit: { value: v.emptyDir.sizeLimit } } } : v) as T);
}
