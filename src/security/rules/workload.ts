import { assertPinnedImage } from '../../core/image';
import { KObject } from '../finding';
import { FoundPod, podsOf } from '../pod-specs';
import { CheckedRule, rule } from '../rule';

const pinned = (image: string): boolean => {
  try {
    assertPinnedImage('-', 'image', image);
    return true;
  } catch {
    return false;
  }
};

function eachContainer(o: KObject, f: (pod: FoundPod, c: { path: string; container: Record<string, any>; init: boolean }) => void): void {
  for (const pod of podsOf(o)) for (const c of pod.containers) f(pod, c);
}

/** Effective container security: the container's, falling back to the pod's where Kubernetes does. */
function effective(pod: FoundPod, c: Record<string, any>, field: 'runAsNonRoot' | 'seccompProfile'): unknown {
  return c.securityContext?.[field] ?? pod.pod.securityContext?.[field];
}

/** Workload hardening: Pod Security Standards (restricted) and kube-linter checks. */
export const WORKLOAD_RULES: readonly CheckedRule[] = [
  rule('SEC-W01', 'containers set allowPrivilegeEscalation: false', 'Pod Security Standards, restricted profile (allowPrivilegeEscalation)', (o, ctx) =>
    eachContainer(o, (_p, c) => {
      if (c.container.securityContext?.allowPrivilegeEscalation !== false) ctx.report(`${c.path}.securityContext.allowPrivilegeEscalation`, 'must be false');
    }),
  ),
  rule('SEC-W02', 'containers run as non-root', 'Pod Security Standards, restricted profile (runAsNonRoot)', (o, ctx) =>
    eachContainer(o, (p, c) => {
      if (effective(p, c.container, 'runAsNonRoot') !== true && p.hasPodLevel) ctx.report(`${c.path}.securityContext.runAsNonRoot`, 'must be true (on the container or the pod)');
      if (!p.hasPodLevel && c.container.securityContext?.runAsNonRoot !== true) ctx.report(`${c.path}.securityContext.runAsNonRoot`, 'must be true');
    }),
  ),
  rule('SEC-W03', 'containers use the RuntimeDefault (or Localhost) seccomp profile', 'Pod Security Standards, restricted profile (seccompProfile)', (o, ctx) =>
    eachContainer(o, (p, c) => {
      const prof = (effective(p, c.container, 'seccompProfile') as { type?: string } | undefined)?.type;
      if (prof !== 'RuntimeDefault' && prof !== 'Localhost') ctx.report(`${c.path}.securityContext.seccompProfile.type`, 'must be RuntimeDefault or Localhost');
    }),
  ),
  rule('SEC-W04', 'containers drop ALL capabilities and add none but NET_BIND_SERVICE', 'Pod Security Standards, restricted profile (capabilities)', (o, ctx) =>
    eachContainer(o, (_p, c) => {
      const caps = c.container.securityContext?.capabilities;
      if (!(caps?.drop ?? []).includes('ALL')) ctx.report(`${c.path}.securityContext.capabilities.drop`, 'must contain ALL');
      for (const a of caps?.add ?? []) if (a !== 'NET_BIND_SERVICE') ctx.report(`${c.path}.securityContext.capabilities.add`, `must not add ${a}`);
    }),
  ),
  rule('SEC-W05', 'no privileged containers, host namespaces, hostPath volumes or host ports', 'Pod Security Standards, baseline profile (HostProcess, host namespaces, hostPath, hostPorts, privileged)', (o, ctx) => {
    for (const p of podsOf(o)) {
      for (const f of ['hostNetwork', 'hostPID', 'hostIPC', 'hostUsers'] as const) {
        if (f === 'hostUsers' ? p.pod[f] === true : p.pod[f] === true) ctx.report(`${p.path}.${f}`, 'must not be true');
      }
      (p.pod.volumes ?? []).forEach((v: Record<string, any>, i: number) => v.hostPath && ctx.report(`${p.path}.volumes[${i}].hostPath`, 'must not mount host paths'));
      for (const c of p.containers) {
        if (c.container.securityContext?.privileged === true) ctx.report(`${c.path}.securityContext.privileged`, 'must not be true');
        (c.container.ports ?? []).forEach((port: Record<string, any>, i: number) => port.hostPort && ctx.report(`${c.path}.ports[${i}].hostPort`, 'must not be set'));
      }
    }
  }),
  rule('SEC-W06', 'containers have a read-only root filesystem', 'kube-linter no-read-only-root-fs; NSA/CISA Kubernetes Hardening Guide (immutable containers)', (o, ctx) =>
    eachContainer(o, (_p, c) => {
      if (c.container.securityContext?.readOnlyRootFilesystem !== true) ctx.report(`${c.path}.securityContext.readOnlyRootFilesystem`, 'must be true (mount an emptyDir for writable paths)');
    }),
  ),
  rule('SEC-W07', 'containers set CPU and memory requests and limits', 'kube-linter unset-cpu-requirements / unset-memory-requirements; NSA/CISA (resource policies)', (o, ctx) =>
    eachContainer(o, (_p, c) => {
      if (c.init) return;
      // A model served by a named runtime runs in the runtime's container merged with its own (KServe v0.20
      // MergeRuntimeContainers, a strategic merge: the model's resources override the runtime's key by key), so
      // what the model leaves out comes from the runtime, whose container this rule checks.
      if (o.kind === 'InferenceService' && c.path.endsWith('.model') && c.container.runtime) return;
      const r = c.container.resources ?? {};
      for (const part of ['requests', 'limits'] as const) {
        for (const res of ['cpu', 'memory']) if (r[part]?.[res] === undefined) ctx.report(`${c.path}.resources.${part}.${res}`, 'must be set');
      }
    }),
  ),
  rule('SEC-W08', 'long-running containers have readiness and liveness probes', 'kube-linter no-readiness-probe / no-liveness-probe', (o, ctx) =>
    eachContainer(o, (_p, c) => {
      if (c.init || o.kind === 'Job' || o.kind === 'CronJob') return;
      // A model served by a named runtime inherits the runtime's probes (checked on the runtime);
      // an LLMInferenceService inherits them from its LLMInferenceServiceConfig.
      if (o.kind === 'InferenceService' && c.path.endsWith('.model') && c.container.runtime) return;
      if (o.kind === 'LLMInferenceService') return;
      if (!c.container.readinessProbe) ctx.report(`${c.path}.readinessProbe`, 'must be set');
      if (!c.container.livenessProbe) ctx.report(`${c.path}.livenessProbe`, 'must be set');
    }),
  ),
  rule('SEC-W09', 'images are pinned to a tag other than latest, or a digest', 'kube-linter latest-tag; reproducible rollouts', (o, ctx) =>
    eachContainer(o, (_p, c) => {
      const image = c.container.image;
      if (image !== undefined && !pinned(image)) ctx.report(`${c.path}.image`, `'${image}' is not pinned`);
    }),
  ),
  rule('SEC-W10', 'workloads run as a dedicated ServiceAccount without an automounted API token', 'kube-linter default-service-account; NSA/CISA (least privilege)', (o, ctx) => {
    for (const p of podsOf(o)) {
      if (!p.hasPodLevel) continue;
      if (p.pod.serviceAccountName === 'default' || p.pod.serviceAccount === 'default') ctx.report(`${p.path}.serviceAccountName`, "must not be 'default'");
      if (p.pod.automountServiceAccountToken !== false) ctx.report(`${p.path}.automountServiceAccountToken`, 'must be false (opt in where the workload calls the API server)');
      if (!p.pod.serviceAccountName && (o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'CronJob' || o.kind === 'Job' || o.kind === 'DaemonSet')) {
        ctx.report(`${p.path}.serviceAccountName`, 'must name a dedicated ServiceAccount');
      }
    }
  }),
  rule('SEC-W11', 'Deployments with more than one replica have a PodDisruptionBudget and a spread constraint', 'kube-linter no-anti-affinity; availability during node drains', (o, ctx) => {
    if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') return;
    const [p] = podsOf(o);
    const hpa = ctx.all.find((x) => x.kind === 'HorizontalPodAutoscaler' && x.metadata.namespace === o.metadata.namespace && (x as any).spec?.scaleTargetRef?.name === o.metadata.name);
    const replicas = Math.max(p.replicas ?? 1, (hpa as any)?.spec?.minReplicas ?? 0);
    if (replicas <= 1) return;
    const labels = (o as any).spec?.selector?.matchLabels ?? {};
    const pdb = ctx.all.some(
      (x) =>
        x.kind === 'PodDisruptionBudget' &&
        x.metadata.namespace === o.metadata.namespace &&
        Object.entries((x as any).spec?.selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v),
    );
    if (!pdb) ctx.report('spec.replicas', `${replicas} replicas need a PodDisruptionBudget selecting them`);
    if (!(p.pod.topologySpreadConstraints ?? []).length && !p.pod.affinity?.podAntiAffinity) ctx.report(`${p.path}.topologySpreadConstraints`, `${replicas} replicas need a topology spread constraint or pod anti-affinity`);
  }),
  rule('SEC-W12', 'Deployment and Service selectors match the pod labels', 'Kubernetes: a selector that matches no pod leaves the workload unreachable', (o, ctx) => {
    if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet' && o.kind !== 'DaemonSet') return;
    const sel = (o as any).spec?.selector?.matchLabels ?? {};
    const labels = (o as any).spec?.template?.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(sel)) if (labels[k] !== v) ctx.report(`spec.selector.matchLabels.${k}`, `does not match the pod template label (${labels[k] ?? 'missing'})`);
  }),
  rule('SEC-W13', 'Namespaces enforce the restricted Pod Security level', 'Pod Security Standards, restricted profile: with the enforce label, Pod Security admission refuses pods that do not meet it', (o, ctx) => {
    if (o.kind !== 'Namespace') return;
    const labels = o.metadata.labels ?? {};
    if (labels['pod-security.kubernetes.io/enforce'] !== 'restricted') ctx.report("metadata.labels['pod-security.kubernetes.io/enforce']", `is '${labels['pod-security.kubernetes.io/enforce'] ?? 'unset'}', not 'restricted'`);
  }),
];
