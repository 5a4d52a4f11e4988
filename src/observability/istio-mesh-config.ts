import { IConstruct } from 'constructs';
import { Platform } from '../core/platform';
import { toYaml } from '../delivery/yaml';

/**
 * Records on the platform the `meshConfig.extensionProviders[]` entry an
 * Istio `Telemetry` names: Istio reads providers (access-log formats,
 * tracing backends) from the mesh config of its installation, which a
 * platform folder does not own, so the platform README shows the entry to
 * add (see `Platform.addSetupNote`).
 *
 * @param what what the provider is for, e.g. `access log`
 * @param telemetry the name of the Telemetry that names the provider
 * @param provider the extension provider entry
 */
export function noteIstioExtensionProvider(scope: IConstruct, what: string, telemetry: string, provider: { readonly name: string }): void {
  Platform.of(scope).addSetupNote(
    `Istio mesh config: ${what} provider \`${provider.name}\``,
    [
      `The Telemetry \`${telemetry}\` names the extension provider \`${provider.name}\`, which Istio reads from its mesh config. Add it to the Istio installation (\`meshConfig.extensionProviders\` of the IstioOperator, Helm values or the \`istio\` ConfigMap):`,
      '',
      '```yaml',
      toYaml({ meshConfig: { extensionProviders: [provider] } }).trimEnd(),
      '```',
    ].join('\n'),
  );
}
