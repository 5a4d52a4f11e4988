import { IConstruct } from 'constructs';
import { sortRecord } from '../core/sort-keys';
import { KONG_PLUGINS_ANNOTATION } from '../policy/kong/kong-plugin';
import { routeConflicts } from '../routing/route-conflicts';
import { assertNoCredentials } from '../security/credential-scan';
import { assertSecurePlatforms } from '../security/platforms';
import { assertValidPlatforms } from '../validate/app';
import { ValidationCache } from '../validate/result-cache';
import { renderKustomization } from './kustomization';
import { KubeObject, Manifest } from './manifest';
import { renderPlatformReadme } from './platform-readme';
import { HEALTH_PATCH_FILE } from './argocd/health-checks';
import { BACKENDS_SYNCED_LATER_ANNOTATION, CERTIFICATES_SYNCED_LATER_ANNOTATION, PROTECTED_ROUTE_SYNC_WAVE, SYNC_WAVE_ANNOTATION, syncWaveOf } from './sync-waves';
import { PlatformOutput, SynthError, synthPlatforms } from './synth';

/** Options of {@link buildPlatforms}. */
export interface BuildOptions {
  /** The output folder as it should appear in error lines (`<outdir>/<platform>/<file>`). @default - `<platform>/<file>` */
  readonly outdir?: string;
  /** Validate every object against the CRDs and core schemas. @default true */
  readonly validate?: boolean;
  /** Run the security rules (objects may waive rules in code, with a reason). The credential scan runs either way. @default true */
  readonly security?: boolean;
  /** Remembers objects already found valid between runs. @default - none */
  readonly validationCache?: ValidationCache;
}

/**
 * Everything `npm run synth` does before writing, for any app: synthesizes
 * the platforms, refuses routes that compete for the same requests
 * ({@link routeConflicts}), stamps each object with its Argo CD sync wave,
 * validates every object as the apiserver would, runs the security rules, adds
 * each folder's `kustomization.yaml` (apply order) and `README.md`
 * (diagram, endpoints, waivers) next to `POLICY.md`, and scans every file
 * for credentials ({@link assertNoCredentials}: always, not waivable).
 *
 * @throws SynthError listing every construct error, route conflict, validation issue, security finding or credential found (its kind, never its text); nothing is written
 */
export function buildPlatforms(app: IConstruct, options: BuildOptions = {}): PlatformOutput[] {
  return preparePlatforms(synthPlatforms(app), options);
}

/**
 * The steps of {@link buildPlatforms} after synthesis, on outputs of
 * {@link synthPlatforms}. For large apps, `preparePlatforms(synthPlatforms(createApp()))`
 * lets the construct tree be garbage-collected before validation and
 * writing, which keeps peak memory down.
 *
 * @throws SynthError listing every route conflict, validation issue, security finding or credential found
 */
export function preparePlatforms(synthesized: readonly PlatformOutput[], options: BuildOptions = {}): PlatformOutput[] {
  const conflicts = synthesized.flatMap((p) => routeConflicts(p.manifests));
  if (conflicts.length > 0) throw new SynthError(conflicts);
  const outputs = synthesized.map(withSyncWaves);
  if (options.validate ?? true) {
    try {
      assertValidPlatforms(outputs, { outdir: options.outdir, cache: options.validationCache });
    } finally {
      options.validationCache?.save();
    }
  }
  if (options.security ?? true) assertSecurePlatforms(outputs, { outdir: options.outdir });
  const delivered = outputs.map(withDeliveryFiles);
  // Always, whatever `security` says: every file that would be written, generated README/POLICY/kustomization included.
  assertNoCredentials(delivered, { outdir: options.outdir });
  return delivered;
}

function withSyncWaves(p: PlatformOutput): PlatformOutput {
  const certificates = certificateSources(p.manifests);
  let waitsForBackends = false;
  let waitsForCertificates = false;
  const manifests: Manifest[] = p.manifests.map((m) => {
    const o = m.object;
    // A wave a construct set on purpose (e.g. a PreSync hook's dependencies) wins over the kind's default.
    // A route that names KongPlugins comes after them, like a route an access policy protects: Kong would
    // otherwise serve it for a while without its plugins (CORS, limits, authentication).
    const namesPlugins = (o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute') && o.metadata.annotations?.[KONG_PLUGINS_ANNOTATION] !== undefined;
    const wave = m.protectedRoute || namesPlugins ? PROTECTED_ROUTE_SYNC_WAVE : syncWaveOf(o.kind);
    const annotations: Record<string, string> = { [SYNC_WAVE_ANNOTATION]: String(wave), ...(o.metadata.annotations ?? {}) };
    const effective = Number(annotations[SYNC_WAVE_ANNOTATION]);
    const laterBackends = (m.backendsFrom ?? []).filter((source) => syncWaveOf(source.slice(0, source.indexOf('/'))) > effective);
    if (laterBackends.length > 0) annotations[BACKENDS_SYNCED_LATER_ANNOTATION] = laterBackends.join(',');
    const laterCertificates = o.kind === 'Gateway' ? listenerCertificateSources(o, certificates).filter((c) => c.wave > effective).map((c) => c.source) : [];
    if (laterCertificates.length > 0) annotations[CERTIFICATES_SYNCED_LATER_ANNOTATION] = laterCertificates.join(',');
    waitsForBackends ||= laterBackends.length > 0;
    waitsForCertificates ||= laterCertificates.length > 0;
    return { ...m, object: { ...o, metadata: sortRecord({ ...o.metadata, annotations: sortRecord(annotations) }) } };
  });
  const setupNotes = waitsForBackends || waitsForCertificates ? [...(p.setupNotes ?? []), argoCdHealthSetupNote(waitsForBackends, waitsForCertificates)] : p.setupNotes;
  return { ...p, manifests, ...(setupNotes ? { setupNotes } : {}) };
}

/**
 * What a platform whose routes or Gateways wait for later waves needs from
 * Argo CD: the library's health checks, before the first sync.
 */
function argoCdHealthSetupNote(backends: boolean, certificates: boolean): { readonly topic: string; readonly text: string } {
  const early = [
    ...(backends ? ['routes are synced before the InferenceServices whose Services they send traffic to (models come last, so that an unready model holds nothing else)'] : []),
    ...(certificates ? ['a Gateway is synced before the Certificate of its listener (an ACME HTTP-01 challenge is answered through the Gateway)'] : []),
  ];
  const kinds = [...(backends ? ['HTTPRoute and GRPCRoute'] : []), ...(certificates ? ['Gateway'] : [])].join(' and ');
  const annotations = [...(backends ? [BACKENDS_SYNCED_LATER_ANNOTATION] : []), ...(certificates ? [CERTIFICATES_SYNCED_LATER_ANNOTATION] : [])].map((a) => `\`${a}\``).join(' and ');
  return {
    topic: 'Argo CD health checks',
    text:
      `Apply the library's health checks to Argo CD before the first sync (\`kubectl -n argocd patch configmap argocd-cm --type merge --patch-file dist/argocd/${HEALTH_PATCH_FILE}\`, or the same keys in the Argo CD Helm chart's \`configs.cm\`). ` +
      `Here ${early.join(', and ')}. Argo CD's own ${kinds} checks call such an object Degraded until what it refers to exists (ResolvedRefs=False), which fails the sync before the later waves are applied. ` +
      `The library's checks let the objects named in the ${annotations} annotation${backends && certificates ? 's' : ''} wait, and judge every other one as Argo CD does.`,
  };
}

/** A Certificate of the platform (`Certificate/<ns>/<name>`) and its sync wave. */
interface CertificateSource {
  readonly source: string;
  readonly wave: number;
}

/** The Secret (`namespace/name`) each Certificate of the platform writes, with the Certificate. */
function certificateSources(manifests: readonly Manifest[]): Map<string, CertificateSource> {
  const bySecret = new Map<string, CertificateSource>();
  for (const { object: o } of manifests) {
    if (o.kind !== 'Certificate' || !o.apiVersion.startsWith('cert-manager.io/')) continue;
    const secretName = (o.spec as { secretName?: unknown } | undefined)?.secretName;
    if (typeof secretName === 'string') {
      const wave = Number(o.metadata.annotations?.[SYNC_WAVE_ANNOTATION] ?? syncWaveOf('Certificate'));
      bySecret.set(`${o.metadata.namespace ?? ''}/${secretName}`, { source: `Certificate/${o.metadata.namespace ?? ''}/${o.metadata.name}`, wave });
    }
  }
  return bySecret;
}

/** The Certificates (of `certificates`) that issue the certificate Secrets of a Gateway's listeners, sorted. */
function listenerCertificateSources(gateway: KubeObject, certificates: ReadonlyMap<string, CertificateSource>): CertificateSource[] {
  const listeners = ((gateway.spec as { listeners?: unknown } | undefined)?.listeners ?? []) as Array<{ tls?: { certificateRefs?: Array<{ name?: string; namespace?: string; kind?: string; group?: string }> } }>;
  const sources = new Map<string, CertificateSource>();
  for (const l of listeners) {
    for (const ref of l.tls?.certificateRefs ?? []) {
      if ((ref.kind ?? 'Secret') !== 'Secret' || (ref.group ?? '') !== '') continue;
      const c = certificates.get(`${ref.namespace ?? gateway.metadata.namespace ?? ''}/${ref.name}`);
      if (c !== undefined) sources.set(c.source, c);
    }
  }
  return [...sources.values()].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}

function withDeliveryFiles(p: PlatformOutput): PlatformOutput {
  const waivers = p.manifests.flatMap((m) =>
    m.waivers.map((w) => ({ object: `${m.object.kind}/${m.object.metadata.namespace ? `${m.object.metadata.namespace}/` : ''}${m.object.metadata.name}`, ruleId: w.ruleId, reason: w.reason })),
  );
  return {
    ...p,
    files: {
      ...p.files,
      'kustomization.yaml': renderKustomization(p.manifests.map((m) => ({ file: m.file, wave: Number(m.object.metadata.annotations?.[SYNC_WAVE_ANNOTATION] ?? syncWaveOf(m.object.kind)) }))),
      'README.md': renderPlatformReadme({ name: p.name, description: p.description, objects: p.manifests, waivers, setupNotes: p.setupNotes }),
    },
  };
}
