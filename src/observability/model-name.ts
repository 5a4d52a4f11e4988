/**
 * A model's name in PromQL and texts: what the kind dashboards (one per
 * namespace and model kind, templated by `$model`) and the kind rules (one
 * PrometheusRule per namespace and model kind) replace to share one
 * definition between models. Internal to the observability layer.
 */

/** `text` with each whole-word occurrence of `model` replaced (inside the namespace, never), other parts mapped by `other`. */
export function replaceName(text: string, namespace: string, model: string, by: () => string, other: (s: string) => string = (s) => s): string {
  const word = new RegExp(`(?<![a-z0-9])${model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![a-z0-9])`, 'g');
  // Mask the namespace when it contains the name, so that only the model's own occurrences change.
  const parts = namespace !== model && namespace.includes(model) && !model.includes(namespace) ? text.split(namespace) : [text];
  return parts.map((part) => part.split(word).map(other).join('\u0000')).join(namespace).replace(/\u0000/g, () => by());
}

/** `s` with the regex metacharacters escaped for a PromQL double-quoted string (RE2). */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, (c) => `\\\\${c}`);
}
