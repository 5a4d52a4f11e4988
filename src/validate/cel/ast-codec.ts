/**
 * A compact, JSON-safe form of parsed CEL expressions, so that rules are
 * parsed once, when schemas are built, instead of on every run: parsing is
 * most of the cost of a first validation, and reading this form back is
 * about ten times cheaper.
 *
 * An encoded expression is an array `[id, tag, ...fields]`:
 *
 * | tag | expression | fields |
 * |---|---|---|
 * | `c` | constant | kind (`n` null, `b` bool, `i` int, `u` uint, `d` double, `s` string, `y` bytes as base64), value |
 * | `i` | identifier | name |
 * | `s` | select | operand, field, testOnly (0/1) |
 * | `f` | call | function, target or null, args |
 * | `l` | list | elements, optional indices |
 * | `o` | struct / map | message name, entries `[id, 'f' or 'm', field name or key expression, value, optional (0/1)]` |
 * | `x` | comprehension | iterVar, iterVar2, iterRange, accuVar, accuInit, loopCondition, loopStep, result |
 *
 * {@link decodeExpr} rebuilds exactly the `cel.expr.Expr` messages that
 * `parse()` of `@bufbuild/cel` returns (without source positions).
 */
import type { Constant, Expr } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';

/** An encoded expression (JSON). */
export type EncodedExpr = readonly unknown[];

type Kind = Expr['exprKind'];

/** Encodes a parsed expression. @throws Error for constant kinds CEL no longer produces (duration, timestamp literals) */
export function encodeExpr(expr: Expr): EncodedExpr {
  const id = Number(expr.id);
  const k = expr.exprKind;
  switch (k.case) {
    case 'constExpr':
      return [id, 'c', ...encodeConstant(k.value)];
    case 'identExpr':
      return [id, 'i', k.value.name];
    case 'selectExpr':
      return [id, 's', k.value.operand ? encodeExpr(k.value.operand) : null, k.value.field, k.value.testOnly ? 1 : 0];
    case 'callExpr':
      return [id, 'f', k.value.function, k.value.target ? encodeExpr(k.value.target) : null, k.value.args.map(encodeExpr)];
    case 'listExpr':
      return [id, 'l', k.value.elements.map(encodeExpr), [...k.value.optionalIndices]];
    case 'structExpr':
      return [
        id,
        'o',
        k.value.messageName,
        k.value.entries.map((e) => [Number(e.id), e.keyKind.case === 'fieldKey' ? 'f' : 'm', e.keyKind.case === 'fieldKey' ? e.keyKind.value : e.keyKind.value ? encodeExpr(e.keyKind.value) : null, e.value ? encodeExpr(e.value) : null, e.optionalEntry ? 1 : 0]),
      ];
    case 'comprehensionExpr': {
      const c = k.value;
      const sub = (e: Expr | undefined): EncodedExpr | null => (e ? encodeExpr(e) : null);
      return [id, 'x', c.iterVar, c.iterVar2, sub(c.iterRange), c.accuVar, sub(c.accuInit), sub(c.loopCondition), sub(c.loopStep), sub(c.result)];
    }
    default:
      throw new Error(`cannot encode CEL expression kind ${String(k.case)}`);
  }
}

function encodeConstant(c: Constant): unknown[] {
  const k = c.constantKind;
  switch (k.case) {
    case 'nullValue':
      return ['n'];
    case 'boolValue':
      return ['b', k.value];
    case 'int64Value':
      return ['i', k.value.toString()];
    case 'uint64Value':
      return ['u', k.value.toString()];
    case 'doubleValue':
      return ['d', Number.isFinite(k.value) ? k.value : String(k.value)];
    case 'stringValue':
      return ['s', k.value];
    case 'bytesValue':
      return ['y', Buffer.from(k.value).toString('base64')];
    default:
      throw new Error(`cannot encode CEL constant kind ${String(k.case)}`);
  }
}

const msg = <T extends object>(typeName: string, fields: T): T & { $typeName: string } => ({ $typeName: typeName, ...fields });

/** Rebuilds a parsed expression from its encoded form. */
export function decodeExpr(encoded: EncodedExpr): Expr {
  return msg('cel.expr.Expr', { id: BigInt(encoded[0] as number), exprKind: decodeKind(encoded) }) as unknown as Expr;
}

function decodeKind(e: EncodedExpr): Kind {
  const sub = (x: unknown): Expr | undefined => (x === null ? undefined : decodeExpr(x as EncodedExpr));
  switch (e[1]) {
    case 'c':
      return { case: 'constExpr', value: msg('cel.expr.Constant', { constantKind: decodeConstant(e[2] as string, e[3]) }) } as Kind;
    case 'i':
      return { case: 'identExpr', value: msg('cel.expr.Expr.Ident', { name: e[2] as string }) } as Kind;
    case 's':
      return { case: 'selectExpr', value: msg('cel.expr.Expr.Select', { operand: sub(e[2]), field: e[3] as string, testOnly: e[4] === 1 }) } as Kind;
    case 'f':
      return { case: 'callExpr', value: msg('cel.expr.Expr.Call', { target: sub(e[3]), function: e[2] as string, args: (e[4] as EncodedExpr[]).map(decodeExpr) }) } as Kind;
    case 'l':
      return { case: 'listExpr', value: msg('cel.expr.Expr.CreateList', { elements: (e[2] as EncodedExpr[]).map(decodeExpr), optionalIndices: [...(e[3] as number[])] }) } as Kind;
    case 'o':
      return {
        case: 'structExpr',
        value: msg('cel.expr.Expr.CreateStruct', {
          messageName: e[2] as string,
          entries: (e[3] as unknown[][]).map((entry) =>
            msg('cel.expr.Expr.CreateStruct.Entry', {
              id: BigInt(entry[0] as number),
              keyKind: entry[1] === 'f' ? { case: 'fieldKey', value: entry[2] as string } : { case: 'mapKey', value: sub(entry[2]) },
              value: sub(entry[3]),
              optionalEntry: entry[4] === 1,
            }),
          ),
        }),
      } as Kind;
    case 'x':
      return {
        case: 'comprehensionExpr',
        value: msg('cel.expr.Expr.Comprehension', {
          iterVar: e[2] as string,
          iterVar2: e[3] as string,
          iterRange: sub(e[4]),
          accuVar: e[5] as string,
          accuInit: sub(e[6]),
          loopCondition: sub(e[7]),
          loopStep: sub(e[8]),
          result: sub(e[9]),
        }),
      } as Kind;
    default:
      throw new Error(`cannot decode CEL expression tag ${String(e[1])}`);
  }
}

function decodeConstant(kind: string, value: unknown): Constant['constantKind'] {
  switch (kind) {
    case 'n':
      return { case: 'nullValue', value: 0 } as Constant['constantKind'];
    case 'b':
      return { case: 'boolValue', value: value as boolean };
    case 'i':
      return { case: 'int64Value', value: BigInt(value as string) };
    case 'u':
      return { case: 'uint64Value', value: BigInt(value as string) };
    case 'd':
      return { case: 'doubleValue', value: Number(value) };
    case 's':
      return { case: 'stringValue', value: value as string };
    case 'y':
      return { case: 'bytesValue', value: new Uint8Array(Buffer.from(value as string, 'base64')) };
    default:
      throw new Error(`cannot decode CEL constant kind ${kind}`);
  }
}
