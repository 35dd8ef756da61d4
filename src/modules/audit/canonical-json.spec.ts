import { join } from 'node:path';
import fc from 'fast-check';
import { chainHash, GENESIS_CHAIN_HASH, leafHash } from './audit-hash';
import { canonicalJson, isCanonicalJson } from './canonical-json';

describe('canonical JSON (RFC 8785 subset)', () => {
  it('should sort keys by code unit, drop undefined members and keep array order', () => {
    expect(canonicalJson({ b: 1, a: [3, 1, { d: null, c: 'x' }], é: true, Z: undefined, z: 'ü' })).toBe(
      '{"a":[3,1,{"c":"x","d":null}],"b":1,"z":"ü","é":true}',
    );
  });

  it('should write numbers and escapes as JSON.stringify does', () => {
    expect(canonicalJson({ n: 1e21, f: 0.1, s: 'line\nbreak "q" \u2028' })).toBe(
      '{"f":0.1,"n":1e+21,"s":"line\\nbreak \\"q\\" \u2028"}',
    );
  });

  it('should refuse values that have no canonical form', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });
});

describe("the standalone verifier's canonical JSON (scripts/audit-verify-core.mjs)", () => {
  it("should give the portal's canonical form of anything JSON.parse returns, and so accept exactly its bodies", async () => {
    const core = (await import(join(__dirname, '../../../scripts/audit-verify-core.mjs'))) as {
      canonicalJson(value: unknown): string;
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = JSON.parse(JSON.stringify(value)) as unknown;
        expect(core.canonicalJson(parsed)).toBe(canonicalJson(parsed));
      }),
      { numRuns: 500 },
    );
    const body = canonicalJson({ v: 1, seq: 7, data: { é: 'ü', a: [1, null, { z: 0.5, b: '\u2028' }] } });
    expect(core.canonicalJson(JSON.parse(body))).toBe(body);
    expect(core.canonicalJson(JSON.parse('{"seq": 7}'))).not.toBe('{"seq": 7}');
  });
});

describe('the fast canonical check (isCanonicalJson), in the portal and in the standalone verifier', () => {
  type Check = (text: string, parsed: unknown) => boolean;
  let checks: Array<[string, Check]>;

  beforeAll(async () => {
    const core = (await import(join(__dirname, '../../../scripts/audit-verify-core.mjs'))) as {
      isCanonicalJson: Check;
    };
    checks = [
      ['portal', isCanonicalJson],
      ['verifier', core.isCanonicalJson],
    ];
  });

  it('should agree with full canonicalisation on any JSON text, canonical or not', () => {
    // Texts in every key order JSON.stringify can give, including integer-like keys that
    // JavaScript moves to the front, whitespace and escapes written differently.
    const texts = fc.oneof(
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.jsonValue().map((value) => canonicalJson(JSON.parse(JSON.stringify(value)))),
      fc.jsonValue().map((value) => JSON.stringify(value, null, 1)),
      fc
        .dictionary(fc.oneof(fc.string(), fc.nat().map(String)), fc.jsonValue())
        .map((value) => JSON.stringify(value)),
    );
    for (const [, check] of checks) {
      fc.assert(
        fc.property(texts, (text) => {
          const parsed = JSON.parse(text) as unknown;
          expect(check(text, parsed)).toBe(canonicalJson(parsed) === text);
        }),
        { numRuns: 1000 },
      );
    }
  });

  it('should decide the cases the fast path cannot see alone', () => {
    for (const [, check] of checks) {
      expect(check('{"10":2,"9":3,"b":1}', JSON.parse('{"10":2,"9":3,"b":1}'))).toBe(true);
      expect(check('{"9":3,"10":2}', JSON.parse('{"9":3,"10":2}'))).toBe(false);
      expect(check('{"a":1,"a":2}', JSON.parse('{"a":1,"a":2}'))).toBe(false);
      expect(check('{"b":1,"a":2}', JSON.parse('{"b":1,"a":2}'))).toBe(false);
      expect(check('{"n":-0}', JSON.parse('{"n":-0}'))).toBe(false);
      expect(check('{"s":"\\u00e9"}', JSON.parse('{"s":"\\u00e9"}'))).toBe(false);
      expect(check('{"a":[1,{"x":null,"y":"é"}]}', JSON.parse('{"a":[1,{"x":null,"y":"é"}]}'))).toBe(true);
    }
  });
});

describe('audit hashes', () => {
  it('should hash a leaf as SHA-256(0x00 || body), the RFC 9162 leaf hash', () => {
    // RFC 9162 test vector: the hash of the empty leaf.
    expect(leafHash('')).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  });

  it('should chain each leaf onto the previous link', () => {
    const first = chainHash(GENESIS_CHAIN_HASH, leafHash('{"seq":1}'));
    const second = chainHash(first, leafHash('{"seq":2}'));
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).not.toBe(chainHash(GENESIS_CHAIN_HASH, leafHash('{"seq":2}')));
  });
});
