/**
 * {@link PolicyEngine} is declared with the AccessPolicy it compiles (one
 * module, so the engine, the intent and the compilers form no import cycle);
 * this module keeps the `policy-engine` import path.
 */
export { PolicyEngine } from './access-policy';
