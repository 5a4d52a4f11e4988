import { describe, expect, it } from 'vitest';
import { EndpointPickerConfig } from '../../src/inference/endpoint-picker-config';

describe('EndpointPickerConfig.withScorer', () => {
  it('adds the scorer plugin and references it with its weight in every profile, leaving the original unchanged', () => {
    const base = EndpointPickerConfig.default();
    const lora = base.withScorer('lora-affinity-scorer', 4).toJson() as any;
    expect(lora.plugins.map((p: { type: string }) => p.type)).toContain('lora-affinity-scorer');
    for (const profile of lora.schedulingProfiles) expect(profile.plugins).toContainEqual({ pluginRef: 'lora-affinity-scorer', weight: 4 });
    expect(base.pluginNames).not.toContain('lora-affinity-scorer');
  });

  it('refuses a scorer already present and a negative weight, as EndpointPickerConfig.of does', () => {
    expect(() => EndpointPickerConfig.default().withScorer('queue-scorer', 1)).toThrow(/plugins\[\d+\]\.name is already used by another plugin/);
    expect(() => EndpointPickerConfig.default().withScorer('lora-affinity-scorer', -1)).toThrow(/weight must be a number >= 0[\s\S]*-1/);
  });
});
