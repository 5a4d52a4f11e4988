import { KObject } from '../finding';
import { LabelSelector, selects } from '../network-policy-eval';
import { CheckedRule, rule } from '../rule';

const ISVC_LABEL = 'serving.kserve.io/inferenceservice';
/** The port the Istio sidecar declares for its merged metrics (the PodMonitor rewrites the address to 15020). */
const ISTIO_PROM_PORT = 'http-envoy-prom';

interface Port {
  readonly containerPort?: number;
  readonly name?: string;
}

/** The pods a workload object of the platform makes, with their labels and declared container ports. */
function podsOf(o: KObject): Array<{ readonly what: string; readonly labels: Record<string, string>; readonly ports: readonly Port[] }> {
  const spec = (o as any).spec ?? {};
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind)) {
    const t = spec.template ?? {};
    return [{ what: `${o.kind} ${o.metadata.name}`, labels: t.metadata?.labels ?? {}, ports: (t.spec?.containers ?? []).flatMap((c: { ports?: Port[] }) => c.ports ?? []) }];
  }
  if (o.kind === 'InferenceService') {
    // KServe labels the predictor pods with the InferenceService name and `component: predictor`; the model
    // container is `model`, a framework field, or `containers`.
    const p = spec.predictor ?? {};
    const containers: Array<{ ports?: Port[] }> = [...(p.containers ?? []), ...Object.values(p).filter((v): v is { ports?: Port[] } => v !== null && typeof v === 'object' && !Array.isArray(v) && 'ports' in (v as object))];
    return [{ what: `the predictor of InferenceService ${o.metadata.name}`, labels: { [ISVC_LABEL]: o.metadata.name ?? '', component: 'predictor' }, ports: containers.flatMap((c) => c.ports ?? []) }];
  }
  return [];
}

type Pod = ReturnType<typeof podsOf>[number];

/** The pods of one namespace, each with its position among the platform's pods, all and by label (`key=value`). */
interface PodIndex {
  readonly all: ReadonlyArray<readonly [number, Pod]>;
  readonly byLabel: ReadonlyMap<string, ReadonlyArray<readonly [number, Pod]>>;
}

/** The pods of an object set by namespace, found once per set (the rule runs for every PodMonitor). */
const PODS = new WeakMap<readonly KObject[], ReadonlyMap<string, PodIndex>>();

function podIndex(all: readonly KObject[], namespace: string): PodIndex | undefined {
  let byNamespace = PODS.get(all);
  if (byNamespace === undefined) {
    const building = new Map<string, { all: Array<readonly [number, Pod]>; byLabel: Map<string, Array<readonly [number, Pod]>> }>();
    let position = 0;
    for (const w of all) {
      for (const pod of podsOf(w)) {
        const ns = w.metadata.namespace ?? '';
        let entry = building.get(ns);
        if (entry === undefined) building.set(ns, (entry = { all: [], byLabel: new Map() }));
        const item = [position++, pod] as const;
        entry.all.push(item);
        for (const [k, v] of Object.entries(pod.labels)) {
          const key = `${k}\u0000${v}`;
          const list = entry.byLabel.get(key);
          if (list === undefined) entry.byLabel.set(key, [item]);
          else list.push(item);
        }
      }
    }
    byNamespace = building;
    PODS.set(all, byNamespace);
  }
  return byNamespace.get(namespace);
}

/** The pods of the platform in `namespaces` that `selector` selects, in the order of the objects that make them. */
function selectedPods(all: readonly KObject[], namespaces: readonly string[], selector: LabelSelector | undefined): Pod[] {
  const entries = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}\u0000${v}`);
  const found: Array<readonly [number, Pod]> = [];
  for (const ns of new Set(namespaces)) {
    const index = podIndex(all, ns);
    if (index === undefined) continue;
    // A pod the selector selects carries each of its matchLabels entries: only the pods of the entry fewest pods
    // carry need the full check (the first entry may be one every pod has, `component: predictor`).
    const buckets = entries.map((e) => index.byLabel.get(e) ?? []);
    const candidates = buckets.length === 0 ? index.all : buckets.reduce((a, b) => (b.length < a.length ? b : a));
    for (const c of candidates) if (selects(selector, c[1].labels)) found.push(c);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, pod]) => pod);
}

/** Monitoring that finds what it monitors. */
export const MONITORING_TARGET_RULES: readonly CheckedRule[] = [
  rule(
    'SEC-M02',
    'a PodMonitor that selects pods of the platform finds them: their containers declare the port it scrapes',
    "Prometheus Operator: a PodMonitor's portNumber or port keeps only targets of declared container ports, so an undeclared port leaves the monitor without a target and its down alert firing",
    (o, ctx) => {
      if (o.kind !== 'PodMonitor') return;
      const spec = (o as any).spec ?? {};
      const namespaces: readonly string[] = spec.namespaceSelector?.matchNames ?? [o.metadata.namespace ?? ''];
      const pods = selectedPods(ctx.all, namespaces, spec.selector);
      if (pods.length === 0) return; // pods a controller makes from objects the platform does not describe: not known here
      ((spec.podMetricsEndpoints ?? []) as Array<{ portNumber?: number; port?: string }>).forEach((e, i) => {
        if (e.port === ISTIO_PROM_PORT) return; // declared by the injected sidecar
        for (const p of pods) {
          const declared = p.ports.some((port) => (e.portNumber !== undefined && port.containerPort === e.portNumber) || (e.port !== undefined && port.name === e.port));
          if (!declared) {
            ctx.report(
              `spec.podMetricsEndpoints[${i}]`,
              `finds no target in ${p.what}: no container declares port ${e.portNumber ?? e.port}; declare it on the container (InferenceService metrics ports are declared by the model monitoring bundles)`,
            );
          }
        }
      });
    },
  ),
];
