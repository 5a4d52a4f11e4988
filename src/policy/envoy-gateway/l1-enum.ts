/**
 * The member of a generated L1 string enum whose value is `value`. The
 * imported Envoy Gateway classes declare one enum per field (the local and
 * global rate-limit rules each have their own `Unit` enum), so values are
 * mapped by their upstream string rather than cast.
 *
 * @throws Error when the enum has no such value (a programming error: callers pass checked values)
 */
export function l1Enum<E extends string>(members: Record<string, E>, value: string): E {
  const found = Object.values(members).find((m) => m === value);
  if (found === undefined) throw new Error(`'${value}' is not one of ${Object.values(members).join(', ')}`);
  return found;
}
