import { canonicalJson } from './canonical-json';

/**
 * What replaces the body of an entry past retention (security.md §4.3, "Retention (AU-11)"): the
 * canonical JSON of `{ id, leafHash, redacted: true, seq, ts, type }`. It names the entry and the
 * leaf hash of the body it replaces, which stays in the tree; it does not hash to that leaf and
 * does not pretend to, so verifiers take the leaf hash as given for a redacted entry and rely on
 * the signed roots to vouch for it. The database's `audit_redaction_marker` function (migration
 * 1795902100000) builds the same text, and the UPDATE trigger accepts no other body; verify()
 * recomputes it here, so the two cannot drift apart unnoticed.
 */
export interface RedactionMarker {
  id: string;
  /** Hex, as in `audit_entry.leaf_hash`. */
  leafHash: string;
  redacted: true;
  seq: number;
  ts: string;
  type: string;
}

export function redactionMarker(entry: {
  seq: number;
  id: string;
  ts: Date;
  action: string;
  leafHash: string;
}): string {
  const marker: RedactionMarker = {
    id: entry.id,
    leafHash: entry.leafHash,
    redacted: true,
    seq: entry.seq,
    ts: entry.ts.toISOString(),
    type: entry.action,
  };
  return canonicalJson(marker);
}
