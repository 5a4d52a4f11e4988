import { App, Testing } from 'cdk8s';
import { Namespace } from '../src/core/namespace';
import { Platform } from '../src/core/platform';
import { KubeObject } from '../src/delivery/manifest';
import { synthPlatforms } from '../src/delivery/synth';

/**
 * A fresh app with one platform and namespaces, for construct tests. Tests
 * that are not about access control pass `requireAccessPolicies: false`.
 */
export function setup(namespaces: readonly string[] = ['models'], options: { readonly requireAccessPolicies?: boolean } = {}): { app: App; platform: Platform; ns: Record<string, Namespace> } {
  const app = Testing.app();
  const platform = new Platform(app, 'test', { requireAccessPolicies: options.requireAccessPolicies });
  const ns: Record<string, Namespace> = {};
  for (const n of namespaces) ns[n] = new Namespace(platform, n);
  return { app, platform, ns };
}

/** Every object the app synthesizes (construct validations run first). */
export function synthObjects(app: App): KubeObject[] {
  return synthPlatforms(app).flatMap((p) => p.manifests.map((m) => m.object));
}

/** The one object of `kind` named `name` (optionally in `namespace`); throws when there is not exactly one. */
export function findObject(objects: readonly KubeObject[], kind: string, name: string, namespace?: string): KubeObject & { spec?: any } {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}${namespace ? ` in ${namespace}` : ''}, found ${found.length}`);
  return found[0] as KubeObject & { spec?: any };
}

/** Every object of `kind`. */
export function objectsOfKind(objects: readonly KubeObject[], kind: string): Array<KubeObject & { spec?: any }> {
  return objects.filter((o) => o.kind === kind) as Array<KubeObject & { spec?: any }>;
}
