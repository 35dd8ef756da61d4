import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A PostgreSQL cluster of the test's own, for faults that would disturb every other suite on the
 * shared server (an immediate restart). The binaries of the installed PostgreSQL (PG_BIN, by
 * default Debian's 15); as root they run as the postgres user, since PostgreSQL refuses root.
 */
export class PrivateCluster {
  readonly dir: string;
  private readonly data: string;
  private readonly log: string;

  constructor(readonly port: number) {
    this.dir = mkdtempSync(join(tmpdir(), 'mla-rel-pg-'));
    this.data = join(this.dir, 'data');
    this.log = join(this.dir, 'postgres.log');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  init(): void {
    const bin = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
    if (!existsSync(join(bin, 'initdb')))
      throw new Error(
        `no PostgreSQL binaries in ${bin}: set PG_BIN to the directory holding initdb and pg_ctl`,
      );
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(this.dir, uid, gid);
    }
    this.run('initdb', ['-D', this.data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  }

  start(): void {
    this.pgCtl(['start']);
  }

  /**
   * `pg_ctl restart -m immediate`: every backend is dropped without a checkpoint; crash recovery on
   * start. Asynchronous, so the test's load and probes keep running through the outage.
   */
  async restartImmediate(): Promise<void> {
    const [command, argv] = this.command('pg_ctl', this.pgCtlArgs(['restart', '-m', 'immediate']));
    await promisify(execFile)(command, argv, { cwd: this.dir });
  }

  stop(): void {
    if (existsSync(join(this.data, 'postmaster.pid'))) this.pgCtl(['stop', '-m', 'immediate']);
  }

  destroy(): void {
    try {
      this.stop();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  logText(): string {
    return existsSync(this.log) ? readFileSync(this.log, 'utf8') : '';
  }

  private pgCtl(args: string[]): void {
    this.run('pg_ctl', this.pgCtlArgs(args));
  }

  private pgCtlArgs(args: string[]): string[] {
    return [
      '-D',
      this.data,
      '-l',
      this.log,
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`,
      ...args,
    ];
  }

  private command(tool: string, args: string[]): [string, string[]] {
    const bin = join(process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin', tool);
    return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  }

  private run(tool: string, args: string[]): void {
    const [command, argv] = this.command(tool, args);
    execFileSync(command, argv, { stdio: 'ignore', cwd: this.dir });
  }
}
