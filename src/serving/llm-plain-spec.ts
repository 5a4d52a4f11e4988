import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** JSON without `undefined` values (they would reach the YAML as nulls). */
export function pruneUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pruneUndefined);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, pruneUndefined(x)]),
    );
  }
  return v;
}

type L1Class<P, T extends ApiObject> = new (scope: Construct, id: string, props: P) => T;
type PlainSpecClass<P, T extends ApiObject> = new (scope: Construct, id: string, props: P, produceSpec: () => Record<string, unknown>) => T;
const subclasses = new WeakMap<object, unknown>();

/**
 * An object of the L1 class `base` (KServe's LLMInferenceService or
 * LLMInferenceServiceConfig) whose `spec` is written from plain JSON at
 * synth (`produceSpec`, without undefined values): the generated classes
 * read int-or-string quantities (resources, KV-cache sizes) from
 * `{ value }` wrappers and would drop plain strings, and some parts of the
 * spec (a service's routes and pool) are known only then. The subclass is
 * made on first use, so that loading the library does not load KServe's L1
 * module (lib/imports is lazy; test/package/lazy-imports.test.ts).
 */
export function withPlainSpec<P, T extends ApiObject>(base: L1Class<P, T>, scope: Construct, id: string, props: P, produceSpec: () => Record<string, unknown>): T {
  let sub = subclasses.get(base) as PlainSpecClass<P, T> | undefined;
  if (sub === undefined) {
    const Base = base as unknown as new (...args: any[]) => ApiObject;
    sub = class extends Base {
      private readonly produceSpec: () => Record<string, unknown>;

      public constructor(...args: any[]) {
        super(args[0], args[1], args[2]);
        this.produceSpec = args[3];
      }

      public override toJson(): any {
        return { ...super.toJson(), spec: pruneUndefined(this.produceSpec()) };
      }
    } as unknown as PlainSpecClass<P, T>;
    subclasses.set(base, sub);
  }
  return new sub(scope, id, props, produceSpec);
}
