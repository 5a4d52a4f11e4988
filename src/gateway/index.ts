/** Gateway API gateways and listeners. */
export * from './allowed-routes';
export * from './gateway-provider';
export * from './gateway';
export * from './listener';
