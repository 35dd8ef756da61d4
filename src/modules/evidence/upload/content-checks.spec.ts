import { detectMediaType, sanitiseFileName } from './content-checks';

describe('sanitiseFileName', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Windows\\system32\\cmd.exe', 'cmd.exe'],
    ['report\u0000.pdf', 'report.pdf'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['bell\u0007\u0085name.txt', 'bellname.txt'],
    ['zero\u200bwidth\ufeff\u2028line.txt', 'zerowidthline.txt'],
    ['lone\ud800surrogate.txt', 'lone\ufffdsurrogate.txt'],
    ['...hidden', 'hidden'],
    ['con.txt', '_con.txt'],
    ['a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'],
    ['', 'evidence'],
    ['../..', 'evidence'],
    ['Biên bản lấy lời khai.pdf', 'Biên bản lấy lời khai.pdf'],
  ])('should turn %j into %j', (raw, expected) => {
    expect(sanitiseFileName(raw)).toBe(expected);
  });

  it('should cut long names to 200 characters and keep the extension', () => {
    const name = sanitiseFileName(`${'é'.repeat(400)}.tar.gz`);
    expect([...name]).toHaveLength(200);
    expect(name.endsWith('.gz')).toBe(true);
  });
});

describe('detectMediaType', () => {
  it('should trust the content, not the declared type', async () => {
    expect(await detectMediaType(Buffer.from('%PDF-1.7\n'), 'image/png')).toBe('application/pdf');
    expect(
      await detectMediaType(
        Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array(64).fill(0)]),
        'application/pdf',
      ),
    ).toBe('application/x-elf');
    expect(await detectMediaType(Buffer.from('  <!doctype html><p>x'), 'text/plain')).toBe('text/html');
    expect(await detectMediaType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), null)).toBe(
      'text/html',
    );
    expect(await detectMediaType(Buffer.from('<?xml version="1.0"?><a/>'), null)).toBe('application/xml');
    const svg =
      '<?xml version="1.0"?>\n<!-- drawn -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n<svg:svg xmlns:svg="http://www.w3.org/2000/svg"/>';
    expect(await detectMediaType(Buffer.from(svg), 'application/xml')).toBe('image/svg+xml');
    expect(
      await detectMediaType(
        Buffer.from('\uFEFF<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>'),
        null,
      ),
    ).toBe('text/html');
  });

  it('should take a text type from the client only for text content', async () => {
    expect(await detectMediaType(Buffer.from('a,b\n1,2\n'), 'text/csv')).toBe('text/csv');
    expect(await detectMediaType(Buffer.from('a,b\n1,2\n'), 'application/pdf')).toBe('text/plain');
    expect(await detectMediaType(Buffer.from([0, 1, 2, 3, 250, 251]), 'text/csv')).toBe(
      'application/octet-stream',
    );
    // A multi-byte character cut at the end of the sniffed head is still text.
    expect(await detectMediaType(Buffer.from('Biên bản').subarray(0, 4), null)).toBe('text/plain');
  });
});
