import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { isAccessControlled } from '../core/access-control';
import { DeclaredFlow, NetworkFlows } from '../core/flows';
import { invalid } from '../core/errors';
import { Platform } from '../core/platform';
import { RouteBase } from '../routing/route-base';
import { SecurityWaiver, SecurityWaivers } from '../security/waivers';

/** A synthesized Kubernetes object, as plain JSON. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** One object of a platform and the file it is written to. */
export interface Manifest {
  /** File name inside the platform folder: `<kind>.<namespace>.<name>.yaml`, or `<kind>.<name>.yaml` when cluster-scoped. */
  readonly file: string;
  /** The construct path of the object (for error messages). */
  readonly constructPath: string;
  /** The object. */
  readonly object: KubeObject;
  /** The security rules waived for this object, with their reasons. */
  readonly waivers: readonly SecurityWaiver[];
  /** The network flows the object needs (`NetworkFlows.declare`), checked by rule SEC-N07. @default - none */
  readonly flows?: readonly DeclaredFlow[];
  /** True for a route an access policy protects (it is synced after its policies). @default false */
  readonly protectedRoute?: boolean;
  /**
   * For a route: the objects of the platform (`Kind/namespace/name`) from
   * which a controller creates the route's backend Services, such as an
   * InferenceService whose predictor Service KServe creates. @default - none
   */
  readonly backendsFrom?: readonly string[];
}

/** Every Platform of an app (or under any construct), in construct-tree order. */
export function findPlatforms(root: IConstruct): Platform[] {
  return root.node.findAll().filter((c): c is Platform => Platform.isPlatform(c));
}

/**
 * Errors reported by `node.addValidation` validators under `root` (facts
 * known only at the end, such as a route with no rules), each prefixed with
 * the construct path unless the message already starts with it.
 */
export function constructErrors(root: IConstruct): string[] {
  const errors: string[] = [];
  for (const c of root.node.findAll()) {
    for (const message of c.node.validate()) errors.push(message.startsWith(c.node.path) ? message : `${c.node.path}: ${message}`);
  }
  return errors;
}

/**
 * The objects of a platform with their file names.
 *
 * File names are derived from identity only (kind, namespace, name), so they
 * never change unless the object's identity does.
 *
 * @throws ModelServingError when two objects would be written to the same file (same kind, namespace and name)
 */
export function platformManifests(platform: Platform): Manifest[] {
  const objects = platform.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  const manifests: Manifest[] = [];
  const byFile = new Map<string, string>();
  for (const o of objects) {
    const object = objectJson(o) as KubeObject;
    const file = fileName(object);
    const other = byFile.get(file);
    // Report the construct the user created (an L2 owns its object as child 'Resource').
    const owner = o.node.id === 'Resource' && o.node.scope ? o.node.scope : o;
    if (other !== undefined) {
      invalid(owner, 'metadata.name', `of ${object.kind} is defined twice in platform '${platform.platformName}' (also at ${other}): both would be ${file}`, object.metadata.name, 'give one of them another name.');
    }
    byFile.set(file, owner.node.path);
    const protectedRoute = isAccessControlled(owner) && owner.accessState().kind === 'protected';
    const backendsFrom = owner instanceof RouteBase ? controllerBackendSources(owner) : [];
    const flows = NetworkFlows.of(o);
    manifests.push({
      file,
      constructPath: o.node.path,
      object,
      waivers: SecurityWaivers.of(o),
      ...(flows.length > 0 ? { flows } : {}),
      ...(protectedRoute ? { protectedRoute } : {}),
      ...(backendsFrom.length > 0 ? { backendsFrom } : {}),
    });
  }
  return manifests.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/**
 * `o.toJson()`, in time linear in the object's labels and annotations.
 *
 * The classes cdk8s generates for built-in kinds (cdk8s-plus-34's `k8s`)
 * rebuild `metadata.labels` and `metadata.annotations` in
 * `toJson_ObjectMeta` by copying the whole map once per entry
 * (`reduce((r, i) => ({ ...r, [i[0]]: i[1] }), {})`, to drop undefined
 * values): 10 000 platform labels took 38 s, 100 000 did not finish. cdk8s
 * has already dropped undefined values (`sanitizeValue`) by then, so the
 * maps are handed to the generated code empty and put back afterwards, at
 * the same place. Synchronous: the base `toJson` is restored before any
 * other code runs.
 */
export function objectJson(o: ApiObject): unknown {
  const base = ApiObject.prototype.toJson;
  let maps: { labels?: unknown; annotations?: unknown } | undefined;
  ApiObject.prototype.toJson = function (this: ApiObject): unknown {
    const json = base.call(this) as { metadata?: Record<string, unknown> };
    const metadata = json.metadata;
    if (this === o && maps === undefined && metadata !== undefined) {
      maps = { labels: metadata.labels, annotations: metadata.annotations };
      if (metadata.labels !== undefined) metadata.labels = {};
      if (metadata.annotations !== undefined) metadata.annotations = {};
    }
    return json;
  };
  let json: { metadata?: Record<string, unknown> };
  try {
    json = o.toJson() as { metadata?: Record<string, unknown> };
  } finally {
    ApiObject.prototype.toJson = base;
  }
  if (maps !== undefined && json.metadata !== undefined) {
    if (maps.labels !== undefined) json.metadata.labels = maps.labels;
    if (maps.annotations !== undefined) json.metadata.annotations = maps.annotations;
  }
  return json;
}

/** The file name of an object: `<kind>.<namespace>.<name>.yaml` (lower-case kind), without the namespace part when there is none. */
export function fileName(object: KubeObject): string {
  const kind = object.kind.toLowerCase();
  const ns = object.metadata.namespace;
  return ns ? `${kind}.${ns}.${object.metadata.name}.yaml` : `${kind}.${object.metadata.name}.yaml`;
}

/**
 * `Kind/namespace/name` of each object of ours whose controller creates a
 * backend of the route (a backend owned by an object that is not itself the
 * Service it names: an InferenceService's predictor Service), sorted.
 */
function controllerBackendSources(route: RouteBase): string[] {
  const sources = new Set<string>();
  for (const b of route.backends) {
    const owner = b.backendRef.owner;
    if (owner === undefined) continue;
    const object = owner instanceof ApiObject ? owner : owner.node.tryFindChild('Resource');
    if (!(object instanceof ApiObject) || object.kind === (b.backendRef.kind ?? 'Service')) continue;
    sources.add(`${object.kind}/${object.metadata.namespace ?? ''}/${object.name}`);
  }
  return [...sources].sort();
}
