import type { HelloFrame, StateFrame } from '../../src/dashboard/protocol';
import type { App } from './main';

interface Step {
  /** The caption; `{leader}`, `{region}` (the region the story cuts off) and `{rest}` are filled in. */
  readonly caption: string;
  /** What "next" does on reaching this step. */
  readonly act?: 'cut' | 'heal';
}

type Story = 'raft' | 'async' | 'leaderless' | 'multi-leader' | 'single-copy';

/**
 * The guided story of `geolab demo partition` (after The Secret Lives of Data): numbered
 * steps with captions, and a Next button that plays each step's action on the real cluster.
 * The region cut off is the leader's (or primary's) when there is one, else the first.
 */
const STORIES: Readonly<Record<Story, readonly Step[]>> = {
  raft: [
    {
      caption:
        'Three regions; Raft elected a leader in {region}: {leader}. Every write goes through it and commits once a majority of replicas stored it.',
    },
    {
      caption:
        'Cut {region} off from the other regions (a blackhole: packets vanish, nothing is refused).',
      act: 'cut',
    },
    {
      caption:
        'Watch: the majority ({rest}) stops hearing from the leader and elects a new one within a few election timeouts; {region} writes fail, because its replicas can no longer reach a majority.',
    },
    { caption: 'Heal the partition.', act: 'heal' },
    {
      caption:
        'The old leader hears a higher term and steps down to follower; its region catches up from the new leader and its writes succeed again. No acknowledged write was lost.',
    },
  ],
  async: [
    {
      caption:
        'Three regions; the primary {leader} in {region} accepts every write and ships it to the backups asynchronously.',
    },
    { caption: 'Cut {region} off from the others.', act: 'cut' },
    {
      caption:
        'The primary keeps accepting writes that nobody else receives; the backups in {rest} stop hearing from it and one of them may take over: two primaries (split brain).',
    },
    { caption: 'Heal the partition.', act: 'heal' },
    {
      caption:
        'One primary wins; writes the other acknowledged during the split are lost: the price of replication without consensus.',
    },
  ],
  leaderless: [
    {
      caption:
        'Three regions, no leader: a coordinator sends each write and read to every replica of the key and waits for as many as the consistency level asks.',
    },
    { caption: 'Cut {region} off from the others.', act: 'cut' },
    {
      caption:
        'Levels that need replicas across the cut (QUORUM, ALL) fail in {region}, which cannot reach enough of them; ONE and LOCAL levels keep working and may read stale values. Hints queue up for the unreachable replicas.',
    },
    { caption: 'Heal the partition.', act: 'heal' },
    {
      caption:
        'Hinted handoff, read repair and anti-entropy bring the replicas in {region} back in line.',
    },
  ],
  'multi-leader': [
    {
      caption:
        'Three regions, a leader in each: every region accepts writes locally and replicates them to the others asynchronously.',
    },
    { caption: 'Cut {region} off from the others.', act: 'cut' },
    {
      caption:
        'Both sides keep accepting writes: nothing fails, but {region} and {rest} now diverge.',
    },
    { caption: 'Heal the partition.', act: 'heal' },
    {
      caption:
        'The regions exchange what they missed and resolve every concurrent write: CRDTs merge them, LWW keeps one and drops the others (see the conflicts chart).',
    },
  ],
  'single-copy': [
    {
      caption:
        'One replica, {leader}, holds the data; the others forward their clients’ requests to it.',
    },
    { caption: 'Cut {region} off from the others.', act: 'cut' },
    {
      caption:
        'Whichever side lacks the single copy fails every request: consistent, and unavailable.',
    },
    { caption: 'Heal the partition.', act: 'heal' },
    { caption: 'Every region reaches the copy again.' },
  ],
};

function storyOf(mode: string): Story {
  if (mode === 'raft') return 'raft';
  if (mode === 'async' || mode === 'semi-sync') return 'async';
  if (mode.startsWith('leaderless')) return 'leaderless';
  if (mode.startsWith('multi-leader')) return 'multi-leader';
  if (mode === 'single-copy') return 'single-copy';
  return 'raft';
}

export class Demo {
  private steps: readonly Step[] = [];
  private index = 0;
  private region: string | undefined;
  private regions: string[] = [];

  constructor(
    private readonly root: HTMLElement,
    private readonly app: App,
  ) {}

  init(hello: HelloFrame): void {
    this.root.hidden = hello.demo === undefined;
    if (hello.demo === undefined) return;
    this.steps = STORIES[storyOf(hello.topology.mode)];
    this.regions = hello.topology.regions.map((r) => r.name);
    this.index = 0;
    this.region = undefined;
    this.root.innerHTML = `<strong>Demo: a network partition</strong> <span id="demo-step"></span>
      <p class="caption" id="demo-caption"></p>
      <button type="button" id="demo-next">Next</button>`;
    this.root.querySelector('#demo-next')?.addEventListener('click', () => void this.next());
  }

  render(state: StateFrame): void {
    if (this.steps.length === 0) return;
    const leader = state.nodes.find((n) => n.up && (n.role === 'leader' || n.role === 'primary'));
    // The story's region is fixed once it has been cut off.
    const region = this.region ?? leader?.region ?? this.regions[0] ?? '';
    const rest = this.regions.filter((r) => r !== region).join(' and ');
    const step = this.steps[this.index];
    const caption = step.caption
      .replaceAll('{leader}', leader?.id ?? '(none yet)')
      .replaceAll('{region}', region)
      .replaceAll('{rest}', rest);
    const stepEl = this.root.querySelector('#demo-step');
    const captionEl = this.root.querySelector('#demo-caption');
    const next = this.root.querySelector<HTMLButtonElement>('#demo-next');
    if (stepEl) stepEl.textContent = `step ${this.index + 1} of ${this.steps.length}`;
    if (captionEl && captionEl.textContent !== caption) captionEl.textContent = caption;
    if (next) {
      const coming = this.steps[this.index + 1];
      next.textContent =
        coming === undefined
          ? 'Start over'
          : coming.act === 'cut'
            ? `Next: cut ${region} off`
            : coming.act === 'heal'
              ? 'Next: heal'
              : 'Next';
    }
  }

  private async next(): Promise<void> {
    const state = this.app.state;
    if (!state) return;
    const coming = this.index + 1 < this.steps.length ? this.index + 1 : 0;
    const step = this.steps[coming];
    if (step.act === 'cut') {
      const leader = state.nodes.find((n) => n.up && (n.role === 'leader' || n.role === 'primary'));
      this.region = leader?.region ?? this.regions[0];
      const ack = await this.app.send({
        type: 'partition',
        a: [this.region],
        mode: 'blackhole',
        oneWay: false,
      });
      if (!ack.ok) return;
    } else if (step.act === 'heal') {
      const ack = await this.app.send({ type: 'heal' });
      if (!ack.ok) return;
    }
    if (coming === 0) this.region = undefined;
    this.index = coming;
    this.render(state);
  }
}
