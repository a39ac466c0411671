/**
 * Decoders face the network: 30,000 seeded random frames (random bytes, random JSON, and valid
 * frames with random mutations) must each come back as a value or a rejection with a reason,
 * never as an exception, and whatever is accepted must re-encode to an equivalent frame.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Json } from '../../../src/core/json';
import { decodeClientFrame, encodeClientFrame } from '../../../src/core/messages/client-frame';
import { decodeEnvelope, encodeEnvelope } from '../../../src/core/messages/envelope';
import { FRAME_ERROR_CODES } from '../../../src/core/messages/frame';
import { Rng } from '../../../src/core/random';

const rng = new Rng('codec-fuzz');

function randomJson(depth: number): Json {
  const pick = rng.below(depth > 3 ? 5 : 7);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rng.next() < 0.5;
    case 2:
      return rng.below(5) === 0 ? -rng.next() * 1e9 : rng.below(100);
    case 3:
    case 4:
      return [
        'n1',
        'n2',
        'x',
        '',
        'append',
        'c1:1',
        'eu',
        'write',
        'read',
        'cas',
        '__proto__',
        '-',
      ][rng.below(12)];
    case 5:
      return Array.from({ length: rng.below(4) }, () => randomJson(depth + 1));
    default: {
      const keys = [
        'v',
        'from',
        'to',
        'type',
        'body',
        'kind',
        'request',
        'id',
        'client',
        'region',
        'op',
        'f',
        'key',
        'value',
        'level',
      ];
      const o: Record<string, Json> = {};
      for (let i = rng.below(6); i > 0; i--)
        o[keys[rng.below(keys.length)]] = randomJson(depth + 1);
      return o;
    }
  }
}

const validPeer = '{"v":1,"from":"n1","to":"n2","type":"append","body":{"term":3,"entries":[1,2]}}';
const validClient =
  '{"v":1,"kind":"request","request":{"id":"c1:1","client":"c1","region":"eu","op":{"f":"cas","key":"k","value":[1,2]}}}';

function mutate(text: string): string {
  const chars = [...text];
  for (let i = 1 + rng.below(3); i > 0; i--) {
    const at = rng.below(chars.length + 1);
    const op = rng.below(3);
    const c = '{}[]":,01nv\\"é'.charAt(rng.below(14));
    if (op === 0) chars.splice(at, 1);
    else if (op === 1) chars.splice(at, 0, c);
    else chars[at] = c;
  }
  return chars.join('');
}

function randomFrame(): string | Uint8Array {
  switch (rng.below(4)) {
    case 0:
      return Uint8Array.from({ length: rng.below(64) }, () => rng.below(256));
    case 1:
      return JSON.stringify(randomJson(0));
    case 2:
      return mutate(validPeer);
    default:
      return mutate(validClient);
  }
}

describe('codec fuzzing', () => {
  it('answers 30,000 random frames with a value or a coded rejection, never a throw', () => {
    let accepted = 0;
    const problems: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      const frame = randomFrame();
      const peer = decodeEnvelope(frame, { maxBytes: 4096 });
      const client = decodeClientFrame(frame, { maxBytes: 4096 });
      for (const r of [peer, client]) {
        if (!r.ok && (!FRAME_ERROR_CODES.includes(r.error.code) || r.error.message === '')) {
          problems.push(`frame ${i}: ${JSON.stringify(r.error)}`);
        }
      }
      if (peer.ok) {
        accepted++;
        if (!isDeepStrictEqual(decodeEnvelope(encodeEnvelope(peer.value)), peer)) {
          problems.push(`frame ${i}: peer envelope does not round-trip`);
        }
      }
      if (client.ok) {
        accepted++;
        if (!isDeepStrictEqual(decodeClientFrame(encodeClientFrame(client.value)), client)) {
          problems.push(`frame ${i}: client frame does not round-trip`);
        }
      }
    }
    expect(problems).toEqual([]);
    // The mutations leave some frames valid: the fuzzer reaches the accepting paths too.
    expect(accepted).toBeGreaterThan(100);
  });
});
