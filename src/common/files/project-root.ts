import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The checkout or installation root (holding package.json and the shipped data in profiles/), from
 * src/ under jest or dist/src/ when built.
 */
export function projectRoot(): string {
  let directory = __dirname;
  while (!existsSync(join(directory, 'package.json')) || !existsSync(join(directory, 'profiles'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error('profiles/ not found above ' + __dirname);
    directory = parent;
  }
  return directory;
}
