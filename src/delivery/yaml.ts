import { stringify } from 'yaml';

/**
 * Renders one Kubernetes object as YAML, byte-stable:
 * - YAML 1.1 quoting, so strings such as `yes`, `on` or `1:30` stay strings
 *   for YAML 1.1 readers (kubectl, Argo CD);
 * - no line folding; keys in the order the object has (cdk8s sorts them).
 */
export function toYaml(obj: unknown): string {
  return stringify(obj, { version: '1.1', lineWidth: 0, minContentWidth: 0 });
}
