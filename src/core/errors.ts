import { IConstruct } from 'constructs';
import { redactCredentials } from './credentials';

/**
 * The one error type the library throws for bad input.
 *
 * Its message always says, in this order: where (the construct path), which
 * field, what is wrong, the value received, and how to fix it:
 *
 * `kgateway-kserve/gateway: listeners[https].tls.certificateRefs is required for an HTTPS listener (received: undefined). Fix: pass 'certificate: SecretRef.named("my-cert")' to Listener.https().`
 */
export class ModelServingError extends Error {
  /** The construct path (`platform/chart/id`), or `-` when no construct is involved. */
  public readonly constructPath: string;
  /** The field (prop, upstream field path or catalog key) that is wrong. */
  public readonly field: string;
  /** The value received, as given (the message shows a credential-shaped value by its kind only). */
  public readonly value: unknown;
  /** How to fix it. */
  public readonly fix: string;

  public constructor(details: { readonly path: string; readonly field: string; readonly problem: string; readonly value: unknown; readonly fix: string }) {
    super(`${details.path}: ${details.field} ${details.problem} (received: ${describeValue(details.value)}). Fix: ${details.fix}`);
    this.name = 'ModelServingError';
    this.constructPath = details.path;
    this.field = details.field;
    this.value = details.value;
    this.fix = details.fix;
  }
}

/**
 * Throws a {@link ModelServingError} for `field` of the construct `scope`.
 *
 * @param scope the construct that received the bad input (its path is reported)
 * @param field the prop or upstream field, e.g. `listeners[https].port`
 * @param problem what is wrong, phrased to follow the field: `must be between 1 and 65535`
 * @param value the value received
 * @param fix how to fix it, as an instruction
 */
export function invalid(scope: IConstruct | string, field: string, problem: string, value: unknown, fix: string): never {
  const path = typeof scope === 'string' ? scope : scope.node.path;
  throw new ModelServingError({ path, field, problem, value, fix });
}

/**
 * The message of a {@link ModelServingError} for `field` of `scope`, for
 * checks that report at the end of the build (`node.addValidation`, synth)
 * instead of throwing, so every error reads the same way.
 */
export function errorMessage(scope: IConstruct | string, field: string, problem: string, value: unknown, fix: string): string {
  const path = typeof scope === 'string' ? scope : scope.node.path;
  return new ModelServingError({ path, field, problem, value, fix }).message;
}

/**
 * Renders a received value for an error message: strings quoted, objects as
 * compact JSON, long values cut. A value that looks like a credential (see
 * `core/credentials`) is never quoted: it is shown as `<redacted: its kind>`.
 *
 * @param value the value received
 * @param name the name it was given under (a key, a variable name), which can make any literal a credential (`DB_PASSWORD`)
 */
export function describeValue(value: unknown, name?: string): string {
  value = redactCredentials(value, name);
  let text: string;
  if (value === undefined) text = 'undefined';
  else if (typeof value === 'string') text = value.startsWith('<redacted: ') ? value : JSON.stringify(value);
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === null) text = String(value);
  else if (typeof value === 'function') text = `[function ${value.name || 'anonymous'}]`;
  else {
    try {
      text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
