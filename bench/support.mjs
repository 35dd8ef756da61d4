// What the benchmarks share: command-line options, the median, a process's resident memory, and
// starting the built portal (dist/) as a process of its own so that its memory is measured apart.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** `--name <number>` from the command line, or `fallback`. */
export function option(name, fallback) {
  const args = process.argv.slice(2);
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Resident memory of a live process in MiB, from /proc; 0 once it is gone. */
export function rssMb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/**
 * Starts `node dist/src/main.js` on 127.0.0.1:`port` with `env` over the caller's environment, the
 * background jobs off and logs silent, and resolves once /health/ready answers 200.
 * BENCH_NODE_ARGS adds Node options to the portal (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
export async function startPortal(port, env) {
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_NODE_ARGS?.split(' ') ?? []), 'dist/src/main.js'],
    {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        EVIDENCE_JOBS: 'false',
        DEADLINE_JOB: 'false',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`portal exited with ${child.exitCode}`);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return child;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error('portal not ready');
}

/** SIGTERM, and wait until it has exited. */
export async function stopPortal(child) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
