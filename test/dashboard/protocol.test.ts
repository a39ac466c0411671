import { MAX_CONTROL_FRAME_BYTES, parseControl } from '../../src/dashboard/protocol';

const frame = (control: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'control', id: 7, control, ...extra });

describe('parseControl', () => {
  it('accepts every kind of control, exactly as sent', () => {
    const controls = [
      { type: 'partition', a: ['us-east-1'], mode: 'blackhole', oneWay: false },
      { type: 'partition', a: ['us-east-1-n1'], b: ['eu-west-1'], mode: 'hold', oneWay: true },
      { type: 'heal' },
      { type: 'heal', fault: 3 },
      { type: 'latency', from: 'us-east-1', to: 'eu-west-1', addMs: 250 },
      { type: 'kill', node: 'us-east-1-n1' },
      { type: 'restart', node: 'us-east-1-n1' },
      { type: 'sim', action: 'step' },
      { type: 'sim', action: 'resume', speed: 2.5 },
    ];
    for (const control of controls) {
      expect(parseControl(frame(control))).toEqual({
        ok: true,
        frame: { type: 'control', id: 7, control },
      });
    }
  });

  it.each([
    ['not JSON', '{"type":', /not JSON/],
    ['an array', '[]', /JSON object/],
    ['another frame type', JSON.stringify({ type: 'hello', id: 1, control: {} }), /type must be/],
    ['a negative id', JSON.stringify({ type: 'control', id: -1, control: { type: 'heal' } }), /id/],
    [
      'a fractional id',
      JSON.stringify({ type: 'control', id: 1.5, control: { type: 'heal' } }),
      /id/,
    ],
    ['an unknown top-level field', frame({ type: 'heal' }, { token: 'x' }), /unknown field token/],
    ['an unknown control', frame({ type: 'reboot' }), /control\.type/],
    ['an unknown control field', frame({ type: 'heal', all: true }), /unknown field all/],
    [
      'an empty group',
      frame({ type: 'partition', a: [], mode: 'blackhole', oneWay: false }),
      /control\.a/,
    ],
    [
      'a group of numbers',
      frame({ type: 'partition', a: [1], mode: 'blackhole', oneWay: false }),
      /control\.a\[0\]/,
    ],
    ['a name with markup', frame({ type: 'kill', node: '<img src=x>' }), /control\.node/],
    [
      'a bad partition mode',
      frame({ type: 'partition', a: ['x'], mode: 'drop', oneWay: false }),
      /control\.mode/,
    ],
    [
      'a missing oneWay',
      frame({ type: 'partition', a: ['x'], mode: 'blackhole' }),
      /control\.oneWay/,
    ],
    ['a string addMs', frame({ type: 'latency', from: 'a', to: 'b', addMs: '5' }), /addMs/],
    ['a negative addMs', frame({ type: 'latency', from: 'a', to: 'b', addMs: -1 }), /addMs/],
    ['an absurd addMs', frame({ type: 'latency', from: 'a', to: 'b', addMs: 1e9 }), /at most/],
    ['a bad sim action', frame({ type: 'sim', action: 'rewind' }), /action/],
    ['a zero speed', frame({ type: 'sim', action: 'resume', speed: 0 }), /speed/],
    ['a fault id that is not an integer', frame({ type: 'heal', fault: 'all' }), /fault/],
  ])('rejects %s', (_what, text, error) => {
    const parsed = parseControl(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });

  it('rejects a frame over the size limit, even when it is otherwise valid', () => {
    const names = Array.from({ length: 60 }, (_, i) => `region-${i}-${'x'.repeat(80)}`);
    const text = frame({ type: 'partition', a: names, mode: 'blackhole', oneWay: false });
    expect(text.length).toBeGreaterThan(MAX_CONTROL_FRAME_BYTES);
    expect(parseControl(text)).toEqual({
      ok: false,
      error: `frame is over ${MAX_CONTROL_FRAME_BYTES} bytes`,
    });
  });
});
