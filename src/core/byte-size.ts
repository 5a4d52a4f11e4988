import { Size } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { invalid } from './errors';

/**
 * A cdk8s `Size` in bytes.
 * @throws ModelServingError for something that is not a Size, or not a positive whole number of KiB
 */
export function sizeInBytes(scope: string | IConstruct, field: string, size: unknown): number {
  if (!(size instanceof Size)) invalid(scope, field, 'must be a cdk8s Size', size, 'pass e.g. Size.mebibytes(64)');
  let kib: number;
  try {
    kib = size.toKibibytes();
  } catch {
    return invalid(scope, field, 'must be a whole number of KiB', size.asString(), 'pass e.g. Size.mebibytes(64)');
  }
  if (!Number.isSafeInteger(kib) || kib < 1) invalid(scope, field, 'must be a positive whole number of KiB', size.asString(), 'pass e.g. Size.mebibytes(64)');
  return kib * 1024;
}

/** `bytes` as a Kubernetes quantity: `<n>Gi`, `<n>Mi` or `<n>Ki` when exact, else the plain number. */
export function bytesQuantity(bytes: number): string {
  for (const [unit, factor] of [['Gi', 1024 ** 3], ['Mi', 1024 ** 2], ['Ki', 1024]] as const) {
    if (bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return String(bytes);
}
