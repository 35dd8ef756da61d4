// `npm start`: build only when the compiled output is missing or older than the sources, then run
// the portal. A fresh clone builds once; later starts go straight to the server (budget: < 3 s).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ENTRY = 'dist/src/main.js';
// The web application, built by the same `npm run build` into dist/web and served at `/`.
const WEB_ENTRY = 'dist/web/index.html';
const SOURCES = [
  'src',
  'libs/contracts/src',
  'libs/api-client/src',
  'web/src',
  'web/index.html',
  'web/vite.config.mts',
  'web/tsconfig.json',
  'scripts',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'package-lock.json',
];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (newest, name) => Math.max(newest, newestMtime(join(path, name))),
    stat.mtimeMs,
  );
}

// The older of the two outputs: a missing or stale server or web application rebuilds both.
const builtAt = Math.min(
  ...[ENTRY, WEB_ENTRY].map((path) => (existsSync(path) ? statSync(path).mtimeMs : 0)),
);
if (builtAt === 0 || SOURCES.some((source) => newestMtime(source) > builtAt)) {
  process.stdout.write('Building the portal (sources changed since the last build)…\n');
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// Run the server as a child and pass stop signals on, so `kill` of npm stops the portal gracefully
// instead of orphaning it.
const server = spawn(process.execPath, [ENTRY, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
// The server's own exit code: 0 after a graceful stop, 1 when it failed or overran; 128 + n if killed.
const SIGNAL_NUMBERS = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
server.on('exit', (code, signal) => process.exit(code ?? 128 + (SIGNAL_NUMBERS[signal] ?? 1)));
