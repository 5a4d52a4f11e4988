import { podsOf } from '../security/pod-specs';
import type { KubeObject } from './manifest';

/** An object that an object of a platform refers to by name. */
export interface ObjectReference {
  /** `ConfigMap`, `ServiceAccount`, `Service` or `GatewayClass`. */
  readonly kind: string;
  /** Its namespace; undefined for a cluster-scoped kind. */
  readonly namespace?: string;
  readonly name: string;
  /** What refers to it, e.g. `serviceAccountName of Deployment kong/kong`. */
  readonly purpose: string;
}

/**
 * What happens without the object, and who usually creates it, by kind:
 * the sentence the README's setup note ends with.
 */
const CONSEQUENCE: Readonly<Record<string, string>> = {
  ConfigMap: 'Pods that mount it, or read it into their environment, stay in ContainerCreating (or CreateContainerConfigError) until it exists.',
  ServiceAccount: "The workload's ReplicaSet (or Job) cannot create pods until it exists (`serviceaccount not found`).",
  Service: 'What is sent to it (routed requests, traces, authorization calls) fails until it exists, and a route to it reports `ResolvedRefs: False` (`BackendNotFound`); deploy it with the application that owns it.',
  GatewayClass: 'The Gateway stays unaccepted (no proxy, no address) until a controller owns a GatewayClass of that name.',
};

/**
 * Who creates the GatewayClass of the usual class names, at the pinned
 * controller versions (each installation creates its class itself).
 */
const GATEWAY_CLASS_SETUP: Readonly<Record<string, string>> = {
  kgateway: 'The kgateway installation creates it (controllerName `kgateway.dev/kgateway`).',
  // pilot/pkg/config/kube/gateway/gatewayclass.go: istiod writes its built-in classes (`istio`, `istio-remote`, `istio-waypoint`).
  istio: 'istiod creates it itself (controllerName `istio.io/gateway-controller`) when Gateway API support is on, the default.',
  eg: 'Create it for Envoy Gateway: controllerName `gateway.envoyproxy.io/gatewayclass-controller` (the Envoy Gateway quickstart names it `eg`).',
  kong: 'Create it for the Kong Ingress Controller: controllerName `konghq.com/kic-gateway-controller`.',
  // controller/pkg/controller/gatewayclass.go (agentgateway v1.4.1): the controller creates and reconciles its default class.
  agentgateway: 'The agentgateway controller creates it (controllerName `agentgateway.dev/agentgateway`).',
};

function push(out: ObjectReference[], kind: string, namespace: string | undefined, name: unknown, purpose: string): void {
  if (typeof name === 'string' && name.length > 0) out.push({ kind, namespace, name, purpose });
}

/** `backendRef`/`backendRefs[]` entries naming a core Service anywhere in `value` (routes, kgateway extensions, listener policies). */
function serviceRefs(value: unknown, at: string, visit: (ref: Record<string, unknown>, path: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => serviceRefs(v, `${at}[${i}]`, visit));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const p = at ? `${at}.${k}` : k;
    const refs = k === 'backendRef' ? [v] : k === 'backendRefs' && Array.isArray(v) ? v : [];
    refs.forEach((r, i) => {
      if (r === null || typeof r !== 'object') return;
      const ref = r as Record<string, unknown>;
      if ((ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service') visit(ref, k === 'backendRef' ? p : `${p}[${i}]`);
    });
    serviceRefs(v, p, visit);
  }
}

/**
 * The ConfigMaps, ServiceAccounts, Services and GatewayClasses the objects
 * refer to, read from their reference fields: pod specs
 * (`serviceAccountName`, `volumes[].configMap`, projected ConfigMaps,
 * `envFrom[].configMapRef`, `env[].valueFrom.configMapKeyRef`, in
 * Deployments, Jobs, CronJobs, InferenceService components and the other
 * kinds `podsOf` reads), core-Service `backendRef(s)` anywhere in an object,
 * and a Gateway's `gatewayClassName`.
 */
export function objectReferences(objects: readonly KubeObject[]): ObjectReference[] {
  const out: ObjectReference[] = [];
  for (const o of objects) {
    const ns = o.metadata.namespace;
    const what = `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata.name}`;
    for (const pod of podsOf(o as never)) {
      const spec = pod.pod as Record<string, any>;
      push(out, 'ServiceAccount', ns, spec.serviceAccountName, `${pod.path}.serviceAccountName of ${what}`);
      ((spec.volumes ?? []) as Array<Record<string, any>>).forEach((v, i) => {
        if (v.configMap && v.configMap.optional !== true) push(out, 'ConfigMap', ns, v.configMap.name, `${pod.path}.volumes[${i}] of ${what}`);
        ((v.projected?.sources ?? []) as Array<Record<string, any>>).forEach((s) => {
          if (s.configMap && s.configMap.optional !== true) push(out, 'ConfigMap', ns, s.configMap.name, `${pod.path}.volumes[${i}] (projected) of ${what}`);
        });
      });
      for (const c of pod.containers) {
        const container = c.container as Record<string, any>;
        ((container.envFrom ?? []) as Array<Record<string, any>>).forEach((e) => {
          if (e.configMapRef && e.configMapRef.optional !== true) push(out, 'ConfigMap', ns, e.configMapRef.name, `${c.path}.envFrom of ${what}`);
        });
        ((container.env ?? []) as Array<Record<string, any>>).forEach((e) => {
          const ref = e.valueFrom?.configMapKeyRef;
          if (ref && ref.optional !== true) push(out, 'ConfigMap', ns, ref.name, `${c.path}.env ${e.name} of ${what}`);
        });
      }
    }
    serviceRefs((o as Record<string, unknown>).spec, 'spec', (ref, path) => push(out, 'Service', typeof ref.namespace === 'string' ? ref.namespace : ns, ref.name, `${path} of ${what}`));
    if (o.kind === 'Gateway' && o.apiVersion.startsWith('gateway.networking.k8s.io/')) push(out, 'GatewayClass', undefined, (o as any).spec?.gatewayClassName, `gatewayClassName of ${what}`);
  }
  return out;
}

/**
 * The objects that exist without being in the folder: what the platform
 * emits, what the controllers create from it (KServe's Services of each
 * InferenceService: `<name>`, `<name>-predictor`, `-transformer`,
 * `-explainer`), and what Kubernetes creates in every namespace (the
 * `default` ServiceAccount, the `kube-root-ca.crt` ConfigMap).
 */
function produced(objects: readonly KubeObject[]): (r: ObjectReference) => boolean {
  const keys = new Set<string>();
  const add = (kind: string, ns: string | undefined, name: string | undefined) => keys.add(`${kind}/${ns ?? ''}/${name ?? ''}`);
  for (const o of objects) {
    add(o.kind, o.metadata.namespace, o.metadata.name);
    if (o.kind === 'InferenceService') for (const suffix of ['', '-predictor', '-transformer', '-explainer']) add('Service', o.metadata.namespace, `${o.metadata.name}${suffix}`);
  }
  return (r) =>
    (r.kind === 'ServiceAccount' && r.name === 'default') || (r.kind === 'ConfigMap' && r.name === 'kube-root-ca.crt') || keys.has(`${r.kind}/${r.namespace ?? ''}/${r.name}`);
}

/**
 * The README setup notes for what the objects refer to and neither the
 * platform nor a controller or Kubernetes creates: one note per object
 * (`<Kind> <namespace>/<name>`), naming everything that refers to it.
 *
 * @returns the notes, sorted by topic
 */
export function referenceSetupNotes(objects: readonly KubeObject[]): Array<{ readonly topic: string; readonly text: string }> {
  const exists = produced(objects);
  const byTopic = new Map<string, { ref: ObjectReference; purposes: Set<string> }>();
  for (const r of objectReferences(objects)) {
    if (exists(r)) continue;
    const topic = `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
    const entry = byTopic.get(topic) ?? { ref: r, purposes: new Set<string>() };
    entry.purposes.add(r.purpose);
    byTopic.set(topic, entry);
  }
  return [...byTopic.keys()].sort().map((topic) => {
    const { ref, purposes } = byTopic.get(topic)!;
    const where = ref.namespace ? ` in namespace \`${ref.namespace}\`` : '';
    const setup = ref.kind === 'GatewayClass' ? ` ${GATEWAY_CLASS_SETUP[ref.name] ?? 'Create it with the controller that implements it.'}` : '';
    return { topic, text: `The ${ref.kind} \`${ref.name}\`${where} must exist; nothing in this folder creates it. Referred to by: ${[...purposes].sort().join('; ')}. ${CONSEQUENCE[ref.kind]}${setup}` };
  });
}
