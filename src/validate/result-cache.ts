/**
 * A persistent memo of objects already found valid, for repeated synths of
 * mostly unchanged platforms (`npm run synth` runs constantly).
 *
 * Validation is a pure function of the object, the generated validator of
 * its kind and the validator code, so an object is looked up by a hash of
 * exactly these: the object's JSON, the ids of its validator module and
 * skeleton (content hashes of schema and generator), and the fingerprint of
 * the validator sources recorded at build time. Any change to one of them is
 * a different key, so a hit means the object was validated, with the same
 * code and schema, and had no issue. Invalid objects are never remembered.
 *
 * The file holds the keys of the last run only, so it does not grow.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Keys of valid objects, loaded from and saved to one JSON file. */
export class ValidationCache {
  private readonly known: ReadonlySet<string>;
  private readonly valid = new Set<string>();

  /** @param file the cache file; a missing or unreadable file is an empty cache */
  public constructor(private readonly file: string) {
    let keys: unknown;
    try {
      keys = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      keys = [];
    }
    this.known = new Set(Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : []);
  }

  /** The key of an object validated by the validator `identity`. */
  public static key(object: unknown, identity: string): string {
    return createHash('sha256').update(identity).update('\0').update(JSON.stringify(object)).digest('base64url');
  }

  /** True when the object with this key was valid in the previous run; it stays remembered. */
  public hit(key: string): boolean {
    if (!this.known.has(key)) return false;
    this.valid.add(key);
    return true;
  }

  /** Remembers a key of a valid object. */
  public remember(key: string): void {
    this.valid.add(key);
  }

  /** Writes the keys of this run (atomically; a failure to write only loses the cache). */
  public save(): void {
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify([...this.valid].sort()));
      fs.renameSync(tmp, this.file);
    } catch {
      // A read-only or missing cache folder only costs the next run its speed.
    }
  }
}
