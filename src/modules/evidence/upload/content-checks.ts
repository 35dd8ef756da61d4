/**
 * Checks on what an upload claims about itself (security.md EVD-06, E3, E4): the type comes from
 * the content, never from the name or the client's Content-Type, and the name is kept only as
 * sanitised metadata (the bytes live under their hash).
 */

/** Text that a browser would run or render if it were ever served inline. */
const ACTIVE_TEXT =
  /^(?:\uFEFF)?\s*<(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta|\?xml[^>]*>\s*<(?:html|svg))/i;
const XML = /^(?:\uFEFF)?\s*<\?xml/i;

/** Types a client may name for text content, which magic bytes cannot tell apart from plain text. */
const TEXT_TYPES = new Set(['text/plain', 'text/csv', 'application/json']);

export async function detectMediaType(head: Buffer, declared: string | null): Promise<string> {
  // file-type is published as ESM only; the portal is CommonJS, hence the dynamic import.
  const { fileTypeFromBuffer } = await import('file-type');
  const detected = await fileTypeFromBuffer(head);
  // XML is told apart by its root element: an SVG or XHTML document is active content, not data.
  if (detected && detected.mime !== 'application/xml') return detected.mime;
  const text = asText(head);
  if (text === undefined) return detected?.mime ?? 'application/octet-stream';
  if (ACTIVE_TEXT.test(text)) return 'text/html';
  if (detected || XML.test(text)) return xmlType(text);
  const claimed = declared?.split(';')[0].trim().toLowerCase();
  return claimed && TEXT_TYPES.has(claimed) ? claimed : 'text/plain';
}

/** The type of an XML document by its root element, past the prolog, comments and doctype. */
function xmlType(text: string): string {
  const body = text
    .replace(/^\uFEFF/, '')
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/gi, '')
    .trimStart();
  const root = /^<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(body)?.[2]?.toLowerCase();
  if (root === 'svg') return 'image/svg+xml';
  if (root === 'html') return 'application/xhtml+xml';
  return 'application/xml';
}

/** The head as text when it is UTF-8 without NUL bytes; a character cut at the end is tolerated. */
function asText(head: Buffer): string | undefined {
  if (head.length === 0 || head.includes(0)) return head.length === 0 ? '' : undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return undefined;
  }
}

const MAX_NAME_LENGTH = 200;
/**
 * Controls, format characters (the bidirectional overrides and isolates that disguise an extension,
 * zero-width characters, byte-order marks) and line or paragraph separators (E3).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/**
 * A file name safe to store and to offer back in Content-Disposition: the last path segment only,
 * no controls or direction overrides, no leading dots, at most 200 characters with the extension
 * kept. Whatever is left empty becomes `evidence`.
 */
export function sanitiseFileName(raw: string): string {
  // Lone surrogates become U+FFFD first, so the stored name and the signed receipt cannot differ.
  const lastSegment = raw.toWellFormed().normalize('NFC').split(/[\\/]/).pop() ?? '';
  let name = lastSegment
    .replace(UNSAFE, '')
    .replace(/[<>:"|?*]/g, '_')
    .trim();
  name = name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  if ([...name].length > MAX_NAME_LENGTH) {
    const characters = [...name];
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 16 ? [...name.slice(dot)] : [];
    name = characters.slice(0, MAX_NAME_LENGTH - extension.length).join('') + extension.join('');
  }
  return name || 'evidence';
}
