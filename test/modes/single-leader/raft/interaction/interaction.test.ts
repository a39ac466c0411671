import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeMismatches, runScript } from './datadriven';

// Raft's protocol, told as data-driven stories in ./testdata (etcd-io/raft's style; the
// format is in datadriven.ts, the commands in harness.ts). REWRITE=1 regenerates the expected
// outputs of every script not listed below; read the diff before committing it.

const TESTDATA = join(__dirname, 'testdata');

/**
 * Scripts whose expected output is the correct Raft behaviour and which the implementation
 * does not (yet) follow: the test passes while they fail, and REWRITE leaves them alone so the
 * bug is not written into the expectation.
 */
const KNOWN_BUGS: Readonly<Record<string, string>> = {
  // Scripts that hold the correct behaviour while the implementation does not yet: listed
  // here, they run as it.failing and REWRITE=1 leaves them alone. None at the moment.
};

const rewrite = process.env.REWRITE === '1';

describe('raft interaction scripts', () => {
  const files = readdirSync(TESTDATA)
    .filter((f) => f.endsWith('.txt'))
    .sort();

  it('finds the scripts', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    const bug = KNOWN_BUGS[file];
    const test = bug === undefined ? it : it.failing;
    test(bug === undefined ? file : `${file} (known bug: ${bug})`, () => {
      const path = join(TESTDATA, file);
      const text = readFileSync(path, 'utf8');
      const { rendered, mismatches } = runScript(text, file);
      if (rewrite && bug === undefined) {
        if (rendered !== text) writeFileSync(path, rendered);
        return;
      }
      if (mismatches.length > 0) throw new Error(describeMismatches(file, mismatches));
      // Equal outputs re-render the file exactly; anything else is the parser's fault.
      expect(rendered).toBe(text);
    });
  }
});
