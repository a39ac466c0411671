import { decodeClientFrame } from '../../src/core/messages/client-frame';
import { decodeEnvelope } from '../../src/core/messages/envelope';
import { assertTarget, clientFrames, clientHttp, peerFrames } from './targets';

const SEED = 11;

describe('frames and requests, fuzzed', () => {
  it('peer frames decode or are rejected with a code and a one-line message', async () => {
    await assertTarget(peerFrames, 500, SEED);
  });

  it('client frames decode or are rejected with a code and a one-line message', async () => {
    await assertTarget(clientFrames, 500, SEED);
  });

  it('client HTTP requests parse or get a 4xx and a one-line message', async () => {
    await assertTarget(clientHttp, 500, SEED);
  });

  it('says a frame is not JSON on one line, though V8 quotes the frame (was two lines)', () => {
    for (const r of [decodeEnvelope('\n\u0000'), decodeClientFrame('\n\u0000')]) {
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('not-json');
      expect(r.error.message).not.toContain('\n');
      expect(r.error.message).not.toContain('\u0000');
      expect(r.error.message).toContain('\\n\\u0000');
    }
  });

  it('names an unknown field holding a newline on one line (was two lines)', () => {
    const r = decodeEnvelope('{"v":1,"from":"a","to":"b","type":"t","body":null,"\\n":1}');
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'bad-shape',
        message:
          'envelope.\\n: expected no such field (one of: v, from, to, type, body), got number 1',
      },
    });
  });
});
