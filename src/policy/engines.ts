/**
 * Registers every policy engine's compiler with {@link PolicyEngine}.
 * Imported by AccessPolicy, so creating a policy always finds its engine.
 * Compilers import only types from `access-policy` (no import cycle).
 */
import { PolicyEngine } from './policy-engine';

export { PolicyEngine };
