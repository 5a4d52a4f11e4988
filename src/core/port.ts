import { IConstruct } from 'constructs';
import { invalid } from './errors';

/** True when `value` is a port number: an integer from 1 to 65535. */
export function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/**
 * Checks that `value` is a port number (an integer from 1 to 65535).
 *
 * @param fix how to fix it, naming the port the caller expects, e.g. `use 6379`
 * @throws ModelServingError naming `field`, the value and `fix`
 */
export function assertPort(scope: IConstruct | string, field: string, value: unknown, fix: string): number {
  if (!isPort(value)) invalid(scope, field, 'must be an integer between 1 and 65535', value, fix);
  return value;
}

/**
 * Why `value` is not a port name, or undefined when it is one. The rule is
 * Kubernetes' `IsValidPortName` (an IANA_SVC_NAME, RFC 6335): 1 to 15
 * characters, lower-case letters, digits and '-', at least one letter, no
 * '-' at either end and no '--'.
 */
function portNameProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length === 0) return 'must not be empty';
  if (value.length > 15) return 'must be at most 15 characters';
  if (!/^[-a-z0-9]+$/.test(value)) return "must contain only lower-case letters, digits and '-'";
  if (!/[a-z]/.test(value)) return 'must contain at least one letter';
  if (value.startsWith('-') || value.endsWith('-')) return "must not start or end with '-'";
  if (value.includes('--')) return "must not contain '--'";
  return undefined;
}

/** True when `value` is a port name (an IANA_SVC_NAME such as `http`, `h2c` or `metrics`); see {@link assertPortName}. */
export function isPortName(value: unknown): value is string {
  return portNameProblem(value) === undefined;
}

/**
 * Checks that `value` is a port name as Kubernetes accepts it for container
 * and Service ports, and as probes and monitors refer to them: an
 * IANA_SVC_NAME of 1 to 15 lower-case letters, digits and '-', with at
 * least one letter, no '-' at either end and no '--' (so `123` and `h2--c`
 * are refused).
 *
 * @param fix how to fix it, e.g. `use e.g. 'http1' or 'h2c'`
 * @throws ModelServingError naming `field`, what is wrong, the value and `fix`
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports
 */
export function assertPortName(scope: IConstruct | string, field: string, value: unknown, fix: string): string {
  const problem = portNameProblem(value);
  if (problem !== undefined) {
    invalid(scope, field, `${problem} (a port name is an IANA_SVC_NAME: 1 to 15 lower-case letters, digits and '-', with at least one letter, no '-' at either end and no '--')`, value, fix);
  }
  return value as string;
}
