import { PROTECTED_ROUTE_SYNC_WAVE, SYNC_WAVE_ANNOTATION } from '../../sync-waves';

/**
 * Building blocks of the Argo CD health checks (Lua).
 *
 * Argo CD runs a health check from `argocd-cm` in gopher-lua (Lua 5.1) with
 * only the base, table, package and a safe `os` library opened: no `string`
 * or `math` library, and no string methods (`s:find`) either, unless the
 * operator also sets `resource.customizations.useOpenLibs.<group>_<kind>`
 * (argo-cd v3.5.1 util/lua/lua.go, `runLuaWithResourceActionParameters`
 * and `GetResourceHealth`: built-in scripts get the open libraries, ours do
 * not). The scripts therefore compare strings with `==` only, build
 * messages with `..`, and use no `goto`, integer division or bit operators.
 * The object is the global `obj`; the script returns `{ status, message }`
 * with status `Healthy`, `Progressing`, `Degraded` or `Suspended`.
 */

/** A Lua helper the checks may include, by name. */
export type LuaHelper = 'condition' | 'describe' | 'result' | 'stale' | 'beforeProtectedRoutes' | 'targetsRoute';

const HELPERS: Record<LuaHelper, string> = {
  result: `local function result(status, message)
  return { status = status, message = message }
end`,
  condition: `-- The condition of a type in a list of conditions, or nil.
local function condition(conditions, conditionType)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end`,
  describe: `-- "Type=Status (Reason): message", the controller's own words.
local function describe(c)
  local text = tostring(c.type) .. "=" .. tostring(c.status)
  if c.reason ~= nil and c.reason ~= "" then
    text = text .. " (" .. c.reason .. ")"
  end
  if c.message ~= nil and c.message ~= "" then
    text = text .. ": " .. c.message
  end
  return text
end`,
  stale: `-- True when the controller reported on an older generation of the spec than the current one.
local function stale(observedGeneration)
  return observedGeneration ~= nil and obj.metadata.generation ~= nil and observedGeneration < obj.metadata.generation
end`,
  beforeProtectedRoutes: `-- Argo CD syncs a route that an access policy protects in wave ${PROTECTED_ROUTE_SYNC_WAVE}, after the policies, and
-- waits in each wave until every object is Healthy (gitops-engine/pkg/sync/sync_context.go: only Healthy
-- ends the wait, Degraded fails the sync). An object synced before that wave cannot wait for the routes.
local function beforeProtectedRoutes()
  local annotations = obj.metadata.annotations
  if annotations == nil then
    return false
  end
  local wave = tonumber(annotations["${SYNC_WAVE_ANNOTATION}"])
  return wave ~= nil and wave < ${PROTECTED_ROUTE_SYNC_WAVE}
end`,
  targetsRoute: `-- True when every spec.targetRef(s) names an HTTPRoute or a GRPCRoute.
local function targetsRoute()
  local refs = {}
  if obj.spec ~= nil then
    if obj.spec.targetRef ~= nil then
      table.insert(refs, obj.spec.targetRef)
    end
    if obj.spec.targetRefs ~= nil then
      for _, ref in ipairs(obj.spec.targetRefs) do
        table.insert(refs, ref)
      end
    end
  end
  if #refs == 0 then
    return false
  end
  for _, ref in ipairs(refs) do
    if ref.kind ~= "HTTPRoute" and ref.kind ~= "GRPCRoute" then
      return false
    end
  end
  return true
end`,
};

/** Helpers in the order they must be defined (a helper may use earlier ones). */
const ORDER: readonly LuaHelper[] = ['result', 'condition', 'describe', 'stale', 'beforeProtectedRoutes', 'targetsRoute'];

/**
 * One complete health script: a header naming the kind and the upstream
 * sources it follows, the helpers it uses, then its body (which must
 * `return` a result on every path).
 */
export function luaScript(options: { readonly title: string; readonly sources: readonly string[]; readonly helpers: readonly LuaHelper[]; readonly body: string }): string {
  const header = [`-- ${options.title}`, '-- Written from the controller source:', ...options.sources.map((s) => `--   ${s}`)];
  const helpers = ORDER.filter((h) => options.helpers.includes(h)).map((h) => HELPERS[h]);
  return `${[header.join('\n'), ...helpers, options.body.trim()].join('\n\n')}\n`;
}

/** Lua source of a set of strings, as a table usable for membership tests (`SET[value]`). */
export function luaSet(values: readonly string[]): string {
  return `{ ${[...values].sort().map((v) => `[${JSON.stringify(v)}] = true`).join(', ')} }`;
}
