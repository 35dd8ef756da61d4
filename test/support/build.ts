import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const MAIN = join(ROOT, 'dist/src/main.js');
const WEB_INDEX = join(ROOT, 'dist/web/index.html');

/** The newest modification time of the files under `directory` whose names end in one of `endings`. */
function newest(directory: string, endings: readonly string[]): number {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && endings.some((ending) => entry.name.endsWith(ending)))
    .reduce((latest, entry) => Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs), 0);
}

const builtAt = (file: string): number => (existsSync(file) ? statSync(file).mtimeMs : 0);

/**
 * The built server and web application, each rebuilt when any of its sources is newer than it (CI
 * has built both just before the tests). Called once, from the e2e global set-up. The portal under
 * test serves the web application from dist/web, which the browser tests (test/browser) drive.
 */
export function ensureBuilt(): void {
  if (
    builtAt(MAIN) <
    Math.max(newest(join(ROOT, 'src'), ['.ts']), newest(join(ROOT, 'libs/contracts/src'), ['.ts']))
  )
    execFileSync('npx', ['nest', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const webSources = Math.max(
    newest(join(ROOT, 'web'), ['.ts', '.tsx', '.mts', '.json', '.css', '.html']),
    newest(join(ROOT, 'libs/api-client/src'), ['.ts']),
  );
  if (builtAt(WEB_INDEX) < webSources)
    execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.mts'], { cwd: ROOT, stdio: 'ignore' });
}
