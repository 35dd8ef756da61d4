import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const MAIN = join(ROOT, 'dist/src/main.js');

/**
 * The built server, rebuilt when any source file is newer than it (CI has built it just before the
 * tests). Called once, from the e2e global set-up.
 */
export function ensureBuilt(): void {
  const newest = (directory: string): number =>
    readdirSync(directory, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .reduce((latest, entry) => Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs), 0);
  const built = existsSync(MAIN) ? statSync(MAIN).mtimeMs : 0;
  if (built < Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'libs/contracts/src'))))
    execFileSync('npx', ['nest', 'build'], { cwd: ROOT, stdio: 'ignore' });
}
