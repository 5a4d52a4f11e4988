import { k8s } from 'cdk8s-plus-34';
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { isPlainObject } from '../core/prop-types';
import { assertKnownKeys, assertOneOf, keysOf } from '../core/props';
import { assertQuantity, exactQuantity } from '../core/quantity';

/** `kvCacheOffloading.evictionPolicy`: how the CPU tier evicts blocks. */
export enum KvCacheEvictionPolicy {
  /** Least recently used (the CRD default). */
  LRU = 'lru',
  /** Adaptive replacement cache. */
  ARC = 'arc',
}

/** Options of {@link KvCacheTier.ephemeralPvc}. */
export interface KvCacheEphemeralPvcOptions {
  /** `resources.requests.storage`, a quantity such as `'100Gi'`. */
  readonly size: string;
  /** `storageClassName` (e.g. an NVMe-backed class). @default - the cluster's default class */
  readonly storageClassName?: string;
}

/**
 * A secondary (disk) KV-cache tier (`kvCacheOffloading.secondary[].fileSystem`):
 * vLLM cascades GPU -> CPU -> these tiers, in order.
 *
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha2/llm_inference_service_types.go (SecondaryTierSpec, FileSystemTierSpec)
 */
export class KvCacheTier {
  /**
   * A node-local emptyDir of at most `size` per pod (`fileSystem.emptyDir.size`);
   * KServe also requests that much `ephemeral-storage` on the main container.
   *
   * @throws ModelServingError for a size that is not a positive quantity
   */
  public static emptyDir(size: string): KvCacheTier {
    positiveQuantity('KvCacheTier.emptyDir', 'size', size);
    return new KvCacheTier(() => ({ fileSystem: { emptyDir: { size } } }));
  }

  /**
   * One PVC per pod that KServe creates and deletes with the pod
   * (`fileSystem.pvc.spec`, access mode ReadWriteOnce).
   *
   * @throws ModelServingError for a size that is not a positive quantity
   */
  public static ephemeralPvc(options: KvCacheEphemeralPvcOptions): KvCacheTier {
    const where = 'KvCacheTier.ephemeralPvc';
    if (!isPlainObject(options)) invalid(where, 'options', 'must be an object', options, "pass { size: '100Gi' }");
    assertKnownKeys(where, 'options', options, keysOf<KvCacheEphemeralPvcOptions>({ size: true, storageClassName: true }));
    positiveQuantity(where, 'size', options.size);
    if (options.storageClassName !== undefined && (typeof options.storageClassName !== 'string' || options.storageClassName.length === 0)) {
      invalid(where, 'storageClassName', 'must be a StorageClass name', options.storageClassName, "use e.g. 'fast-local-nvme', or leave it out");
    }
    return new KvCacheTier(() => ({
      fileSystem: { pvc: { spec: { storageClassName: options.storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: options.size } } } } },
    }));
  }

  /**
   * A PersistentVolumeClaim of this app (`fileSystem.pvc.ref`), shared by
   * every replica (make it ReadWriteMany for more than one), in the
   * LLMInferenceService's namespace.
   *
   * @param options `path`: a subdirectory of the volume (`VolumeMount.subPath`) @default - the volume root
   */
  public static pvc(claim: k8s.KubePersistentVolumeClaim, options: { readonly path?: string } = {}): KvCacheTier {
    const where = 'KvCacheTier.pvc';
    if (!(claim instanceof k8s.KubePersistentVolumeClaim)) invalid(where, 'claim', 'must be a k8s.KubePersistentVolumeClaim of this app', claim, 'pass the PersistentVolumeClaim object');
    if (options.path !== undefined && (typeof options.path !== 'string' || options.path.startsWith('/') || options.path.split('/').includes('..'))) {
      invalid(where, 'path', 'must be a relative path inside the volume (a subPath)', options.path, "use e.g. 'kv-cache/'");
    }
    return new KvCacheTier((scope, field) => {
      const ns = Chart.of(claim).namespace;
      const own = Chart.of(scope).namespace;
      if (ns !== own) invalid(scope, field, `is a PersistentVolumeClaim in namespace ${ns ?? '(none)'}, but pods mount claims of their own namespace (${own ?? '(none)'}) only`, claim.name, `create the claim in ${own ?? "the LLMInferenceService's namespace"}`);
      return { fileSystem: { pvc: { ref: { name: claim.name, path: options.path } } } };
    });
  }

  private constructor(private readonly make: (scope: IConstruct, field: string) => Record<string, unknown>) {}

  /** The rendered `secondary[]` entry. */
  public render(scope: IConstruct, field: string): Record<string, unknown> {
    return this.make(scope, field);
  }
}

/**
 * `kvCacheOffloading`: vLLM's OffloadingConnector keeps KV-cache blocks in
 * CPU RAM (and optional disk tiers) when the GPU is full; KServe turns it
 * into `--kv-transfer-config`.
 *
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha2/llm_inference_service_types.go (KVCacheOffloadingSpec)
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/workload_kvcache.go
 */
export interface LlmKvCacheOffloading {
  /** `cpu`: CPU RAM for the primary tier (vLLM `cpu_bytes_to_use`), a positive quantity such as `'10Gi'`; count it in the container's memory. */
  readonly cpu: string;
  /** `evictionPolicy` of the CPU tier. @default KvCacheEvictionPolicy.LRU (the CRD's) */
  readonly evictionPolicy?: KvCacheEvictionPolicy;
  /** `secondary`: disk tiers, in cascade order. @default - none */
  readonly secondary?: readonly KvCacheTier[];
}

/**
 * Checks and renders `kvCacheOffloading`.
 *
 * @throws ModelServingError for a CPU size that is not a positive quantity, an unknown policy, or a tier that is not a KvCacheTier
 */
export function renderKvCacheOffloading(scope: IConstruct, field: string, kv: LlmKvCacheOffloading | undefined): Record<string, unknown> | undefined {
  if (kv === undefined) return undefined;
  if (!isPlainObject(kv)) invalid(scope, field, 'must be an object', kv, "pass { cpu: '10Gi' }");
  assertKnownKeys(scope, field, kv, keysOf<LlmKvCacheOffloading>({ cpu: true, evictionPolicy: true, secondary: true }));
  positiveQuantity(scope, `${field}.cpu`, kv.cpu);
  const evictionPolicy = kv.evictionPolicy === undefined ? undefined : assertOneOf(scope, `${field}.evictionPolicy`, kv.evictionPolicy, Object.values(KvCacheEvictionPolicy));
  if (kv.secondary !== undefined && !Array.isArray(kv.secondary)) invalid(scope, `${field}.secondary`, 'must be a list of KvCacheTier', kv.secondary, "pass [KvCacheTier.emptyDir('100Gi')]");
  const secondary = kv.secondary?.map((t, i) => {
    if (!(t instanceof KvCacheTier)) invalid(scope, `${field}.secondary[${i}]`, 'must be a KvCacheTier', t, "use KvCacheTier.emptyDir('100Gi'), KvCacheTier.ephemeralPvc({ size }) or KvCacheTier.pvc(claim)");
    return t.render(scope, `${field}.secondary[${i}]`);
  });
  return { cpu: kv.cpu, evictionPolicy, secondary: secondary && secondary.length > 0 ? secondary : undefined };
}

function positiveQuantity(scope: IConstruct | string, field: string, v: unknown): void {
  assertQuantity(scope, field, v);
  const q = exactQuantity(v as string);
  // KServe's webhook requires cpu with secondary tiers and treats a zero size as unset (validateKVCacheOffloadingSpec).
  if (q === undefined || q.numerator <= 0n) invalid(scope, field, 'must be a positive quantity', v, "use e.g. '10Gi'");
}
