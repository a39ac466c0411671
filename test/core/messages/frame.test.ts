import {
  closeCode,
  DEFAULT_MAX_FRAME_BYTES,
  parseFrame,
  utf8Length,
} from '../../../src/core/messages/frame';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('parseFrame', () => {
  it('parses JSON text and bytes', () => {
    expect(parseFrame('{"a":[1,"é"]}')).toEqual({ ok: true, value: { a: [1, 'é'] } });
    expect(parseFrame(bytes('{"a":[1,"é"]}'))).toEqual({ ok: true, value: { a: [1, 'é'] } });
    expect(parseFrame(Buffer.from('null'))).toEqual({ ok: true, value: null });
  });

  it('bounds the size, in UTF-8 bytes, before parsing (1 MiB by default)', () => {
    expect(DEFAULT_MAX_FRAME_BYTES).toBe(1_048_576);
    const big = `"${'x'.repeat(DEFAULT_MAX_FRAME_BYTES)}"`;
    expect(parseFrame(big)).toMatchObject({ ok: false, error: { code: 'too-large' } });
    expect(parseFrame(bytes(big))).toMatchObject({ ok: false, error: { code: 'too-large' } });
    // 6 characters but 12 bytes: the limit is on bytes, as on the wire.
    expect(parseFrame('"éééé"', { maxBytes: 8 })).toMatchObject({
      ok: false,
      error: { code: 'too-large' },
    });
    expect(parseFrame('"éééé"', { maxBytes: 10 }).ok).toBe(true);
  });

  it('refuses invalid UTF-8, non-JSON, deep nesting and __proto__ keys', () => {
    expect(parseFrame(new Uint8Array([0x22, 0xff, 0x22]))).toMatchObject({
      error: { code: 'not-utf8' },
    });
    expect(parseFrame('{"a":')).toMatchObject({ error: { code: 'not-json' } });
    expect(parseFrame('')).toMatchObject({ error: { code: 'not-json' } });
    const deep = '['.repeat(65) + ']'.repeat(65);
    expect(parseFrame(deep)).toMatchObject({ error: { code: 'too-deep' } });
    expect(parseFrame('['.repeat(64) + ']'.repeat(64)).ok).toBe(true);
    // Far deeper than any stack: still an answer, not a RangeError.
    const abyss = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(parseFrame(abyss)).toMatchObject({ ok: false });
    expect(parseFrame('{"x":{"__proto__":{"polluted":1}}}')).toMatchObject({
      error: { code: 'forbidden-key' },
    });
  });

  it('maps rejections to RFC 6455 close codes', () => {
    expect(closeCode('too-large')).toBe(1009);
    expect(closeCode('not-utf8')).toBe(1007);
    expect(closeCode('not-json')).toBe(1007);
    expect(closeCode('bad-shape')).toBe(1008);
  });
});

describe('utf8Length', () => {
  it('agrees with TextEncoder, lone surrogates included', () => {
    for (const s of ['', 'abc', 'é', '€', '😀', 'a😀b', '\ud800', '\udc00x', '\ud800\ud800']) {
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
    }
  });
});
