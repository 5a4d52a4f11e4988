/**
 * The CEL and protobuf packages, loaded on first use. Loading them costs
 * about a tenth of a second, more than validating a whole platform, and a
 * synth whose objects are all known to be valid (result cache) or have no
 * rules never needs them.
 *
 * `npm run build` bundles them into one file, `lib/vendor/cel.js` (the same
 * pinned versions; see `scripts/bundle-cel.ts`), which loads in half the
 * time of their hundreds of small files. Without it the packages are loaded
 * from `node_modules`.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { libDir } from '../package-dir';

const load = createRequire(__filename);

/** The packages CEL evaluation uses. */
export interface CelPackages {
  readonly cel: typeof import('@bufbuild/cel');
  readonly ext: typeof import('@bufbuild/cel/ext');
  readonly protobuf: typeof import('@bufbuild/protobuf');
  readonly wkt: typeof import('@bufbuild/protobuf/wkt');
  readonly reflect: typeof import('@bufbuild/protobuf/reflect');
}

let packages: CelPackages | undefined;

/** The CEL packages, loaded by the first call. */
export function celPackages(): CelPackages {
  if (packages === undefined) {
    const bundle = path.join(libDir(), 'vendor', 'cel.js');
    packages = fs.existsSync(bundle)
      ? (load(bundle) as CelPackages)
      : {
          cel: load('@bufbuild/cel') as CelPackages['cel'],
          ext: load('@bufbuild/cel/ext') as CelPackages['ext'],
          protobuf: load('@bufbuild/protobuf') as CelPackages['protobuf'],
          wkt: load('@bufbuild/protobuf/wkt') as CelPackages['wkt'],
          reflect: load('@bufbuild/protobuf/reflect') as CelPackages['reflect'],
        };
  }
  return packages;
}
