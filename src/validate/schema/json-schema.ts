/**
 * The OpenAPI v3 schema subset that CustomResourceDefinitions use
 * (`openAPIV3Schema`), with the Kubernetes extensions, as plain JSON.
 *
 * `properties` is a map from field name to schema: a field may be called
 * `type`, `example` or `default`, so code that walks a schema must never
 * treat the keys of `properties` as keywords.
 */
export interface CrdSchema {
  readonly type?: string;
  readonly format?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, CrdSchema>>;
  readonly additionalProperties?: CrdSchema | boolean;
  readonly items?: CrdSchema;
  readonly required?: readonly string[];
  readonly allOf?: readonly CrdSchema[];
  readonly anyOf?: readonly CrdSchema[];
  readonly oneOf?: readonly CrdSchema[];
  readonly not?: CrdSchema;
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly nullable?: boolean;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: boolean | number;
  readonly exclusiveMaximum?: boolean | number;
  readonly multipleOf?: number;
  readonly uniqueItems?: boolean;
  readonly $ref?: string;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
  readonly 'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly 'x-kubernetes-map-type'?: 'atomic' | 'granular';
  readonly 'x-kubernetes-validations'?: readonly CelRuleSpec[];
  readonly [keyword: string]: unknown;
}

/** One `x-kubernetes-validations` entry as written in a CRD. */
export interface CelRuleSpec {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
  readonly reason?: string;
  readonly optionalOldSelf?: boolean;
}

/** A mutable JSON schema as handed to ajv. */
export type AjvSchema = { [keyword: string]: unknown };

/** Plain-object test for JSON values. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
