/**
 * Validation of Kubernetes objects as the apiserver would do it, with the
 * pinned CRDs installed: schema (strict, with defaults), list types, CEL
 * rules, metadata. See README "Validation".
 */
export { addSchemaValidation, assertValidPlatforms, PlatformValidationOptions, validateApp, validatePlatforms } from './app';
export { BuiltinCatalog, CatalogEntry, KindValidator, SchemaCatalog } from './catalog';
export { CrdFilesCatalog } from './crd-files-catalog';
export { formatIssue, ValidationIssue } from './issue';
export { ValidationCache } from './result-cache';
export { applyDefaults, builtinCatalog, GatewayApiChannel, SourcedObject, validateObject, validateObjects, ValidateOptions } from './validator';
export { readYamlObjects, ReadResult, UnreadableInputError, yamlFiles } from './yaml-files';
