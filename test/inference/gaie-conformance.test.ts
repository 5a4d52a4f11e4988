/**
 * Rebuilds the InferencePool and endpoint-picker objects of the Gateway API
 * Inference Extension v1.6.0 conformance resources
 * (`../shared/llm-routing-examples/gaie/conformance__resources__base.yaml`)
 * through the typed API, and compares the facts that make a pool work:
 * the pool (selector, target ports, protocol, picker reference, effective
 * failure mode), the picker Service and Deployment (ports, pool flags,
 * gRPC health probes, grace period), its RBAC, and the HTTPRoutes of the
 * conformance tests that name a pool.
 *
 * The model-server Deployments are rebuilt as their labels and container
 * ports (what a pool reads from them); upstream's picker runs GAIE's
 * lightweight `lwepp` image, ours the llm-d router picker, so images and
 * the picker's extra flags (config file, metrics) are not compared.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { k8s } from 'cdk8s-plus-34';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { EndpointPicker } from '../../src/inference/endpoint-picker';
import { FailureMode, InferencePool, InferencePoolAppProtocol } from '../../src/inference/inference-pool';
import { ModelServers } from '../../src/inference/model-servers';
import { Gateway } from '../../src/gateway/gateway';
import { Listener } from '../../src/gateway/listener';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { HttpRoute } from '../../src/routing/http-route';
import { PathMatch } from '../../src/routing/match';
import { formatIssue, validateObjects } from '../../src/validate';
import { findObject, objectsOfKind, setup, synthObjects } from '../util';

const GAIE = path.resolve(__dirname, '../../../shared/llm-routing-examples/gaie');
const APP_NS = 'inference-conformance-app-backend';

type Doc = { kind: string; metadata: { name: string; namespace?: string }; spec?: any; rules?: any[] };
const read = (file: string): Doc[] => parseAllDocuments(fs.readFileSync(path.join(GAIE, file), 'utf8')).map((d) => d.toJSON()).filter((d): d is Doc => d !== null && typeof d === 'object');
const upstream = read('conformance__resources__base.yaml');
const of = (kind: string) => upstream.filter((d) => d.kind === kind);

/** The pool spec with the CRD defaults applied (the apiserver defaults before storing). */
function effective(spec: any): any {
  return {
    selector: spec.selector,
    targetPorts: spec.targetPorts,
    appProtocol: spec.appProtocol ?? 'http',
    endpointPickerRef: { group: '', kind: 'Service', failureMode: 'FailClose', ...spec.endpointPickerRef },
  };
}

function rebuild() {
  const f = setup([APP_NS, 'inference-conformance-infra'], { requireAccessPolicies: false });
  const ns = f.ns[APP_NS];
  const deployments = new Map<string, k8s.KubeDeployment>();
  for (const d of of('Deployment').filter((x) => x.metadata.namespace === APP_NS && !x.metadata.name.includes('endpoint-picker'))) {
    const labels = d.spec.template.metadata.labels;
    deployments.set(
      labels.app,
      new k8s.KubeDeployment(ns, d.metadata.name, {
        metadata: { name: d.metadata.name },
        spec: {
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: d.spec.template.spec.containers.map((c: any) => ({ name: c.name, image: c.image, ports: c.ports })) } },
        },
      }),
    );
  }
  const pools = new Map<string, InferencePool>();
  for (const p of of('InferencePool')) {
    const servers = deployments.get(p.spec.selector.matchLabels.app)!;
    const pool = new InferencePool(ns, p.metadata.name, {
      modelServers: ModelServers.fromDeployment(servers),
      targetPorts: p.spec.targetPorts.map((t: { number: number }) => t.number),
      appProtocol: p.spec.appProtocol as InferencePoolAppProtocol | undefined,
      // Upstream relies on the CRD default (FailClose) where it sets nothing: the library always writes it out.
      failureMode: (p.spec.endpointPickerRef.failureMode ?? FailureMode.FAIL_CLOSE) as FailureMode,
    });
    new EndpointPicker(ns, `${p.metadata.name}-epp`, { pool, name: p.spec.endpointPickerRef.name });
    pools.set(p.metadata.name, pool);
  }
  return { ...f, appNs: ns, pools };
}

describe('GAIE v1.6.0 conformance resources, rebuilt', () => {
  it('has the pools and pickers the file defines (a clear subset: every pool, its picker Service and Deployment, the RBAC)', () => {
    expect(of('InferencePool').map((p) => p.metadata.name)).toEqual(['primary-inference-pool', 'secondary-inference-pool', 'appprotocol-http-inference-pool', 'appprotocol-h2c-inference-pool', 'dp-inference-pool']);
  });

  it('renders each InferencePool with the same effective spec', () => {
    const { app } = rebuild();
    const objects = synthObjects(app);
    for (const p of of('InferencePool')) {
      const ours = findObject(objects, 'InferencePool', p.metadata.name, APP_NS);
      expect(effective(ours.spec), p.metadata.name).toEqual(effective(p.spec));
    }
  });

  it('renders each picker Service on 9002 selecting its picker pods, and each picker Deployment with the same ports, pool flags, probes and grace period', () => {
    const { app } = rebuild();
    const objects = synthObjects(app);
    for (const p of of('InferencePool')) {
      const svcName = p.spec.endpointPickerRef.name;
      const theirSvc = upstream.find((d) => d.kind === 'Service' && d.metadata.name === svcName)!;
      const ourSvc = findObject(objects, 'Service', svcName, APP_NS) as unknown as Doc;
      const extProc = (s: Doc) => s.spec.ports.find((x: { port: number }) => x.port === 9002);
      expect({ port: extProc(ourSvc).port, targetPort: extProc(ourSvc).targetPort, protocol: extProc(ourSvc).protocol }).toEqual({ port: 9002, targetPort: 9002, protocol: 'TCP' });
      expect({ port: extProc(theirSvc).port, targetPort: extProc(theirSvc).targetPort, protocol: extProc(theirSvc).protocol }).toEqual({ port: 9002, targetPort: 9002, protocol: 'TCP' });
      // HTTP/2 in both (upstream conformance writes `http2`, the llm-d charts `kubernetes.io/h2c`).
      expect(['http2', 'kubernetes.io/h2c']).toContain(extProc(ourSvc).appProtocol);

      const theirDep = upstream.find((d) => d.kind === 'Deployment' && d.spec.selector.matchLabels.app === theirSvc.spec.selector.app)!;
      const ourDep = findObject(objects, 'Deployment', svcName, APP_NS);
      expect(ourSvc.spec.selector).toEqual(ourDep.spec.template.metadata.labels);
      const [theirs] = theirDep.spec.template.spec.containers;
      const [ours] = ourDep.spec.template.spec.containers;
      const ports = (c: any) => c.ports.map((x: { containerPort: number }) => x.containerPort).sort();
      expect(ports(ours)).toEqual(ports(theirs));
      const flag = (c: any, name: string) => c.args[c.args.indexOf(name) + 1];
      for (const name of ['--pool-name', '--pool-namespace', '--grpc-port', '--grpc-health-port', '--zap-encoder']) expect(flag(ours, name), `${svcName} ${name}`).toBe(flag(theirs, name));
      expect(ours.livenessProbe.grpc).toEqual(theirs.livenessProbe.grpc);
      expect(ours.readinessProbe.grpc).toEqual(theirs.readinessProbe.grpc);
      expect(ourDep.spec.replicas).toBe(theirDep.spec.replicas);
      expect(ourDep.spec.template.spec.terminationGracePeriodSeconds).toBe(theirDep.spec.template.spec.terminationGracePeriodSeconds);
    }
  });

  it('grants each picker at least the reads upstream grants (pods, inferencepools), with the same verbs', () => {
    const { app } = rebuild();
    const objects = synthObjects(app);
    const [theirRole] = of('Role');
    for (const p of of('InferencePool')) {
      const role = findObject(objects, 'Role', p.spec.endpointPickerRef.name, APP_NS) as unknown as { rules: any[] };
      for (const rule of theirRole.rules!) {
        const ours = role.rules.find((r) => r.apiGroups[0] === rule.apiGroups[0] && r.resources.includes(rule.resources[0]));
        expect(ours, `${rule.apiGroups[0]}/${rule.resources[0]}`).toBeDefined();
        expect([...ours.verbs].sort()).toEqual([...rule.verbs].sort());
      }
      // Upstream binds the namespace's `default` ServiceAccount; the library binds the picker's own.
      const binding = findObject(objects, 'RoleBinding', p.spec.endpointPickerRef.name, APP_NS) as unknown as { subjects: any[] };
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: p.spec.endpointPickerRef.name, namespace: APP_NS }]);
    }
  });

  it('routes the conformance HTTPRoutes to the pools with the same backendRefs', () => {
    const f = rebuild();
    const { app, appNs } = f;
    const gateway = new Gateway(f.ns['inference-conformance-infra'], 'conformance-primary', { gatewayClassName: 'conformance', listeners: [Listener.http({ allowedRoutes: AllowedRoutes.fromNamespaces([f.ns[APP_NS]]) })] });
    const accepted = read('conformance__tests__inferencepool_accepted.yaml').find((d) => d.kind === 'HTTPRoute')!;
    const rule = accepted.spec.rules[0];
    new HttpRoute(appNs, accepted.metadata.name, {
      parents: [gateway.listener('http')],
      rules: [{ matches: [{ path: PathMatch.prefix(rule.matches[0].path.value) }], backends: [f.pools.get(rule.backendRefs[0].name)!] }],
    });
    const objects = synthObjects(app);
    const ours = findObject(objects, 'HTTPRoute', accepted.metadata.name, APP_NS);
    expect(ours.spec.rules[0].backendRefs).toEqual(rule.backendRefs);
    expect(ours.spec.rules[0].matches).toEqual(rule.matches);
  });

  it('validates every rebuilt object against the pinned CRDs (InferencePool v1 CEL rules included)', () => {
    const { app } = rebuild();
    const objects = synthObjects(app);
    expect(objectsOfKind(objects, 'InferencePool')).toHaveLength(5);
    expect(validateObjects(objects.map((object) => ({ object }))).map(formatIssue)).toEqual([]);
    // The upstream pools validate too: the same validator accepts what upstream wrote.
    expect(validateObjects(of('InferencePool').map((object) => ({ object: object as any }))).map(formatIssue)).toEqual([]);
  });

  it('keeps upstream FailOpen where upstream sets it, and writes the CRD default out elsewhere', () => {
    const { pools } = rebuild();
    expect(pools.get('secondary-inference-pool')!.failureMode).toBe(FailureMode.FAIL_OPEN);
    expect(pools.get('primary-inference-pool')!.failureMode).toBe(FailureMode.FAIL_CLOSE);
  });
});
