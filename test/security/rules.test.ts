import { describe, expect, it } from 'vitest';
import { checkSecurity, SECURITY_RULES } from '../../src/security/check';
import { KObject } from '../../src/security/finding';

const restrictedContainer = {
  name: 'app',
  image: 'registry.example.com/app:1.0.0',
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, readOnlyRootFilesystem: true, seccompProfile: { type: 'RuntimeDefault' } },
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  readinessProbe: { tcpSocket: { port: 8080 } },
  livenessProbe: { tcpSocket: { port: 8080 } },
};

function deployment(patch: (d: any) => void = () => {}): KObject {
  const d: any = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app', namespace: 'team' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'app' } },
      template: { metadata: { labels: { app: 'app' } }, spec: { serviceAccountName: 'app', automountServiceAccountToken: false, containers: [structuredClone(restrictedContainer)] } },
    },
  };
  patch(d);
  return d;
}

const ids = (objects: KObject[]) => checkSecurity(objects.map((object) => ({ object }))).map((f) => `${f.ruleId} ${f.path}`);

describe('security rules', () => {
  it('every rule has an id, a title and a rationale with its source', () => {
    expect(SECURITY_RULES.length).toBeGreaterThanOrEqual(20);
    for (const r of SECURITY_RULES) {
      expect(r.id).toMatch(/^SEC-[WNSGRM]\d{2}$/);
      expect(r.title.length).toBeGreaterThan(10);
      expect(r.rationale).toMatch(/Pod Security Standards|kube-linter|NSA\/CISA|Gateway API|OWASP|cert-manager|Prometheus|DESIGN|Kubernetes/);
    }
    expect(new Set(SECURITY_RULES.map((r) => r.id)).size).toBe(SECURITY_RULES.length);
  });

  it('a hardened Deployment passes', () => {
    expect(ids([deployment()])).toEqual([]);
  });

  it.each<[string, (d: any) => void, string]>([
    ['privilege escalation', (d) => (d.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true), 'SEC-W01 spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation'],
    ['root', (d) => delete d.spec.template.spec.containers[0].securityContext.runAsNonRoot, 'SEC-W02 spec.template.spec.containers[0].securityContext.runAsNonRoot'],
    ['no seccomp', (d) => delete d.spec.template.spec.containers[0].securityContext.seccompProfile, 'SEC-W03 spec.template.spec.containers[0].securityContext.seccompProfile.type'],
    ['capabilities kept', (d) => (d.spec.template.spec.containers[0].securityContext.capabilities = { add: ['NET_ADMIN'] }), 'SEC-W04 spec.template.spec.containers[0].securityContext.capabilities.drop'],
    ['host network', (d) => (d.spec.template.spec.hostNetwork = true), 'SEC-W05 spec.template.spec.hostNetwork'],
    ['hostPath', (d) => (d.spec.template.spec.volumes = [{ name: 'h', hostPath: { path: '/' } }]), 'SEC-W05 spec.template.spec.volumes[0].hostPath'],
    ['writable root', (d) => (d.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false), 'SEC-W06 spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem'],
    ['no limits', (d) => delete d.spec.template.spec.containers[0].resources.limits, 'SEC-W07 spec.template.spec.containers[0].resources.limits.cpu'],
    ['no readiness probe', (d) => delete d.spec.template.spec.containers[0].readinessProbe, 'SEC-W08 spec.template.spec.containers[0].readinessProbe'],
    ['latest image', (d) => (d.spec.template.spec.containers[0].image = 'nginx:latest'), 'SEC-W09 spec.template.spec.containers[0].image'],
    ['default service account', (d) => (d.spec.template.spec.serviceAccountName = 'default'), 'SEC-W10 spec.template.spec.serviceAccountName'],
    ['token mounted', (d) => delete d.spec.template.spec.automountServiceAccountToken, 'SEC-W10 spec.template.spec.automountServiceAccountToken'],
    ['replicas without PDB', (d) => (d.spec.replicas = 3), 'SEC-W11 spec.replicas'],
    ['selector mismatch', (d) => (d.spec.selector.matchLabels.app = 'other'), 'SEC-W12 spec.selector.matchLabels.app'],
    ['literal credential in env', (d) => (d.spec.template.spec.containers[0].env = [{ name: 'DB_PASSWORD', value: 'hunter2' }]), 'SEC-S02 spec.template.spec.containers[0].env[0]'],
    ['default namespace', (d) => (d.metadata.namespace = 'default'), 'SEC-N03 metadata.namespace'],
  ])('flags %s', (_what, patch, expected) => {
    expect(ids([deployment(patch)])).toContain(expected);
  });

  it('flags namespaces without default-deny or restricted Pod Security, Secrets with data, NodePort model Services', () => {
    const ns: KObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'open' } };
    const secret: KObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'open' }, data: { key: 'c2VjcmV0' } } as KObject;
    const svc: KObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'm', namespace: 'open' }, spec: { type: 'NodePort', selector: { 'serving.kserve.io/inferenceservice': 'm' } } } as KObject;
    expect(ids([ns, secret, svc])).toEqual(['SEC-N01 metadata.name', 'SEC-N02 spec.type', 'SEC-S01 data', "SEC-W13 metadata.labels['pod-security.kubernetes.io/enforce']"]);
  });

  it('flags NetworkPolicy rules whose from/to is empty or missing (allow-all), not default-deny or rules with peers', () => {
    const np = (name: string, spec: Record<string, unknown>): KObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'team' }, spec: { podSelector: {}, ...spec } }) as KObject;
    const peer = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } } };
    const ns: KObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } };
    const objects = [
      ns,
      np('default-deny', { policyTypes: ['Ingress', 'Egress'] }),
      np('deny-ingress', { policyTypes: ['Ingress'], ingress: [] }),
      np('allow-edge', { policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [peer], ports: [{ port: 8080 }] }], egress: [{ to: [peer] }] }),
      np('open-in', { policyTypes: ['Ingress'], ingress: [{ from: [], ports: [{ port: 8080 }] }] }),
      np('open-out', { policyTypes: ['Egress'], egress: [{ to: [peer] }, { to: [] }] }),
      np('open-missing', { policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 8080 }] }] }),
    ];
    const findings = checkSecurity(objects.map((object) => ({ object })));
    expect(findings.map((f) => `${f.ruleId} ${f.name} ${f.path}`).sort()).toEqual(['SEC-N04 open-in spec.ingress[0].from', 'SEC-N04 open-missing spec.ingress[0].from', 'SEC-N04 open-out spec.egress[1].to']);
    expect(findings.find((f) => f.name === 'open-in')?.message).toMatch(/is empty, which Kubernetes reads as allow-all/);
    expect(findings.find((f) => f.name === 'open-missing')?.message).toMatch(/is missing, which Kubernetes reads as allow-all/);
  });

  it('SEC-S03 names the kind of credential found, never any part of it', () => {
    const cm = (value: string): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'team' }, data: { value } }) as KObject;
    const cases: Array<[string, string]> = [
      ['-----BEGIN RSA PRIVATE KEY-----\nMIIE...', 'a private key'],
      ['AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
      ['hf_' + 'a1B2'.repeat(9), 'a Hugging Face token'],
      ['sk-' + 'Zx9'.repeat(10), 'an OpenAI-style key'],
      ['ghp_' + 'Q'.repeat(36), 'a GitHub token'],
    ];
    for (const [secret, kind] of cases) {
      const found = checkSecurity([{ object: cm(`prefix ${secret} suffix`) }]).filter((f) => f.ruleId === 'SEC-S03');
      expect(found.map((f) => f.message)).toEqual([`contains what looks like ${kind}; reference it from a Secret instead`]);
      expect(found[0].message).not.toContain(secret.slice(0, 6));
    }
  });

  it('flags gateway problems: HTTPS without certificate, All namespaces, backends on plain HTTP, cross-namespace refs without a grant', () => {
    const gw: KObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'edge' },
      spec: {
        gatewayClassName: 'x',
        listeners: [
          { name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'All' } } },
          { name: 'https', protocol: 'HTTPS', port: 443, tls: {} },
        ],
      },
    } as KObject;
    const route: KObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r', namespace: 'edge' },
      spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'svc', namespace: 'models', port: 80 }] }] },
    } as KObject;
    expect(ids([gw, route])).toEqual([
      'SEC-G01 spec.listeners[1].tls.certificateRefs',
      'SEC-G02 spec.listeners[0]',
      'SEC-G03 spec.listeners[0].allowedRoutes.namespaces.from',
      'SEC-G04 spec.rules[0].backendRefs[0]',
    ]);
  });

  it('flags RBAC wildcards, escalation verbs, cluster scope, exec and Secret writes', () => {
    const role: KObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'r' },
      rules: [
        { apiGroups: ['*'], resources: ['pods/exec'], verbs: ['create'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['update', 'bind'] },
      ],
    } as KObject;
    expect(ids([role])).toEqual(['SEC-R01 rules[0].apiGroups', 'SEC-R02 rules[1].verbs', 'SEC-R03 kind', 'SEC-R04 rules[0].resources', 'SEC-R04 rules[1].verbs']);
  });

  it('flags alerts without for, severity or annotations', () => {
    const rule: KObject = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'r', namespace: 'm' },
      spec: { groups: [{ name: 'g', rules: [{ alert: 'X', expr: 'up == 0', labels: { severity: 'page' } }] }] },
    } as KObject;
    expect(ids([rule])).toEqual([
      'SEC-M01 spec.groups[0].rules[0].annotations.description',
      'SEC-M01 spec.groups[0].rules[0].annotations.runbook_url',
      'SEC-M01 spec.groups[0].rules[0].annotations.summary',
      'SEC-M01 spec.groups[0].rules[0].for',
      'SEC-M01 spec.groups[0].rules[0].labels.severity',
    ]);
  });

  it('a waiver skips exactly the waived rule for that object', () => {
    const d = deployment((x) => (x.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false));
    const findings = checkSecurity([{ object: d, waivers: [{ ruleId: 'SEC-W06', reason: 'the server writes its cache under /opt' }] }]);
    expect(findings).toEqual([]);
  });
});
