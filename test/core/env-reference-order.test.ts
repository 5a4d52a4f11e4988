/**
 * `env[]` is sorted by name, but a variable whose value refers to another
 * as `$(NAME)` comes after it: Kubernetes expands only references to
 * variables defined earlier in the list (KServe's prefix-cache config sets
 * `KV_EVENTS_CONFIG` from `$(POD_IP)`, which sorts after it).
 */
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { EnvValue, renderEnv } from '../../src/core/env';

describe('renderEnv orders referenced variables first', () => {
  const scope = Testing.chart();
  it('sorted by name, each after the variables it refers to', () => {
    const env = renderEnv(scope, 'env', { KV_EVENTS_CONFIG: '{"topic": "kv@$(POD_IP)@$(MODEL)"}', POD_IP: EnvValue.fromField('status.podIP'), MODEL: 'qwen', A: 'a' })!;
    expect(env.map((e) => e.name)).toEqual(['A', 'MODEL', 'POD_IP', 'KV_EVENTS_CONFIG']);
  });
  it('without references, or with references to variables outside the list, the sorted order; a cycle is cut where it is reached', () => {
    expect(renderEnv(scope, 'env', { B: '$(HOME)/x', A: 'a' })!.map((e) => e.name)).toEqual(['A', 'B']);
    expect(renderEnv(scope, 'env', { B: '$(A)', A: '$(B)' })!.map((e) => e.name)).toEqual(['B', 'A']);
    expect(renderEnv(scope, 'env', { Z: '1', Y: '2' })!.map((e) => e.name)).toEqual(['Y', 'Z']);
  });
});
