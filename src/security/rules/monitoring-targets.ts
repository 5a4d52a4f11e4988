import { KObject } from '../finding';
import { selects } from '../network-policy-eval';
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
      const pods = ctx.all
        .filter((w) => namespaces.includes(w.metadata.namespace ?? ''))
        .flatMap(podsOf)
        .filter((p) => selects(spec.selector, p.labels));
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
