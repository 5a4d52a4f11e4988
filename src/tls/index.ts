/** TLS: cert-manager Certificates whose Secrets gateway listeners use. */
export * from './certificate';
