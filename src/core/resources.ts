import { IConstruct } from 'constructs';
import { invalid } from './errors';
import { assertKnownKeys } from './props';
import { assertQuantity, isWholeQuantity, quantityExceeds } from './quantity';

/** Compute resources of one container, as Kubernetes quantity strings. */
export interface ResourceList {
  /** `cpu`, e.g. `'500m'` (cores). */
  readonly cpu?: string;
  /** `memory`, e.g. `'1Gi'` (bytes). */
  readonly memory?: string;
  /** `ephemeral-storage`, e.g. `'10Gi'`. */
  readonly ephemeralStorage?: string;
  /** `nvidia.com/gpu`: whole GPUs, e.g. `'1'`. */
  readonly nvidiaGpu?: string;
  /**
   * Extended resources by their domain-qualified name (`amd.com/gpu`,
   * `rdma/roce_gdr`, `intel.com/gpu`), whole numbers as strings; a request
   * must equal its limit (Kubernetes does not overcommit extended resources).
   * @default - none
   */
  readonly extended?: Readonly<Record<string, string>>;
}

/**
 * `resources` of a container.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
export interface ResourceRequirements {
  /** `requests`: what the scheduler reserves. */
  readonly requests?: ResourceList;
  /** `limits`: the most the container may use. GPUs are set here (a GPU request equals its limit). */
  readonly limits?: ResourceList;
}

/** The rendered `resources` object (upstream keys). */
export interface RenderedResources {
  readonly requests?: Record<string, string>;
  readonly limits?: Record<string, string>;
}

const KEYS: ReadonlyArray<[Exclude<keyof ResourceList, 'extended'>, string]> = [
  ['cpu', 'cpu'],
  ['memory', 'memory'],
  ['ephemeralStorage', 'ephemeral-storage'],
  ['nvidiaGpu', 'nvidia.com/gpu'],
];

/**
 * Checks and renders container resources: every value a quantity string
 * within Kubernetes' range, every request at most its limit, GPUs whole
 * numbers, and no key besides `requests`/`limits` and the four resource
 * names (a misspelt `gpu: '1'` would otherwise be dropped, and the pod
 * scheduled without a GPU).
 *
 * @throws ModelServingError for an unknown key, a malformed or out-of-range quantity, a request above its limit, or a fractional GPU
 */
export function renderResources(scope: IConstruct, field: string, r: ResourceRequirements | undefined): RenderedResources | undefined {
  if (!r) return undefined;
  assertKnownKeys(scope, field, r, ['requests', 'limits']);
  const render = (list: ResourceList | undefined, part: 'requests' | 'limits'): Record<string, string> | undefined => {
    if (!list) return undefined;
    assertKnownKeys(scope, `${field}.${part}`, list, [...KEYS.map(([key]) => key), 'extended']);
    const out: Record<string, string> = {};
    for (const [key, upstream] of KEYS) {
      const v = list[key];
      if (v === undefined) continue;
      out[upstream] = assertQuantity(scope, `${field}.${part}.${upstream}`, v);
      if (key === 'nvidiaGpu' && !isWholeQuantity(v)) {
        invalid(scope, `${field}.${part}.nvidia.com/gpu`, 'must be a whole number of GPUs', v, "use '1', '2', ...");
      }
    }
    for (const [name, v] of Object.entries(extendedResources(scope, `${field}.${part}.extended`, list.extended))) out[name] = v;
    return Object.keys(out).length > 0 ? out : undefined;
  };
  const requests = render(r.requests, 'requests');
  const limits = render(r.limits, 'limits');
  for (const [key, upstream] of KEYS) {
    const req = r.requests?.[key];
    const lim = r.limits?.[key];
    if (req !== undefined && lim !== undefined && quantityExceeds(req, lim)) {
      invalid(scope, `${field}.requests.${upstream}`, `must not exceed limits.${upstream} (${lim})`, req, `lower the request or raise the limit to at least ${req}`);
    }
  }
  for (const [name, req] of Object.entries(r.requests?.extended ?? {})) {
    const lim = r.limits?.extended?.[name];
    // Kubernetes: extended resources cannot be overcommitted, so a request must equal its limit (and needs one).
    if (lim === undefined || quantityExceeds(req, lim) || quantityExceeds(lim, req)) {
      invalid(scope, `${field}.requests.extended.${name}`, `must equal limits.extended.${name} (${lim ?? 'unset'}): Kubernetes does not overcommit extended resources`, req, `set limits: { extended: { '${name}': '${req}' } }`);
    }
  }
  return { requests, limits };
}

/** Domain-qualified resource names (`example.com/thing`), as Kubernetes validates extended resource names. */
const EXTENDED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function extendedResources(scope: IConstruct, field: string, ext: Readonly<Record<string, string>> | undefined): Record<string, string> {
  if (ext === undefined) return {};
  if (ext === null || typeof ext !== 'object' || Array.isArray(ext)) invalid(scope, field, 'must be an object of quantities by resource name', ext, "pass e.g. { 'amd.com/gpu': '1' }");
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(ext)) {
    if (!EXTENDED_NAME.test(name) || name.split('/')[0].endsWith('kubernetes.io')) {
      invalid(scope, `${field}.${name}`, 'is not an extended resource name (a domain-qualified name outside kubernetes.io, e.g. amd.com/gpu)', name, 'use the name the device plugin advertises');
    }
    if (name === 'nvidia.com/gpu') invalid(scope, `${field}.${name}`, 'has a field of its own', name, 'use nvidiaGpu');
    assertQuantity(scope, `${field}.${name}`, v);
    if (!isWholeQuantity(v)) invalid(scope, `${field}.${name}`, 'must be a whole number (Kubernetes counts extended resources in whole units)', v, "use '1', '2', ...");
    out[name] = v;
  }
  return out;
}

/**
 * Wraps each quantity string as the `{ value }` union object the generated L1
 * classes expect for int-or-string maps (their `toJson_` reads `.value`).
 */
export function l1Quantities<T>(list: Record<string, string> | undefined): Record<string, T> | undefined {
  if (!list) return undefined;
  const out: Record<string, T> = {};
  for (const k of Object.keys(list)) out[k] = { value: list[k] } as T;
  return out;
}
