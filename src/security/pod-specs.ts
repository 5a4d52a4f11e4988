import { KObject } from './finding';

/** A container found in an object, with its JSON path. */
export interface FoundContainer {
  readonly path: string;
  readonly container: Record<string, any>;
  /** True for init containers. */
  readonly init: boolean;
}

/** A pod template (or pod-like spec) found in an object, with its JSON path and containers. */
export interface FoundPod {
  readonly path: string;
  readonly pod: Record<string, any>;
  readonly containers: readonly FoundContainer[];
  /** False when the object carries containers but the pod-level fields live elsewhere (ServingRuntime). */
  readonly hasPodLevel: boolean;
  /** Replicas when the object sets them. */
  readonly replicas?: number;
}

const KSERVE_FRAMEWORKS = ['model', 'sklearn', 'tensorflow', 'pytorch', 'xgboost', 'lightgbm', 'onnx', 'pmml', 'triton', 'huggingface', 'paddle'];

function containersOf(pod: Record<string, any>, path: string): FoundContainer[] {
  const out: FoundContainer[] = [];
  (pod.initContainers ?? []).forEach((c: Record<string, any>, i: number) => out.push({ path: `${path}.initContainers[${i}]`, container: c, init: true }));
  (pod.containers ?? []).forEach((c: Record<string, any>, i: number) => out.push({ path: `${path}.containers[${i}]`, container: c, init: false }));
  return out;
}

/** A KServe component (predictor, transformer, explainer): pod fields inline plus containers or a model field. */
function kserveComponent(comp: Record<string, any> | undefined, path: string): FoundPod[] {
  if (!comp) return [];
  const containers = containersOf(comp, path);
  for (const f of KSERVE_FRAMEWORKS) if (comp[f]) containers.push({ path: `${path}.${f}`, container: comp[f], init: false });
  return [{ path, pod: comp, containers, hasPodLevel: true, replicas: comp.minReplicas }];
}

/**
 * Every pod spec of an object: workload templates, KServe components and
 * LLM templates, ServingRuntime containers.
 */
export function podsOf(o: KObject): FoundPod[] {
  const spec = (o as any).spec ?? {};
  switch (o.kind) {
    case 'Pod':
      return [{ path: 'spec', pod: spec, containers: containersOf(spec, 'spec'), hasPodLevel: true }];
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'DaemonSet':
    case 'Job': {
      const pod = spec.template?.spec ?? {};
      return [{ path: 'spec.template.spec', pod, containers: containersOf(pod, 'spec.template.spec'), hasPodLevel: true, replicas: o.kind === 'Job' ? undefined : (spec.replicas ?? 1) }];
    }
    case 'CronJob': {
      const pod = spec.jobTemplate?.spec?.template?.spec ?? {};
      return [{ path: 'spec.jobTemplate.spec.template.spec', pod, containers: containersOf(pod, 'spec.jobTemplate.spec.template.spec'), hasPodLevel: true }];
    }
    case 'InferenceService':
      return [
        ...kserveComponent(spec.predictor, 'spec.predictor'),
        ...kserveComponent(spec.transformer, 'spec.transformer'),
        ...kserveComponent(spec.explainer, 'spec.explainer'),
        ...(spec.canary ?? []).flatMap((c: Record<string, any>, i: number) => kserveComponent(c.predictor, `spec.canary[${i}].predictor`)),
      ];
    case 'ServingRuntime':
    case 'ClusterServingRuntime':
      return [{ path: 'spec', pod: spec, containers: containersOf(spec, 'spec'), hasPodLevel: false }];
    case 'LLMInferenceService': {
      const t = spec.template;
      return t ? [{ path: 'spec.template', pod: t, containers: containersOf(t, 'spec.template'), hasPodLevel: true, replicas: spec.replicas }] : [];
    }
    default:
      return [];
  }
}
