import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * security.md §7 numbers its attack cases; each authentication case must keep a test whose title
 * starts with its number, so deleting or renaming one is a visible change, not a silent gap.
 */
const REQUIRED = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10', 'A11', 'A12', 'A13'];

function specFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? specFiles(join(directory, entry.name))
      : entry.name.endsWith('.e2e-spec.ts')
        ? [join(directory, entry.name)]
        : [],
  );
}

describe('Attack cases of security.md §7', () => {
  it('should have an e2e test for each authentication case A1 to A13', () => {
    const titles = specFiles(join(__dirname, '..')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bit\(\s*'([A-Z]\d+)\b/g)].map((match) => match[1]),
    );
    expect(REQUIRED.filter((id) => !titles.includes(id))).toEqual([]);
  });
});
