import { describe, expect, it } from 'vitest';
import { apiDocProblems } from '../scripts/check-docs.mjs';

describe('API reference (typedoc.config.mjs)', () => {
  // Same validation as `npm run docs`. The message lists every problem, one per line: each undocumented
  // export, field or method with the file that declares it (`npm run docs:check` prints the same list).
  it('documents every public export, field and method, with valid links', async () => {
    const problems = await apiDocProblems();
    expect(problems, `${problems.length} API doc problems:\n${problems.join('\n')}`).toEqual([]);
  }, 180_000);
});
