import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import {
  PartyRelation,
  REQUEST_STATUSES,
  RequestStatus,
  TRANSITIONS,
  type Role,
  type TransitionActor,
  type TransitionRule,
} from '@mla/contracts';

export const BEGIN_MARKER = '<!-- workflow:begin -->';
export const END_MARKER = '<!-- workflow:end -->';
const GENERATED_NOTE =
  '<!-- Generated from TRANSITIONS in libs/contracts/src/request-lifecycle.ts by `npm run docs:workflow`: edit the table there, not here. -->';

const RELATION_LABELS: Record<PartyRelation, string> = {
  [PartyRelation.RequestingAgency]: 'requesting agency',
  [PartyRelation.RequestingCentralAuthority]: 'requesting central authority',
  [PartyRelation.RequestedAgency]: 'requested agency',
  [PartyRelation.ExecutingAgency]: 'executing agency',
};

/** Short forms for the diagram, where every edge label has to stay readable. */
const RELATION_SHORT: Record<PartyRelation, string> = {
  [PartyRelation.RequestingAgency]: 'requesting agency',
  [PartyRelation.RequestingCentralAuthority]: 'requesting CA',
  [PartyRelation.RequestedAgency]: 'requested agency',
  [PartyRelation.ExecutingAgency]: 'executing agency',
};

const humanise = (code: string): string => code.replaceAll('_', ' ');

function actorText(actor: TransitionActor, relations: Record<PartyRelation, string>): string {
  return `${relations[actor.relation]}: ${actor.roles.map((role: Role) => humanise(role)).join(', ')}`;
}

/** Every edge: one transition rule fired from one of its source states. */
function edges(): Array<{ from: RequestStatus; rule: TransitionRule }> {
  return TRANSITIONS.flatMap((rule) => rule.from.map((from) => ({ from, rule })));
}

/** States no rule leaves: the end of the line, drawn as such. */
function finalStatuses(): RequestStatus[] {
  return REQUEST_STATUSES.filter((status) => !TRANSITIONS.some((rule) => rule.from.includes(status)));
}

export function renderMermaid(): string {
  const lines = ['```mermaid', 'stateDiagram-v2', `  [*] --> ${RequestStatus.Draft}`];
  for (const { from, rule } of edges()) {
    // Mermaid ends a label at the first colon, so actors are joined with slashes here.
    const who = rule.actors.map((actor) => actorText(actor, RELATION_SHORT).replace(': ', ' – ')).join(' / ');
    lines.push(`  ${from} --> ${rule.to} : ${rule.action} (${who})`);
    if (rule.untranslatedTo)
      lines.push(`  ${from} --> ${rule.untranslatedTo} : ${rule.action}, language not accepted (${who})`);
  }
  for (const status of finalStatuses()) lines.push(`  ${status} --> [*]`);
  lines.push('```');
  return lines.join('\n');
}

export function renderTable(): string {
  const rows = TRANSITIONS.map((rule) =>
    [
      rule.from.map((status) => `\`${status}\``).join(', '),
      rule.scope === 'offer'
        ? `\`${rule.action}\` (spontaneous information only)`
        : rule.scope === 'request'
          ? `\`${rule.action}\` (not for spontaneous information)`
          : `\`${rule.action}\``,
      rule.untranslatedTo ? `\`${rule.to}\` (\`${rule.untranslatedTo}\` until translated)` : `\`${rule.to}\``,
      rule.actors.map((actor) => actorText(actor, RELATION_LABELS)).join('; '),
      rule.requires.length > 0 ? rule.requires.join(', ') : '–',
      rule.notByAuthor ? 'yes: not by the author' : '–',
      rule.recordsMessage ? `\`${rule.recordsMessage}\`` : '–',
    ].join(' | '),
  );
  return [
    '| From | Action | To | Who (relation: roles) | Required inputs | Four-eyes | Message recorded |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

export function renderWorkflowBlock(): string {
  return [BEGIN_MARKER, GENERATED_NOTE, '', renderMermaid(), '', renderTable(), '', END_MARKER].join('\n');
}

/** The document with its generated block replaced; the prose around it is left as written. */
export function withGeneratedBlock(document: string, block = renderWorkflowBlock()): string {
  const begin = document.indexOf(BEGIN_MARKER);
  const end = document.indexOf(END_MARKER);
  if (begin < 0 || end < begin) {
    throw new Error(`docs/workflow.md must contain the markers ${BEGIN_MARKER} and ${END_MARKER}`);
  }
  return document.slice(0, begin) + block + document.slice(end + END_MARKER.length);
}

export const WORKFLOW_DOC = join('docs', 'workflow.md');

/**
 * The whole document as it should be committed: generated block in place, then formatted the way
 * `npm run format` would, so the formatter and this generator never undo each other's work.
 */
export async function renderWorkflowDocument(path: string, current: string): Promise<string> {
  const options = await resolveConfig(path);
  return format(withGeneratedBlock(current), { ...options, filepath: path });
}

async function main(): Promise<void> {
  // Compiled to dist/scripts/, so the repository root is two levels up.
  const path = join(__dirname, '..', '..', WORKFLOW_DOC);
  const current = readFileSync(path, 'utf8');
  const next = await renderWorkflowDocument(path, current);
  if (next === current) {
    process.stdout.write(`${path} is up to date\n`);
    return;
  }
  writeFileSync(path, next);
  process.stdout.write(`wrote ${path}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
