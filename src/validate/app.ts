/**
 * Validation of synthesized platforms and cdk8s apps: the check `npm run
 * synth` runs before anything is written, available to library users.
 */
import * as path from 'node:path';
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PlatformOutput, SynthError, synthPlatforms } from '../delivery/synth';
import { formatIssue, ValidationIssue } from './issue';
import { SourcedObject, validateObject, validateObjects, ValidateOptions } from './validator';

/** Options of {@link validatePlatforms}, {@link validateApp} and {@link addSchemaValidation}. */
export interface PlatformValidationOptions extends Omit<ValidateOptions, 'gatewayApiChannel'> {
  /**
   * The output folder as it should appear in issues: each object is named
   * `<outdir>/<platform>/<file>`.
   * @default - `<platform>/<file>`
   */
  readonly outdir?: string;
  /**
   * The Gateway API channel the target clusters run.
   * @default 'standard' - the channel whose classes this library imports
   */
  readonly gatewayApiChannel?: ValidateOptions['gatewayApiChannel'];
}

/** Validates every object of synthesized platforms (the output of `synthPlatforms`). */
export function validatePlatforms(outputs: readonly PlatformOutput[], options: PlatformValidationOptions = {}): ValidationIssue[] {
  const objects: SourcedObject[] = outputs.flatMap((p) =>
    p.manifests.map((m) => ({ object: m.object, file: options.outdir !== undefined ? path.posix.join(options.outdir, p.name, m.file) : `${p.name}/${m.file}` })),
  );
  return validateObjects(objects, { ...options, gatewayApiChannel: options.gatewayApiChannel ?? 'standard' });
}

/**
 * Validates synthesized platforms and throws when any object is invalid;
 * call it between `synthPlatforms` and `writePlatforms`, so nothing is written.
 *
 * @throws SynthError listing every issue, one formatted line each
 */
export function assertValidPlatforms(outputs: readonly PlatformOutput[], options: PlatformValidationOptions = {}): void {
  const issues = validatePlatforms(outputs, options);
  if (issues.length > 0) throw new SynthError(issues.map(formatIssue));
}

/**
 * Synthesizes every platform of `app` in memory and validates every object.
 *
 * @returns every issue (empty when the apiserver would accept everything)
 * @throws SynthError when the constructs themselves report errors
 */
export function validateApp(app: IConstruct, options: PlatformValidationOptions = {}): ValidationIssue[] {
  return validatePlatforms(synthPlatforms(app), options);
}

/**
 * Adds schema validation to the cdk8s validation of `scope`: every
 * `ApiObject` under it is validated when the app is validated (`app.synth()`,
 * `synthPlatforms`), and each issue becomes one validation error
 * `<Kind>/<name>: <path>: <message>`.
 */
export function addSchemaValidation(scope: IConstruct, options: PlatformValidationOptions = {}): void {
  scope.node.addValidation({
    validate: () =>
      scope.node
        .findAll()
        .filter((c): c is ApiObject => c instanceof ApiObject)
        .flatMap((o) => validateObject(o.toJson(), { ...options, gatewayApiChannel: options.gatewayApiChannel ?? 'standard' }))
        .map(formatIssue),
  });
}
