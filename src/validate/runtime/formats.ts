/**
 * The string formats the Kubernetes apiserver checks in custom resources
 * (`format:` in a CRD schema), with the apiserver's semantics rather than
 * JSON Schema's: `duration` is a Go duration (`1h30m`), not ISO 8601;
 * `date-time` is RFC 3339 with a mandatory zone; `uri` is anything Go's
 * `url.ParseRequestURI` accepts. Any other format name is ignored by the
 * apiserver and is dropped from the schema by {@link canonicalFormat}.
 *
 * Generated validators (`lib/schemas/`) load this module by relative path, so
 * it must stay free of heavy imports.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/extend-resources/custom-resource-definition-v1/#JSONSchemaProps
 */
import { isIP } from 'node:net';
import { fullFormats } from 'ajv-formats/dist/formats';
import { isQuantity } from '../../core/quantity';

/** A format check: true when the string is valid. */
export type FormatCheck = (value: string) => boolean;

const CTL = /[\x00-\x1f\x7f]/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s;
const PORT = /^[0-9]*$/;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/** Go `url.ParseRequestURI`: an absolute URI or an absolute path. */
function isRequestUri(value: string): boolean {
  if (value === '' || CTL.test(value) || BAD_ESCAPE.test(value)) return false;
  if (value.startsWith('/')) return true;
  const m = SCHEME.exec(value);
  if (!m) return false;
  const rest = m[2];
  if (!rest.startsWith('//')) return true; // opaque (mailto:x) or path
  const authority = rest.slice(2).split(/[/?#]/, 1)[0];
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return false;
    const after = hostPort.slice(close + 1);
    return after === '' || (after.startsWith(':') && PORT.test(after.slice(1)));
  }
  const colon = hostPort.lastIndexOf(':');
  return colon < 0 || PORT.test(hostPort.slice(colon + 1));
}

const GO_DURATION = /^[-+]?(?:0|(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$/;
const LONG_DURATION = /^\s*[0-9]+\s*(?:ns|us|\u00b5s|ms|s|m|h|d|w|nanoseconds?|microseconds?|milliseconds?|seconds?|sec|minutes?|min|hours?|hr|days?|weeks?|wk)\s*$/;

/** Go `time.ParseDuration`, or the `<n> <unit>` form the OpenAPI library also accepts. */
function isDuration(value: string): boolean {
  return GO_DURATION.test(value) || LONG_DURATION.test(value);
}

const TIME = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(z|[+-][0-9]{2}:[0-9]{2})$/;
const isDate = (fullFormats.date as { validate: FormatCheck }).validate;

/** RFC 3339 date-time as the OpenAPI library checks it: a valid date, `T`, a time with a zone. */
function isDateTime(value: string): boolean {
  const parts = value.toLowerCase().split('t');
  if (parts.length !== 2 || !isDate(parts[0])) return false;
  const m = TIME.exec(parts[1]);
  return m !== null && m[1] <= '23' && m[2] <= '59' && m[3] <= '59';
}

/** Go `net.ParseIP` (no zone, no leading zeros in IPv4 parts). */
function isGoIp(value: string): boolean {
  return !value.includes('%') && isIP(value) !== 0;
}

/** Go `net.ParseCIDR`: an IP, '/', a prefix length valid for its family. */
function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const ip = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  if (!isGoIp(ip) || !/^[0-9]{1,3}$/.test(bits)) return false;
  return Number(bits) <= (isIP(ip) === 4 ? 32 : 128);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAC = /^(?:[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){7}|[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){19}|[0-9A-Fa-f]{4}(?:\.[0-9A-Fa-f]{4}){2}|[0-9A-Fa-f]{4}(?:\.[0-9A-Fa-f]{4}){3}|[0-9A-Fa-f]{4}(?:\.[0-9A-Fa-f]{4}){9})$/;
const HOSTNAME = /^(?:[a-zA-Z0-9\p{S}\p{L}](?:(?:-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|(?:[a-zA-Z0-9\p{S}\p{L}](?:(?:[a-zA-Z0-9\-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(?:\.)){1,}(?:[a-zA-Z\p{L}]){2,63})$/u;
const EMAIL = /^(?:[^<>@]*<\s*)?[^\s<>@]+@[^\s<>@]+(?:\s*>)?$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const UUID5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const CREDIT_CARD = /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35[0-9]{3})[0-9]{11})$/;
const BYTE_RANGE = '(?:0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])';
const RGB = new RegExp(`^rgb\\(\\s*${BYTE_RANGE}\\s*,\\s*${BYTE_RANGE}\\s*,\\s*${BYTE_RANGE}\\s*\\)$`);

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

function isIsbn10(value: string): boolean {
  const s = value.replace(/[\s-]/g, '');
  if (!/^[0-9]{9}[0-9X]$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (i + 1) * (s[i] === 'X' ? 10 : Number(s[i]));
  return sum % 11 === 0;
}

function isIsbn13(value: string): boolean {
  const s = value.replace(/[\s-]/g, '');
  if (!/^[0-9]{13}$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(s[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === Number(s[12]);
}

/**
 * Every format the apiserver validates, by canonical name. `quantity` is not
 * an OpenAPI format: it checks the core `resource.Quantity` type, which the
 * core schemas only describe in prose.
 */
export const formats: Readonly<Record<string, FormatCheck>> = {
  bsonobjectid: (v) => /^[0-9a-fA-F]{24}$/.test(v),
  uri: isRequestUri,
  email: (v) => EMAIL.test(v),
  hostname: (v) => v.length <= 255 && HOSTNAME.test(v),
  ipv4: (v) => isGoIp(v) && v.includes('.'),
  ipv6: (v) => isGoIp(v) && v.includes(':'),
  cidr: isCidr,
  mac: (v) => MAC.test(v),
  uuid: (v) => UUID.test(v),
  uuid3: (v) => UUID3.test(v),
  uuid4: (v) => UUID4.test(v),
  uuid5: (v) => UUID5.test(v),
  isbn: (v) => isIsbn10(v) || isIsbn13(v),
  isbn10: isIsbn10,
  isbn13: isIsbn13,
  creditcard: (v) => {
    const digits = v.replace(/[^0-9]/g, '');
    return CREDIT_CARD.test(digits) && luhn(digits);
  },
  ssn: (v) => /^[0-9]{3}[- ]?[0-9]{2}[- ]?[0-9]{4}$/.test(v),
  hexcolor: (v) => /^#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(v),
  rgbcolor: (v) => RGB.test(v),
  byte: (v) => BASE64.test(v.replace(/[\r\n]/g, '')),
  password: () => true,
  date: isDate,
  duration: isDuration,
  'date-time': isDateTime,
  quantity: (v) => isQuantity(v.trim()),
};

/**
 * The canonical name of an OpenAPI format as the apiserver understands it
 * (`date-time`, `datetime` and `date_time` are one format), or undefined
 * when the apiserver ignores the format (`int32`, `int64`, `double`, any
 * unknown name).
 */
export function canonicalFormat(name: string): string | undefined {
  const normalized = name.toLowerCase().replace(/[-_]/g, '');
  if (normalized === 'datetime') return 'date-time';
  return normalized !== 'quantity' && normalized in formats ? normalized : undefined;
}
