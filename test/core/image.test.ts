import { describe, expect, it } from 'vitest';
import { assertPinnedImage, imageTag } from '../../src/core/image';

describe('image pinning', () => {
  it.each([
    'vllm/vllm-openai:v0.11.0',
    'registry.example.com:5000/team/server:1.2.3',
    `ghcr.io/org/x@sha256:${'a'.repeat(64)}`,
    `ghcr.io/org/x:1.0@sha256:${'b'.repeat(64)}`,
  ])('accepts %s', (image) => expect(assertPinnedImage('x', 'image', image)).toBe(image));

  it.each([
    ['vllm/vllm-openai', /has no tag/],
    ['registry.example.com:5000/team/server', /has no tag/],
    ['vllm/vllm-openai:latest', /':latest' tag/],
    ['Vllm/Upper:1.0', /must be an image reference/],
    ['', /must be an image reference/],
  ])('refuses %s', (image, message) => expect(() => assertPinnedImage('x', 'image', image)).toThrow(message));

  it('tells a registry port from a tag', () => {
    expect(imageTag('host:5000/repo')).toBeUndefined();
    expect(imageTag('host:5000/repo:2')).toBe('2');
  });
});
