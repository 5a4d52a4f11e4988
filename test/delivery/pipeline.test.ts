import { JsonPatch, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Namespace } from '../../src/core/namespace';
import { Platform } from '../../src/core/platform';
import { SecretRef } from '../../src/core/secret-ref';
import { WorkloadSecurity } from '../../src/core/security';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { SYNC_WAVE_ANNOTATION } from '../../src/delivery/sync-waves';
import { SynthError } from '../../src/delivery/synth';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { KServeModelMonitoring } from '../../src/observability/kserve-model-monitoring';
import { HttpRoute } from '../../src/routing/http-route';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { ModelFormat } from '../../src/serving/model-format';

function teamPlatform(options: { readonly relaxed?: boolean; readonly privileged?: boolean; readonly explicitWave?: string } = {}) {
  const app = Testing.app();
  const platform = new Platform(app, 'team', { description: 'A team platform.' });
  const edge = new Namespace(platform, 'edge');
  const ns = new Namespace(platform, 'models');
  const gateway = new Gateway(edge, 'gateway', {
    provider: GatewayProvider.KGATEWAY,
    listeners: [Listener.https({ certificates: [SecretRef.named('tls')], allowedRoutes: AllowedRoutes.fromNamespaces([ns]) })],
  });
  const model = new InferenceService(ns, 'iris', {
    predictor: Predictor.model({
      format: ModelFormat.SKLEARN,
      storage: Storage.uri('gs://models/iris'),
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    }),
    security: options.relaxed ? WorkloadSecurity.relaxed({ writableRootFilesystem: true, reason: 'the runtime unpacks the model next to its binary' }) : undefined,
  });
  if (options.privileged) model.resource.addJsonPatch(JsonPatch.add('/spec/predictor/model/securityContext/allowPrivilegeEscalation', true));
  if (options.explicitWave) model.resource.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, options.explicitWave);
  new HttpRoute(ns, 'iris-route', { name: 'iris', parents: [gateway.listener('https')], rules: [{ matches: model.routeMatches(), backends: [model] }] }).allowPublicAccess('test platform');
  new KServeModelMonitoring(ns, 'iris-monitoring', { model });
  return app;
}

const objectOf = (outputs: ReturnType<typeof buildPlatforms>, file: string) => outputs[0].manifests.find((m) => m.file === file)!.object;

describe('buildPlatforms', () => {
  it('stamps each object with the sync wave of its kind, and keeps a wave a construct set on purpose', () => {
    const waves = (o: ReturnType<typeof buildPlatforms>) => Object.fromEntries(o[0].manifests.map((m) => [m.object.kind, m.object.metadata.annotations?.[SYNC_WAVE_ANNOTATION]]));
    expect(waves(buildPlatforms(teamPlatform()))).toMatchObject({ Namespace: '-10', NetworkPolicy: '-5', Gateway: '0', InferenceService: '9', HTTPRoute: '4', PrometheusRule: '8' });
    const explicit = buildPlatforms(teamPlatform({ explicitWave: '7' }));
    expect(objectOf(explicit, 'inferenceservice.models.iris.yaml').metadata.annotations?.[SYNC_WAVE_ANNOTATION]).toBe('7');
    const kustomization = explicit[0].files['kustomization.yaml'];
    // listed by wave: the model (7) after the route (4)
    expect(kustomization.indexOf('inferenceservice.models.iris.yaml')).toBeGreaterThan(kustomization.indexOf('httproute.models.iris.yaml'));
  });

  it('writes a README with the diagram (gateway → route → model, pod monitors attached), the endpoints and "no waivers"', () => {
    const readme = buildPlatforms(teamPlatform())[0].files['README.md'];
    expect(readme).toMatch(/^# Platform `team`\n\nA team platform\./);
    expect(readme).toContain('Gateway_edge_gateway -->|https| HTTPRoute_models_iris');
    expect(readme).toContain('HTTPRoute_models_iris --> InferenceService_models_iris');
    expect(readme).toMatch(/PodMonitor_models_iris_predictor -\.-> InferenceService_models_iris/);
    // The model's alert and SLO rules are grouped per model kind (one PrometheusRule selects many models): counted in
    // the objects table, not drawn as the model's.
    expect(readme).not.toMatch(/PrometheusRule_\w+ -\.-> InferenceService_models_iris/);
    expect(readme).toMatch(/\| PrometheusRule \| [1-9]\d* \|/);
    expect(readme).toContain('| HTTPRoute models/iris | gateway/https | * | Exact `/v1/models/iris`, Exact `/v1/models/iris:predict` | iris-predictor:80 |');
    expect(readme).toContain('None: every object passes every security rule.');
  });

  it('lists each waiver in the README with its object, rule and reason', () => {
    const readme = buildPlatforms(teamPlatform({ relaxed: true }))[0].files['README.md'];
    expect(readme).toContain('| InferenceService/models/iris | SEC-W06 | the runtime unpacks the model next to its binary |');
  });

  it('fails on a security finding nobody waived, naming the file, object, rule and path', () => {
    let error: unknown;
    try {
      buildPlatforms(teamPlatform({ privileged: true }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SynthError);
    expect((error as Error).message).toContain('team/inferenceservice.models.iris.yaml: InferenceService/iris (team/models/iris): spec.predictor.model.securityContext.allowPrivilegeEscalation: [SEC-W01] must be false');
  });

  it('skips validation and security rules only when asked', () => {
    const finding = /team\/inferenceservice\.models\.iris\.yaml: InferenceService\/iris \(team\/models\/iris\): spec\.predictor\.model\.securityContext\.allowPrivilegeEscalation: \[SEC-W01\] must be false/;
    // The rule's reason and how to waive it with a reason come with the finding.
    expect(() => buildPlatforms(teamPlatform({ privileged: true }))).toThrow(/\[SEC-W01\] must be false[^\n]*\. Rule: [^\n]+\(Pod Security Standards[^\n]*\)\. If the object cannot comply, waive it in code with the reason: SecurityWaivers\.waive\(<its construct>, 'SEC-W01', '<why>'\)/);
    expect(() => buildPlatforms(teamPlatform({ privileged: true }))).toThrow(SynthError);
    expect(() => buildPlatforms(teamPlatform({ privileged: true }))).toThrow(finding);
    // Skipping validation alone still runs the security rules.
    expect(() => buildPlatforms(teamPlatform({ privileged: true }), { validate: false })).toThrow(finding);
    for (const options of [{ security: false }, { validate: false, security: false }]) {
      const outputs = buildPlatforms(teamPlatform({ privileged: true }), options);
      const isvc = objectOf(outputs, 'inferenceservice.models.iris.yaml') as any;
      expect(isvc.spec.predictor.model.securityContext.allowPrivilegeEscalation, JSON.stringify(options)).toBe(true);
    }
  });
});
