import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package version, read once from package.json (dist/ and src/ sit one level below it). */
export const GEOLAB_VERSION: string = (
  JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;
