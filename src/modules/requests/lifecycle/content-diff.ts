/** One difference between two versions of a request's content, at a field path. */
export interface ContentChange {
  /** E.g. `targets[0].timestamp.timeZone`, in the same notation as validation errors. */
  path: string;
  /** Absent when the field was added. */
  before?: unknown;
  /** Absent when the field was removed. */
  after?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The leaf-level differences between two JSON values, in path order. Arrays are compared position
 * by position: a request's lists are short and their order is meaningful (targets[0] is the one a
 * question named), so an inserted element shows as changes from there on, which a reader follows.
 */
export function diffContent(before: unknown, after: unknown, path = ''): ContentChange[] {
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: ContentChange[] = [];
    for (let index = 0; index < Math.max(before.length, after.length); index += 1) {
      const at = `${path}[${index}]`;
      if (index >= after.length) changes.push({ path: at, before: before[index] });
      else if (index >= before.length) changes.push({ path: at, after: after[index] });
      else changes.push(...diffContent(before[index], after[index], at));
    }
    return changes;
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => {
      const at = path ? `${path}.${key}` : key;
      if (!(key in after) || after[key] === undefined) {
        return before[key] === undefined ? [] : [{ path: at, before: before[key] }];
      }
      if (!(key in before) || before[key] === undefined) return [{ path: at, after: after[key] }];
      return diffContent(before[key], after[key], at);
    });
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path || '$', before, after }];
}
