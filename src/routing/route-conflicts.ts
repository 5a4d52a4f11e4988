import { errorMessage } from '../core/errors';

/** A synthesized object with the construct that made it (as `synthPlatforms` returns them). */
export interface SourcedManifest {
  readonly constructPath: string;
  readonly object: { readonly kind: string; readonly metadata: { readonly name?: string; readonly namespace?: string }; readonly [key: string]: unknown };
}

interface RouteSpec {
  readonly parentRefs?: ReadonlyArray<{ readonly group?: string; readonly kind?: string; readonly name: string; readonly namespace?: string; readonly sectionName?: string; readonly port?: number }>;
  readonly hostnames?: readonly string[];
  readonly rules?: ReadonlyArray<{ readonly matches?: readonly Record<string, unknown>[] }>;
}

interface Claim {
  readonly manifest: SourcedManifest;
  readonly field: string;
  readonly listener: string;
  readonly host: string;
}

/**
 * Finds HTTPRoute (and GRPCRoute) rules that compete for the same requests:
 * two routes attached to the same Gateway listener, for the same hostname
 * (or both for every hostname of the listener), each with a match of the
 * same path, method, headers and query parameters (a rule without matches
 * matches every request). Gateway API gives such requests to the oldest
 * route, then to the first by name, so the other rule silently receives
 * nothing, and which one wins can change when a route is recreated.
 *
 * Rules of one route are not compared (their order breaks ties, on purpose).
 * A parent without `sectionName` covers every listener of its Gateway when
 * the Gateway is among `manifests`.
 *
 * @returns one error line per conflicting route (the later one in `manifests` order)
 */
export function routeConflicts(manifests: readonly SourcedManifest[]): string[] {
  const listenersOf = new Map<string, string[]>();
  for (const m of manifests) {
    if (m.object.kind !== 'Gateway') continue;
    const spec = m.object.spec as { listeners?: ReadonlyArray<{ name: string }> } | undefined;
    listenersOf.set(`${m.object.metadata.namespace ?? ''}/${m.object.metadata.name}`, (spec?.listeners ?? []).map((l) => l.name));
  }

  const first = new Map<string, Claim>();
  const errors: string[] = [];
  for (const m of manifests) {
    const kind = m.object.kind;
    if (kind !== 'HTTPRoute' && kind !== 'GRPCRoute') continue;
    const spec = (m.object.spec ?? {}) as RouteSpec;
    const ns = m.object.metadata.namespace ?? '';
    const hosts = spec.hostnames && spec.hostnames.length > 0 ? [...new Set(spec.hostnames)] : [''];
    const keys = new Map<string, Claim>();
    for (const p of spec.parentRefs ?? []) {
      if ((p.kind ?? 'Gateway') !== 'Gateway') continue;
      const gateway = `${p.namespace ?? ns}/${p.name}`;
      const listeners = p.sectionName !== undefined ? [p.sectionName] : (listenersOf.get(gateway) ?? ['*']);
      (spec.rules ?? []).forEach((rule, r) => {
        const matches = rule.matches && rule.matches.length > 0 ? rule.matches : [undefined];
        matches.forEach((match, i) => {
          const field = match === undefined ? `spec.rules[${r}]` : `spec.rules[${r}].matches[${i}]`;
          for (const listener of listeners) {
            for (const host of hosts) {
              const key = JSON.stringify([kind, gateway, listener, p.port ?? null, host, matchKey(kind, match)]);
              if (!keys.has(key)) keys.set(key, { manifest: m, field, listener: `${gateway}/${listener}`, host });
            }
          }
        });
      });
    }
    let reported = false;
    for (const [key, claim] of keys) {
      const other = first.get(key);
      if (other === undefined) {
        first.set(key, claim);
      } else if (!reported && other.manifest !== m) {
        reported = true;
        const o = other.manifest.object.metadata;
        errors.push(
          errorMessage(
            ownerPath(m.constructPath),
            claim.field,
            `matches the same requests as ${other.field} of ${kind} '${o.namespace ? `${o.namespace}/` : ''}${o.name}' (${ownerPath(other.manifest.constructPath)}) on listener '${claim.listener}' for ${claim.host === '' ? "every hostname of the listener" : `hostname '${claim.host}'`}: only the older route would receive them`,
            JSON.parse(key)[5],
            'give one of the routes a distinct path, method, header match or hostname, or merge the two into one route',
          ),
        );
      }
    }
  }
  return errors;
}

/** The path of the construct the user created: an L2 owns its object as child `Resource`. */
function ownerPath(constructPath: string): string {
  return constructPath.endsWith('/Resource') ? constructPath.slice(0, -'/Resource'.length) : constructPath;
}

/** What a match selects, normalized: HTTP path (default PathPrefix /), method, headers and query parameters; gRPC method and headers. */
function matchKey(kind: string, match: Record<string, unknown> | undefined): unknown {
  const m = match ?? {};
  const headers = ((m.headers as Array<{ type?: string; name: string; value: string }> | undefined) ?? [])
    .map((h) => [h.type ?? 'Exact', h.name.toLowerCase(), h.value])
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (kind === 'GRPCRoute') {
    const method = (m.method as { type?: string; service?: string; method?: string } | undefined) ?? {};
    return { method: [method.type ?? 'Exact', method.service ?? '*', method.method ?? '*'], headers };
  }
  const path = (m.path as { type?: string; value?: string } | undefined) ?? {};
  const query = ((m.queryParams as Array<{ type?: string; name: string; value: string }> | undefined) ?? [])
    .map((q) => [q.type ?? 'Exact', q.name, q.value])
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return { path: [path.type ?? 'PathPrefix', path.value ?? '/'], method: (m.method as string | undefined) ?? '*', headers, queryParams: query };
}
