import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Item, Sink, StageHost } from './stage';
import { Stage } from './stage';
import type { ToxicConfig } from './toxic-config';

/**
 * Bytes a direction may hold in its toxics' queues (plus the destination's write buffer) before
 * it stops reading its source, so that a stalled toxic pushes back on the sender through TCP
 * instead of growing memory. Upstream holds up to 1024 chunks behind a latency toxic (about 32
 * MiB); 4 MiB still lets a 50 ms latency carry 80 MB/s per connection.
 */
export const LINK_HIGH_WATER_BYTES = 4 * 1024 * 1024;

/** What a link tells its connection. */
export interface LinkHost {
  random(): number;
  /** The last byte has been handed to the destination and the stream has ended. */
  finished(link: Link): void;
}

/**
 * Bytes a direction has handed to its destination, summed over every connection of a proxy
 * (one object per proxy and direction, shared by its links): what `/metrics` reports as proxy
 * traffic. Bytes a toxic dropped or still holds are not counted.
 */
export interface ByteCount {
  bytes: number;
}

/**
 * One direction of one connection (upstream's `ToxicLink`): reads `src`, runs the chunks through
 * one stage per toxic of that direction, in the proxy's order, and writes them to `dest`. With
 * no toxics it copies straight from `src` to `dest` with nothing in between (the fast path);
 * toxics added later slot in front of the destination and take effect on the next chunk.
 */
export class Link implements StageHost {
  private stages: Stage[] = [];
  private input: Sink;
  private heldBytes = 0;
  private paused = false;
  private inputEnded = false;
  private done = false;
  private disposed = false;
  private readonly output: Sink = {
    push: (item: Item): void => {
      if (item === 'end') this.finish();
      else this.deliver(item.data);
    },
  };

  constructor(
    readonly src: Socket,
    readonly dest: Socket,
    toxics: readonly ToxicConfig[],
    private readonly host: LinkHost,
    private readonly forwarded: ByteCount = { bytes: 0 },
  ) {
    this.input = this.output;
    for (const t of toxics) this.stages.push(new Stage(t, this.output, this));
    this.relink();
  }

  /** Starts the toxics and the reading; call once the connection is wired. */
  start(): void {
    for (const stage of this.stages) stage.start();
    this.src.on('data', this.onData);
    this.src.on('end', this.endInput);
    this.dest.on('drain', this.updateFlow);
    this.src.resume();
  }

  get isFinished(): boolean {
    return this.done;
  }

  addToxic(config: ToxicConfig): void {
    if (this.done || this.disposed) return;
    const stage = new Stage(config, this.output, this);
    this.stages.push(stage);
    this.relink();
    stage.start();
  }

  async updateToxic(config: ToxicConfig): Promise<void> {
    const stage = this.stages.find((s) => s.name === config.name);
    if (stage === undefined) return;
    await stage.stop();
    if (!this.disposed) stage.start(config);
  }

  /**
   * Removes a toxic: interrupts it (it lets go of the chunk it holds), hands its queue on, and
   * closes the stream first if the toxic dropped data here (a `timeout`'s cleanup).
   */
  async removeToxic(name: string): Promise<void> {
    const stage = this.stages.find((s) => s.name === name);
    if (stage === undefined) return;
    await stage.stop();
    if (this.disposed) return;
    if (stage.kind.closesOnRemoval === true && stage.isApplied) stage.close();
    else stage.flush();
    this.stages = this.stages.filter((s) => s !== stage);
    this.relink();
  }

  /** The source ended (or must no longer be read): the end travels behind the data. */
  readonly endInput = (): void => {
    if (this.inputEnded) return;
    this.inputEnded = true;
    this.src.off('data', this.onData);
    this.input.push('end');
  };

  /** Stops at once: timers cleared, held data dropped. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.done = true;
    for (const stage of this.stages) stage.dispose();
    this.src.off('data', this.onData);
    this.src.off('end', this.endInput);
    this.dest.off('drain', this.updateFlow);
  }

  now(): number {
    return performance.now();
  }

  random(): number {
    return this.host.random();
  }

  queued(deltaBytes: number): void {
    this.heldBytes += deltaBytes;
    if (this.paused || deltaBytes > 0) this.updateFlow();
  }

  private readonly onData = (data: Buffer): void => {
    if (this.input === this.output) {
      // Fast path: no toxics on this direction, so nothing to stamp, queue or hold back.
      this.forwarded.bytes += data.length;
      if (!this.dest.write(data)) this.pause();
      return;
    }
    this.input.push({ data, timestamp: performance.now() });
  };

  private deliver(data: Buffer): void {
    if (this.done || this.dest.destroyed) return;
    this.forwarded.bytes += data.length;
    if (!this.dest.write(data)) this.updateFlow();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.host.finished(this);
  }

  private readonly updateFlow = (): void => {
    const full = this.heldBytes > LINK_HIGH_WATER_BYTES || this.dest.writableNeedDrain;
    if (full) this.pause();
    else if (this.paused) {
      this.paused = false;
      if (!this.inputEnded) this.src.resume();
    }
  };

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.src.pause();
  }

  private relink(): void {
    this.stages.forEach((stage, i) => (stage.next = this.stages[i + 1] ?? this.output));
    this.input = this.stages[0] ?? this.output;
  }
}
