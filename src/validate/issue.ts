/**
 * What the validator reports, and how it is printed.
 */
import { redactCredentials } from '../core/credentials';

/** One reason why the apiserver would reject an object. */
export interface ValidationIssue {
  /** The file the object was read from or will be written to (`dist/<platform>/<file>`), when known. */
  readonly file?: string;
  /** The object's kind, or `?` when it has none. */
  readonly kind: string;
  /** The object's `metadata.name`, or `?` when it has none. */
  readonly name: string;
  /** The object's `metadata.namespace`, when set. */
  readonly namespace?: string;
  /**
   * Where in the object: a JSON path such as `spec.listeners[1].tls` or
   * `metadata.labels['app.kubernetes.io/name']`; empty for the whole object.
   */
  readonly path: string;
  /** What is wrong: the CRD rule's own message where there is one, else the apiserver's wording. */
  readonly message: string;
  /** The CEL rule (`x-kubernetes-validations`) that failed, when the issue comes from one. */
  readonly rule?: string;
}

/**
 * One line for an issue: `<file>: <Kind>/<name>: <path>: <message>`, without
 * the file part when there is no file and without the path part for issues
 * about the whole object. A credential-shaped name is shown by its kind.
 */
export function formatIssue(issue: ValidationIssue): string {
  // A name that is a credential (pasted in the wrong field) is shown by its kind only.
  const parts = [`${issue.kind}/${redactCredentials(issue.name, undefined) as string}`];
  if (issue.file !== undefined) parts.unshift(issue.file);
  if (issue.path !== '') parts.push(issue.path);
  parts.push(issue.message);
  return parts.join(': ');
}

/** A position in a JSON document: field names and array indexes, outermost first. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Renders path segments as a JSON path: `spec.rules[0].matches`, `metadata.annotations['example.com/x']`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENTIFIER.test(s)) out += out === '' ? s : `.${s}`;
    else out += `['${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
  }
  return out;
}
