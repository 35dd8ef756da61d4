/**
 * Command-line transfers of evidence files with progress (issue 5, item 7):
 *
 *   npm run evidence -- upload <requestId> <file> [--sha256] [--description <text>]
 *   npm run evidence -- download <evidenceId> <destination> [--purpose <text>]
 *
 * The portal is MLA_URL (default http://localhost:3000); the caller is MLA_TOKEN (an access token)
 * or MLA_API_KEY (a system-to-system key). An interrupted download resumes when run again.
 */
import { downloadEvidence, type TransferProgress, uploadEvidence } from '@mla/api-client/transfer';

const MiB = 1024 * 1024;

/** A progress line on stderr, rewritten in place: percent, mebibytes and rate. */
function progressPrinter(label: string): (progress: TransferProgress) => void {
  const started = Date.now();
  let last = 0;
  return ({ transferred, total }) => {
    const now = Date.now();
    if (now - last < 200 && transferred !== total) return;
    last = now;
    const seconds = Math.max((now - started) / 1000, 0.001);
    const percent = total ? `${((transferred / total) * 100).toFixed(1).padStart(5)} %` : '';
    process.stderr.write(
      `\r${label} ${percent} ${(transferred / MiB).toFixed(1)}${total ? ` / ${(total / MiB).toFixed(1)}` : ''} MiB ` +
        `${(transferred / MiB / seconds).toFixed(1)} MiB/s   `,
    );
    if (transferred === total) process.stderr.write('\n');
  };
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [command, target, path, ...rest] = argv;
  const credentials = {
    baseUrl: (process.env.MLA_URL ?? 'http://localhost:3000').replace(/\/$/, ''),
    token: process.env.MLA_TOKEN,
    apiKey: process.env.MLA_API_KEY,
  };
  if (!target || !path || !['upload', 'download'].includes(command ?? '')) {
    process.stderr.write(
      'usage: evidence upload <requestId> <file> [--sha256] [--description <text>]\n' +
        '       evidence download <evidenceId> <destination> [--purpose <text>]\n' +
        'env:   MLA_URL, and MLA_TOKEN or MLA_API_KEY\n',
    );
    return 2;
  }
  if (!credentials.token && !credentials.apiKey) {
    process.stderr.write('set MLA_TOKEN (an access token) or MLA_API_KEY\n');
    return 2;
  }
  if (command === 'upload') {
    const description = option(rest, 'description');
    const result = await uploadEvidence({
      ...credentials,
      requestId: target,
      file: path,
      sha256: rest.includes('--sha256') ? true : undefined,
      fields: description ? { description } : undefined,
      onProgress: progressPrinter('upload'),
    });
    process.stdout.write(`${JSON.stringify(result.ok ? result.data : result.error, null, 2)}\n`);
    return result.ok ? 0 : 1;
  }
  const result = await downloadEvidence({
    ...credentials,
    evidenceId: target,
    destination: path,
    purpose: option(rest, 'purpose'),
    onProgress: progressPrinter('download'),
  });
  process.stdout.write(`${path}: ${result.size} bytes, SHA-256 ${result.sha256} (matches the portal's)\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
