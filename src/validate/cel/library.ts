/**
 * The Kubernetes CEL libraries that CRD rules use, for `@bufbuild/cel`:
 *
 * - quantities: `quantity()`, `isQuantity()`, `compareTo`, `isLessThan`,
 *   `isGreaterThan`, `sign`, `isInteger`, `asInteger`, `asApproximateFloat`;
 * - URLs: `url()`, `isURL()`, `getScheme`, `getHost`, `getHostname`,
 *   `getPort`, `getEscapedPath`;
 * - IPs: `isIP()`, `isCIDR()`;
 * - named formats: `format.dns1123Label().validate(s)` and the other
 *   `format.*()` checks; `validate` returns `null` when `s` is valid and the
 *   list of problems otherwise (Kubernetes returns an optional, which
 *   `@bufbuild/cel` does not support; rules compare the result with `null`
 *   or call `hasValue()`, both of which work here);
 * - the cel-go `strings` extension (`lowerAscii`, `split`, `substring`, ...);
 * - the global form of the standard `matches(string, pattern)`.
 *
 * Quantity, URL and format values are opaque messages, so `type()` and
 * overload resolution tell them apart from strings.
 *
 * @see https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-cel-libraries
 */
import { isIP as nodeIsIp } from 'node:net';
import type { CelEnv, CelFunc } from '@bufbuild/cel';
import type { DescMessage } from '@bufbuild/protobuf';
import type { ReflectMessage } from '@bufbuild/protobuf/reflect';
import { dns1035LabelProblems, dns1123LabelProblems, dns1123SubdomainProblems, labelValueProblems, qualifiedNameProblems } from '../names';
import { formats } from '../runtime/formats';
import { compareRational, exactQuantity, isQuantity, Rational } from '../../core/quantity';
import { re2 } from '../runtime/re2';
import { charge, CHARGE_RANGE } from './cost';
import { CelPackages, celPackages } from './packages';

const OPAQUE_TYPES = ['Quantity', 'URL', 'NamedFormat'] as const;

/* ------------------------------------------------------------------ urls */

interface UrlParts {
  readonly scheme: string;
  readonly host: string;
  readonly path: string;
}

/** Splits an absolute URI or absolute path the way Go's `url.Parse` does for the parts the library exposes. */
function urlParts(value: string): UrlParts {
  const withoutFragment = value.split('#', 1)[0];
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(withoutFragment);
  const scheme = schemeMatch ? schemeMatch[1].toLowerCase() : '';
  let rest = schemeMatch ? withoutFragment.slice(schemeMatch[0].length) : withoutFragment;
  rest = rest.split('?', 1)[0];
  if (!rest.startsWith('//')) return { scheme, host: '', path: rest };
  const end = rest.slice(2).search(/\//);
  const authority = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
  const path = end < 0 ? '' : rest.slice(2 + end);
  return { scheme, host: authority.slice(authority.lastIndexOf('@') + 1), path };
}

function splitHostPort(host: string): { hostname: string; port: string } {
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return { hostname: host.slice(1, close), port: host.slice(close + 1).replace(/^:/, '') };
  }
  const colon = host.lastIndexOf(':');
  return colon < 0 ? { hostname: host, port: '' } : { hostname: host.slice(0, colon), port: host.slice(colon + 1) };
}

/* ------------------------------------------------------------------- ips */

/** Kubernetes `isIP`: an IPv4 or IPv6 address, no zone, no IPv4-mapped IPv6 form. */
function isKubernetesIp(value: string): boolean {
  if (value.includes('%') || nodeIsIp(value) === 0) return false;
  return !/^::ffff:/i.test(value);
}

/* --------------------------------------------------------------- formats */

const withPrefix = (check: (s: string) => string[]) => (s: string) => check(s.endsWith('-') ? `${s.slice(0, -1)}a` : s);
const fromFormat = (name: string) => (s: string) => (formats[name](s) ? [] : [`does not match the ${name} format`]);

/** The named formats of the Kubernetes `format` library. */
const NAMED_FORMATS: Readonly<Record<string, (value: string) => string[]>> = {
  dns1123Label: dns1123LabelProblems,
  dns1123Subdomain: dns1123SubdomainProblems,
  dns1035Label: dns1035LabelProblems,
  qualifiedName: qualifiedNameProblems,
  dns1123LabelPrefix: withPrefix(dns1123LabelProblems),
  dns1123SubdomainPrefix: withPrefix(dns1123SubdomainProblems),
  dns1035LabelPrefix: withPrefix(dns1035LabelProblems),
  labelValue: labelValueProblems,
  uri: fromFormat('uri'),
  uuid: fromFormat('uuid'),
  byte: fromFormat('byte'),
  date: fromFormat('date'),
  datetime: fromFormat('date-time'),
};

/* ----------------------------------------------------------- environment */

/** The Kubernetes functions and methods, and the registry of their opaque types. */
function kubernetesLibrary(p: CelPackages): { readonly funcs: CelFunc[]; readonly registry: ReturnType<CelPackages['protobuf']['createFileRegistry']> } {
  const { celFunc, celMethod, CelScalar, listType, objectType } = p.cel;
  /** A registry with one message per opaque Kubernetes CEL type, each holding its text in field 1. */
  const registry = p.protobuf.createFileRegistry(
    p.protobuf.create(p.wkt.FileDescriptorProtoSchema, {
      name: 'cdk8s_model_serving/kubernetes_cel.proto',
      package: 'kubernetes.cel',
      syntax: 'proto3',
      messageType: OPAQUE_TYPES.map((name) => ({ name, field: [{ name: 'value', number: 1, type: p.wkt.FieldDescriptorProto_Type.STRING, label: p.wkt.FieldDescriptorProto_Label.OPTIONAL, jsonName: 'value' }] })),
    }),
    () => undefined,
  );
  const messageDesc = (name: (typeof OPAQUE_TYPES)[number]): DescMessage => {
    const desc = registry.getMessage(`kubernetes.cel.${name}`);
    if (desc === undefined) throw new Error(`kubernetes CEL type ${name} is not registered`);
    return desc;
  };
  const QUANTITY = messageDesc('Quantity');
  const URL_DESC = messageDesc('URL');
  const FORMAT = messageDesc('NamedFormat');
  const QUANTITY_TYPE = objectType(QUANTITY);
  const URL_TYPE = objectType(URL_DESC);
  const FORMAT_TYPE = objectType(FORMAT);

  const wrap = (desc: DescMessage, value: string): ReflectMessage => {
    const message = p.reflect.reflect(desc);
    message.set(desc.fields[0], value);
    return message;
  };
  const text = (message: ReflectMessage): string => message.get(message.desc.fields[0]) as string;

  const quantityValue = (message: ReflectMessage): Rational => {
    const value = exactQuantity(text(message));
    if (value === undefined) throw new Error(`invalid quantity: ${text(message)}`);
    return value;
  };
  const newQuantity = (value: string): ReflectMessage => {
    if (!isQuantity(value)) throw new Error(`quantity: invalid quantity ${JSON.stringify(value)}`);
    return wrap(QUANTITY, value);
  };
  const newUrl = (value: string): ReflectMessage => {
    if (!formats.uri(value)) throw new Error(`URL parse error during conversion from string: ${JSON.stringify(value)} is not an absolute URI or absolute path`);
    return wrap(URL_DESC, value);
  };

  const funcs: CelFunc[] = [
    ...p.ext.strings,
    // The global form of the standard `matches` (`matches(s, re)`), which `@bufbuild/cel` only has as a method.
    celFunc('matches', [CelScalar.STRING, CelScalar.STRING], CelScalar.BOOL, (value, pattern) => re2(pattern).test(value)),
    // quantities
    celFunc('quantity', [CelScalar.STRING], QUANTITY_TYPE, newQuantity),
    celFunc('isQuantity', [CelScalar.STRING], CelScalar.BOOL, (s) => isQuantity(s)),
    celMethod('compareTo', QUANTITY_TYPE, [QUANTITY_TYPE], CelScalar.INT, function (other) {
      return BigInt(compareRational(quantityValue(this), quantityValue(other)));
    }),
    celMethod('isLessThan', QUANTITY_TYPE, [QUANTITY_TYPE], CelScalar.BOOL, function (other) {
      return compareRational(quantityValue(this), quantityValue(other)) < 0;
    }),
    celMethod('isGreaterThan', QUANTITY_TYPE, [QUANTITY_TYPE], CelScalar.BOOL, function (other) {
      return compareRational(quantityValue(this), quantityValue(other)) > 0;
    }),
    celMethod('sign', QUANTITY_TYPE, [], CelScalar.INT, function () {
      const v = quantityValue(this);
      return v.numerator > 0n ? 1n : v.numerator < 0n ? -1n : 0n;
    }),
    celMethod('isInteger', QUANTITY_TYPE, [], CelScalar.BOOL, function () {
      const v = quantityValue(this);
      return v.numerator % v.denominator === 0n;
    }),
    celMethod('asInteger', QUANTITY_TYPE, [], CelScalar.INT, function () {
      const v = quantityValue(this);
      if (v.numerator % v.denominator !== 0n) throw new Error(`cannot convert quantity ${text(this)} to an integer`);
      const n = v.numerator / v.denominator;
      if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) throw new Error(`quantity ${text(this)} overflows int64`);
      return n;
    }),
    celMethod('asApproximateFloat', QUANTITY_TYPE, [], CelScalar.DOUBLE, function () {
      const v = quantityValue(this);
      return Number(v.numerator) / Number(v.denominator);
    }),
    // URLs
    celFunc('url', [CelScalar.STRING], URL_TYPE, newUrl),
    celFunc('isURL', [CelScalar.STRING], CelScalar.BOOL, (s) => formats.uri(s)),
    celMethod('getScheme', URL_TYPE, [], CelScalar.STRING, function () {
      return urlParts(text(this)).scheme;
    }),
    celMethod('getHost', URL_TYPE, [], CelScalar.STRING, function () {
      return urlParts(text(this)).host;
    }),
    celMethod('getHostname', URL_TYPE, [], CelScalar.STRING, function () {
      return splitHostPort(urlParts(text(this)).host).hostname;
    }),
    celMethod('getPort', URL_TYPE, [], CelScalar.STRING, function () {
      return splitHostPort(urlParts(text(this)).host).port;
    }),
    celMethod('getEscapedPath', URL_TYPE, [], CelScalar.STRING, function () {
      return urlParts(text(this)).path;
    }),
    // IPs
    celFunc('isIP', [CelScalar.STRING], CelScalar.BOOL, (s) => isKubernetesIp(s)),
    celFunc('isCIDR', [CelScalar.STRING], CelScalar.BOOL, (s) => {
      const slash = s.indexOf('/');
      return slash > 0 && isKubernetesIp(s.slice(0, slash)) && formats.cidr(s);
    }),
    // named formats
    ...Object.keys(NAMED_FORMATS).map((name) => celFunc(`format.${name}`, [], FORMAT_TYPE, () => wrap(FORMAT, name))),
    celFunc('format.named', [CelScalar.STRING], FORMAT_TYPE, (name) => {
      if (!(name in NAMED_FORMATS)) throw new Error(`unknown format: ${name}`);
      return wrap(FORMAT, name);
    }),
    celMethod('validate', FORMAT_TYPE, [CelScalar.STRING], CelScalar.DYN, function (value) {
      const problems = NAMED_FORMATS[text(this)](value);
      return problems.length === 0 ? null : problems;
    }),
    // `validate` stands in for an optional: null is "none".
    celMethod('hasValue', listType(CelScalar.STRING), [], CelScalar.BOOL, () => true),
    celMethod('hasValue', CelScalar.NULL, [], CelScalar.BOOL, () => false),
    // The runtime cost limit (see cost.ts): a comprehension's range, charged by its size.
    celFunc(CHARGE_RANGE, [CelScalar.DYN], CelScalar.DYN, (range) => {
      const sized = range as unknown as { size?: unknown };
      charge(typeof sized.size === 'number' ? sized.size : 1);
      return range;
    }),
  ];
  return { funcs, registry };
}

let env: CelEnv | undefined;

/**
 * The CEL environment of CRD validation rules: the standard library with
 * RE2 `matches()` (compiled patterns are cached), the strings extension and
 * the Kubernetes libraries above. Built (and the CEL packages loaded) on
 * first use.
 */
export function kubernetesCelEnv(): CelEnv {
  if (env === undefined) {
    const p = celPackages();
    const { funcs, registry } = kubernetesLibrary(p);
    env = p.cel.celEnv({ registry, funcs, re2: { compile: (pattern: string) => re2(pattern) } });
  }
  return env;
}
