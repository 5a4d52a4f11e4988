import { stringify } from 'yaml';

/**
 * Renders one Kubernetes object as YAML, byte-stable:
 * - YAML 1.1 quoting, so strings such as `yes`, `on` or `1:30` stay strings
 *   for YAML 1.1 readers (kubectl, Argo CD);
 * - no line folding; keys in the order the object has (cdk8s sorts them);
 * - no anchors or aliases, even where two values are the same object.
 */
export function toYaml(obj: unknown): string {
  return stringify(obj, YAML_OPTIONS);
}

/** The `yaml` options of {@link toYaml} (the benchmark's floor uses them too). */
export const YAML_OPTIONS = { version: '1.1', lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false } as const;
