import { IConstruct } from 'constructs';
import { sortRecord } from '../core/sort-keys';
import { KONG_PLUGINS_ANNOTATION } from '../policy/kong/kong-plugin';
import { routeConflicts } from '../routing/route-conflicts';
import { assertNoCredentials } from '../security/credential-scan';
import { assertSecurePlatforms } from '../security/platforms';
import { assertValidPlatforms } from '../validate/app';
import { ValidationCache } from '../validate/result-cache';
import { renderKustomization } from './kustomization';
import { Manifest } from './manifest';
import { renderPlatformReadme } from './platform-readme';
import { PROTECTED_ROUTE_SYNC_WAVE, SYNC_WAVE_ANNOTATION, syncWaveOf } from './sync-waves';
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
  const manifests: Manifest[] = p.manifests.map((m) => {
    const o = m.object;
    // A wave a construct set on purpose (e.g. a PreSync hook's dependencies) wins over the kind's default.
    // A route that names KongPlugins comes after them, like a route an access policy protects: Kong would
    // otherwise serve it for a while without its plugins (CORS, limits, authentication).
    const namesPlugins = (o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute') && o.metadata.annotations?.[KONG_PLUGINS_ANNOTATION] !== undefined;
    const wave = m.protectedRoute || namesPlugins ? PROTECTED_ROUTE_SYNC_WAVE : syncWaveOf(o.kind);
    const annotations: Record<string, string> = { [SYNC_WAVE_ANNOTATION]: String(wave), ...(o.metadata.annotations ?? {}) };
    return { ...m, object: { ...o, metadata: sortRecord({ ...o.metadata, annotations: sortRecord(annotations) }) } };
  });
  return { ...p, manifests };
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
