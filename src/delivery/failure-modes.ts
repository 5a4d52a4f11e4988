import { KubeObject } from './manifest';

/** What happens to requests when a service the gateway calls on each request cannot be reached. */
export interface FailureModeEntry {
  /** `<Kind> <namespace>/<name>` of the object that states it. */
  readonly object: string;
  /** The service called: endpoint picker, external authorization, ext-proc, rate limit. */
  readonly calls: string;
  /** The mode: `FailOpen` or `FailClose` (InferencePool), `failOpen: true|false` (Envoy-based filters). */
  readonly mode: string;
  /** False when the object leaves the field out and the CRD default applies. */
  readonly stated: boolean;
  /** What requests see while the service is down. */
  readonly effect: string;
}

type Obj = KubeObject & { spec?: any };

const OPEN = 'requests pass without it';
const CLOSED = 'requests fail';

function envoyFilter(o: Obj, calls: string, section: { failOpen?: boolean } | undefined, openEffect: string, closedEffect: string): FailureModeEntry[] {
  if (section === undefined || section === null) return [];
  const stated = typeof section.failOpen === 'boolean';
  const open = section.failOpen === true;
  return [{ object: `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, calls, mode: `failOpen: ${open}`, stated, effect: open ? openEffect : closedEffect }];
}

/**
 * The failure mode of every per-request call out of the gateway that the
 * objects configure: an InferencePool's endpoint picker
 * (`spec.endpointPickerRef.failureMode`, CRD default `FailClose`), Envoy
 * Gateway's external authorization (`SecurityPolicy.spec.extAuth.failOpen`)
 * and ext-proc (`EnvoyExtensionPolicy.spec.extProc[].failOpen`), kgateway's
 * `GatewayExtension` external authorization, ext-proc and rate limit
 * (`failOpen`; defaults false). Each says whether the object states it or
 * leaves it to the CRD default.
 *
 * @see https://github.com/kubernetes-sigs/gateway-api-inference-extension/blob/v1.6.0/api/v1/inferencepool_types.go (EndpointPickerFailureMode)
 * @see https://github.com/envoyproxy/gateway/blob/v1.9.0/api/v1alpha1/ext_auth_types.go (FailOpen)
 * @see https://github.com/envoyproxy/gateway/blob/v1.9.0/api/v1alpha1/ext_proc_types.go (FailOpen)
 */
export function failureModes(objects: readonly KubeObject[]): FailureModeEntry[] {
  const out: FailureModeEntry[] = [];
  for (const o of objects as readonly Obj[]) {
    const group = o.apiVersion.split('/')[0];
    const name = `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (o.kind === 'InferencePool' && group === 'inference.networking.k8s.io') {
      const ref = o.spec?.endpointPickerRef;
      if (!ref) continue;
      const mode = ref.failureMode ?? 'FailClose';
      out.push({
        object: name,
        calls: `endpoint picker ${ref.name}`,
        mode,
        stated: ref.failureMode !== undefined,
        effect: mode === 'FailOpen' ? 'requests go to a replica the gateway picks itself (no queue, KV-cache or prefix-aware scheduling)' : 'every request to the pool fails',
      });
    } else if (group === 'gateway.envoyproxy.io' && o.kind === 'SecurityPolicy') {
      out.push(...envoyFilter(o, 'external authorization', o.spec?.extAuth, `${OPEN} authorization`, `${CLOSED} (403)`));
    } else if (group === 'gateway.envoyproxy.io' && o.kind === 'EnvoyExtensionPolicy') {
      for (const p of o.spec?.extProc ?? []) out.push(...envoyFilter(o, 'ext-proc', p, `${OPEN} processing`, `${CLOSED} (500)`));
    } else if (group === 'gateway.kgateway.dev' && o.kind === 'GatewayExtension') {
      out.push(...envoyFilter(o, 'external authorization', o.spec?.extAuth, `${OPEN} authorization`, `${CLOSED} (statusOnError)`));
      out.push(...envoyFilter(o, 'ext-proc', o.spec?.extProc, `${OPEN} processing`, `${CLOSED} (500)`));
      out.push(...envoyFilter(o, 'rate limit service', o.spec?.rateLimit, `${OPEN} unlimited`, `${CLOSED} (500)`));
    }
  }
  return out.sort((a, b) => a.object.localeCompare(b.object) || a.calls.localeCompare(b.calls));
}
