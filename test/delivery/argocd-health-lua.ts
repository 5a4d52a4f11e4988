/**
 * Runs an Argo CD health script in a Lua VM (wasmoon, Lua 5.4) the way
 * Argo CD v3.5.1 runs a check from `argocd-cm` (util/lua/lua.go): only the
 * base and table libraries (plus a safe `os`), no `string` or `math`
 * library and no string methods; the object is the global `obj`, decoded
 * from JSON (arrays become 1-based tables, null becomes nil); the script
 * returns a table with `status` and `message`.
 */
import { LuaFactory } from 'wasmoon';

/** The result a health script returns. */
export interface HealthResult {
  readonly status: string;
  readonly message: string;
}

const factory = new LuaFactory();

/** A JSON value as a Lua constructor expression (what gopher-lua's decodeValue builds). */
export function toLua(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{ ${value.map(toLua).join(', ')} }`;
  return `{ ${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `[${JSON.stringify(k)}] = ${toLua(v)}`)
    .join(', ')} }`;
}

// Argo CD opens only base, table, package and a safe os for custom checks: remove what Lua 5.4 opens beyond that,
// including the string metatable's methods, so a script relying on them fails here as it would in Argo CD.
const SANDBOX = 'string = nil; math = nil; io = nil; utf8 = nil; coroutine = nil; debug = nil; getmetatable("").__index = nil';

/** Runs `script` on `obj` and returns its result. */
export async function runHealth(script: string, obj: unknown): Promise<HealthResult> {
  const engine = await factory.createEngine({ enableProxy: false, injectObjects: false });
  try {
    const result = (await engine.doString(`${SANDBOX}\nobj = ${toLua(obj)}\nlocal health = (function()\n${script}\nend)()\nreturn { status = health.status, message = health.message }`)) as HealthResult;
    return { status: result.status, message: result.message ?? '' };
  } finally {
    engine.global.close();
  }
}
