import * as path from 'node:path';
import type { PlatformOutput } from '../delivery/synth';
import { SynthError } from '../delivery/synth';
import { checkSecurity, formatFinding } from './check';
import { SecurityFinding } from './finding';

/** Runs the security rules over synthesized platforms, each platform on its own (cross-object rules stay within it). */
export function checkPlatformSecurity(outputs: readonly PlatformOutput[], options: { readonly outdir?: string } = {}): SecurityFinding[] {
  return outputs.flatMap((p) =>
    checkSecurity(
      p.manifests.map((m) => ({ object: m.object, waivers: m.waivers, flows: m.flows, constructPath: m.constructPath, file: options.outdir !== undefined ? path.posix.join(options.outdir, p.name, m.file) : `${p.name}/${m.file}` })),
    ),
  );
}

/**
 * Fails when any object breaks a security rule it does not waive; call it
 * before writing, like schema validation.
 *
 * @throws SynthError listing every finding, one formatted line each
 */
export function assertSecurePlatforms(outputs: readonly PlatformOutput[], options: { readonly outdir?: string } = {}): void {
  const findings = checkPlatformSecurity(outputs, options);
  if (findings.length > 0) throw new SynthError(findings.map(formatFinding));
}
