/**
 * L3 patterns: the catalog format and loader, and the ModelServingPlatform
 * built from a catalog file.
 */
export * from './catalog-loader';
export * from './catalog-schema';
export * from './model-serving-platform';
export * from './model-endpoint';
