/**
 * Wide input in linear time: many platform labels. The classes cdk8s
 * generates for built-in kinds copy the label map once per label when
 * serializing (10 000 labels took 38 s; 100 000 never finished).
 */
import { ApiObject } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Namespace } from '../../src/core/namespace';
import { Platform } from '../../src/core/platform';
import { objectJson } from '../../src/delivery/manifest';
import { Testing } from 'cdk8s';
import { synthObjects } from '../util';

function platformWith(labels: Record<string, string>, annotations: Record<string, string> = {}) {
  const app = Testing.app();
  const platform = new Platform(app, 'wide', { labels, requireAccessPolicies: false });
  const ns = new Namespace(platform, 'models');
  for (const o of ns.node.findAll()) if (o instanceof ApiObject) for (const [k, v] of Object.entries(annotations)) o.metadata.addAnnotation(k, v);
  return { app, platform };
}

describe('platform labels in linear time', () => {
  it('serializes each object exactly as its own toJson() does, key order included', () => {
    const { platform } = platformWith({ 'team.example.com/b': '2', 'team.example.com/a': '1' }, { 'note.example.com/z': 'z', 'note.example.com/y': 'y' });
    const objects = platform.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    expect(objects.length).toBeGreaterThan(1);
    for (const o of objects) expect(JSON.stringify(objectJson(o))).toBe(JSON.stringify(o.toJson()));
    // The base toJson is restored.
    expect(Object.getOwnPropertyDescriptor(ApiObject.prototype, 'toJson')?.value).toBe(ApiObject.prototype.toJson);
  });

  it('synthesizes a platform with 100 000 labels, every object carrying them all', { timeout: 60_000 }, () => {
    const labels: Record<string, string> = {};
    for (let i = 0; i < 100_000; i++) labels[`example.com/l${i}`] = `v${i}`;
    const objects = synthObjects(platformWith(labels).app);
    expect(objects.length).toBeGreaterThan(1);
    for (const o of objects) {
      expect(Object.keys(o.metadata.labels ?? {}).length).toBeGreaterThanOrEqual(100_002);
      expect(o.metadata.labels?.['example.com/l99999']).toBe('v99999');
      expect(o.metadata.labels?.['app.kubernetes.io/part-of']).toBe('wide');
    }
  });
});
