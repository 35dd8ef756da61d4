import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  END_MARKER,
  WORKFLOW_DOC,
  renderMermaid,
  renderTable,
  renderWorkflowDocument,
  withGeneratedBlock,
} from '../../../scripts/workflow-diagram';
import { REQUEST_STATUSES, TRANSITIONS } from './request-lifecycle';

describe('docs/workflow.md', () => {
  it('should show the transition table as it is in the code (else run npm run docs:workflow)', async () => {
    const path = join(__dirname, '..', '..', '..', WORKFLOW_DOC);
    const document = readFileSync(path, 'utf8');
    const regenerated = await renderWorkflowDocument(path, document);
    if (regenerated !== document) {
      const lines = document.split('\n');
      const line = regenerated.split('\n').findIndex((text, index) => text !== lines[index]);
      throw new Error(
        `${WORKFLOW_DOC} no longer matches TRANSITIONS in libs/contracts/src/request-lifecycle.ts ` +
          `(first difference at line ${line + 1}). Run \`npm run docs:workflow\` and commit the result.`,
      );
    }
  });

  it('should draw one edge per source state of every rule, and every status', () => {
    const diagram = renderMermaid();
    const edges = diagram
      .split('\n')
      .filter((line) => / --> (?!\[\*\])/.test(line) && !line.includes('[*] -->'));
    // An action that may lead elsewhere until the request is translated draws a second edge.
    expect(edges).toHaveLength(
      TRANSITIONS.reduce((count, rule) => count + rule.from.length * (rule.untranslatedTo ? 2 : 1), 0),
    );
    for (const rule of TRANSITIONS) {
      for (const from of rule.from) {
        expect(edges.some((line) => line.startsWith(`  ${from} --> ${rule.to} : ${rule.action} (`))).toBe(
          true,
        );
      }
    }
    for (const status of REQUEST_STATUSES) expect(diagram).toContain(status);
    // A semicolon would end the statement in Mermaid and cut the label short.
    expect(edges.filter((line) => line.includes(';'))).toEqual([]);
    expect(renderTable().split('\n')).toHaveLength(TRANSITIONS.length + 2);
  });

  it('should refuse to write into a document that lost its markers', () => {
    expect(() => withGeneratedBlock(`# Workflow\n${END_MARKER}\n`)).toThrow(/must contain the markers/);
  });
});
