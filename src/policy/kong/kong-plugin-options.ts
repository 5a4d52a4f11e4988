/** The options every KongPlugin factory takes (in a file of their own, so the plugin factories and KongPlugin share them without an import cycle). */

/** A protocol a plugin runs on (`protocols[]`). */
export type KongProtocol = 'http' | 'https' | 'grpc' | 'grpcs' | 'tcp' | 'tls' | 'udp';

/** Options every `KongPlugin` factory takes. */
export interface KongPluginOptions {
  /** `metadata.name`; the name routes and consumers list in `konghq.com/plugins`. @default - the construct id */
  readonly name?: string;
  /** `instance_name`: a name for the plugin instance in Kong (KIC suffixes it per attached entity). @default - none */
  readonly instanceName?: string;
  /** `protocols`: the protocols it runs on. @default - Kong's default for the plugin (http, https, grpc, grpcs for HTTP plugins) */
  readonly protocols?: readonly KongProtocol[];
  /** `disabled`: keep the object but switch the plugin off. @default false */
  readonly disabled?: boolean;
  /** `metadata.labels`. @default - the platform labels */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. @default - none */
  readonly annotations?: Record<string, string>;
}
