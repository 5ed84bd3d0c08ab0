// The playground's features on a project the tests type in themselves
// (counter.ts): errors at their line, undo and redo, time travel, a shared
// link, an endless process stopped, concurrent executes at the exact count.
import { expect, test } from '@playwright/test';
import { COUNTER } from './counter.ts';
import { auditMarks, byTest, commits, editorText, execute, expectLoaded, expectState, load, markedLines, open, replaceInEditor, setEditor, settled } from './playground.ts';

test.beforeEach(async ({ page }) => {
  await open(page);
  await setEditor(page, 'context', COUNTER.context);
  await setEditor(page, 'processes', COUNTER.processes);
  await setEditor(page, 'workflow', COUNTER.workflow);
  await setEditor(page, 'recipe', '');
  expect(await load(page)).toBe('ok');
  await expectState(page, 'domain_ctx.counter', 0);
});

test('a misspelt contract path is marked at its line in the processes editor', async ({ page }) => {
  await replaceInEditor(page, 'processes', "inputs: ['domain_ctx.counter']", "inputs: ['domian_ctx.counter']");
  expect(await load(page)).toBe('error');
  await expect(byTest(page, 'errors')).toContainText('domian_ctx');
  await expect(byTest(page, 'errors').locator('li[data-editor="processes"]')).toHaveAttribute('data-line', '5');
  await expect(byTest(page, 'errors').locator('li[data-editor="processes"]')).toContainText('ContractViolationError');
  expect(await markedLines(page, 'processes')).toEqual([5]);
  await expect(byTest(page, 'tab-processes')).toHaveClass(/has-errors/);
});

test('bad JSON in the context is marked at its line', async ({ page }) => {
  await replaceInEditor(page, 'context', '"counter": 0,', '"counter": 0,,');
  expect(await load(page)).toBe('error');
  await expect(byTest(page, 'errors').locator('li[data-editor="context"]')).toHaveAttribute('data-line', '3');
  expect(await markedLines(page, 'context')).toEqual([3]);
});

test('bad YAML in the workflow is marked at its line', async ({ page }) => {
  await setEditor(page, 'workflow', 'steps:\n  - increment\n  - [unclosed\n');
  expect(await load(page)).toBe('error');
  const item = byTest(page, 'errors').locator('li[data-editor="workflow"]');
  await expect(item).toHaveCount(1);
  expect(Number(await item.getAttribute('data-line'))).toBeGreaterThanOrEqual(3);
  // The parser reports the end of the text; the mark goes to the unclosed bracket's line.
  expect(await markedLines(page, 'workflow')).toEqual([3]);
});

test('a condition that does not parse is marked at its line and column', async ({ page }) => {
  await replaceInEditor(page, 'workflow', `"domain['counter'] > 0"`, `"domain['counter'] >"`);
  // The workflow is compiled at load, or at the first run: either way the error lands in the editor.
  if ((await load(page)) === 'ok') {
    await byTest(page, 'workflow-run').click();
    expect(await settled(page)).toBe('error');
  }
  await expect(byTest(page, 'errors').locator('li[data-editor="workflow"]')).toHaveAttribute('data-line', '4');
  expect(await markedLines(page, 'workflow')).toEqual([4]);
  await expect(byTest(page, 'errors')).toContainText('condition');
});

test('undo restores the previous state and redo brings the change back', async ({ page }) => {
  expect(await execute(page, 'increment', { by: '5' })).toBe('ok');
  expect(await execute(page, 'increment', { by: '2' })).toBe('ok');
  await expectState(page, 'domain_ctx.counter', 7);
  await expect(byTest(page, 'state-tree').locator('[data-path="domain_ctx.counter"]')).toHaveClass(/changed/);
  await byTest(page, 'undo').click();
  expect(await settled(page)).toBe('ok');
  await expectState(page, 'domain_ctx.counter', 5);
  await expect(commits(page).first()).toContainText('undo()');
  await byTest(page, 'redo').click();
  expect(await settled(page)).toBe('ok');
  await expectState(page, 'domain_ctx.counter', 7);
});

test('selecting a commit shows the state as of then (time travel)', async ({ page }) => {
  for (const by of ['1', '10', '100']) expect(await execute(page, 'increment', { by })).toBe('ok');
  await expectState(page, 'domain_ctx.counter', 111);
  await expect(commits(page)).toHaveCount(3);
  await commits(page).filter({ has: page.locator('[data-version="1"], .version:text-is("v1")') }).first().locator('.commit-head').click();
  await expect(byTest(page, 'time-travel')).toContainText('version 1');
  await expectState(page, 'domain_ctx.counter', 1);
  await expect(byTest(page, 'commit-log').locator('li.commit.selected')).toHaveAttribute('data-version', '1');
  await byTest(page, 'back-to-latest').click();
  await expectState(page, 'domain_ctx.counter', 111);
  await expect(byTest(page, 'time-travel')).toBeHidden();
});

test('the commit log shows each commit with its process, patches and inverse patches', async ({ page }) => {
  expect(await execute(page, 'increment', { by: '3' })).toBe('ok');
  const commit = byTest(page, 'commit-log').locator('li.commit[data-version="1"]');
  await expect(commit).toContainText('increment');
  await commit.locator('details.patches summary').click();
  await expect(commit.locator('.patch-list.patches')).toContainText('replace domain_ctx.counter = 3');
  await expect(commit.locator('.patch-list.inverse')).toContainText('replace domain_ctx.counter = 0');
  await expect(byTest(page, 'signals')).toContainText('domain_ctx.sig_changed');
  await expect(auditMarks(page)).toHaveCount(1);
  await expect(auditMarks(page).first()).toHaveAttribute('data-outcome', 'success');
});

test('an endless process is stopped and reported, and the playground goes on', async ({ page }) => {
  expect(await execute(page, 'increment', { by: '4' })).toBe('ok');
  const started = Date.now();
  expect(await execute(page, 'spin')).toBe('error');
  expect(Date.now() - started).toBeLessThan(15_000);
  await expect(byTest(page, 'status')).toContainText('TimeoutError');
  await expect(byTest(page, 'status')).toContainText('spin');
  await expect(byTest(page, 'errors')).toContainText('TimeoutError');
  // The sandbox made the engine again from the project: the state starts over, and runs.
  await expectState(page, 'domain_ctx.counter', 0);
  expect(await execute(page, 'increment', { by: '1' })).toBe('ok');
  await expectState(page, 'domain_ctx.counter', 1);
});

test('concurrent executes conflict, retry, and end at the exact count', async ({ page }) => {
  await byTest(page, 'process-select').selectOption('increment');
  await byTest(page, 'arg-by').fill('1');
  await byTest(page, 'concurrent-count').fill('20');
  await byTest(page, 'execute-concurrent').click();
  expect(await settled(page)).toBe('ok');
  await expectState(page, 'domain_ctx.counter', 20);
  const result = byTest(page, 'concurrent-result');
  await expect(result).toContainText('20 committed, 0 failed');
  const attempts = Number(await result.getAttribute('data-attempts'));
  const conflicts = Number(await result.getAttribute('data-conflicts'));
  expect(conflicts).toBeGreaterThan(0);
  expect(attempts).toBe(20 + conflicts);
  await expect(commits(page)).toHaveCount(20);
});

test('the workflow steps one process at a time, shows conditions, and resets', async ({ page }) => {
  const diagram = byTest(page, 'workflow-diagram');
  await expect(diagram.locator('[data-node]')).toHaveCount(3);
  await expect(diagram.locator('.flow-state')).toHaveAttribute('data-state', 'Pending');
  await byTest(page, 'workflow-step').click();
  expect(await settled(page)).toBe('ok');
  await expectState(page, 'domain_ctx.counter', 1);
  // Paused before the next step, which is highlighted; the condition that led there is shown.
  await expect(diagram.locator('.flow-node.current')).toHaveAttribute('data-node', 's1.then.0');
  await expect(diagram.locator('[data-node="s1"] .flow-value').first()).toHaveText('→ true');
  await expect(diagram.locator('.flow-node.done')).toHaveAttribute('data-node', 's0');
  await byTest(page, 'workflow-step').click();
  expect(await settled(page)).toBe('ok');
  await expectState(page, 'domain_ctx.counter', 2);
  await expect(diagram.locator('.flow-state')).toHaveAttribute('data-state', 'Complete');
  await byTest(page, 'workflow-reset').click();
  expect(await settled(page)).toBe('ok');
  await expect(diagram.locator('.flow-state')).toHaveAttribute('data-state', 'Pending');
  await byTest(page, 'workflow-run').click();
  expect(await settled(page)).toBe('ok');
  await expect(diagram.locator('.flow-state')).toHaveAttribute('data-state', 'Complete');
  await expectState(page, 'domain_ctx.counter', 6);
  await expect(commits(page)).toHaveCount(4);
});

test('a shared link restores the same project', async ({ page, context }) => {
  await replaceInEditor(page, 'context', '"counter": 0', '"counter": 41');
  expect(await load(page)).toBe('ok');
  await byTest(page, 'share').click();
  expect(await settled(page)).toBe('ok');
  const url = page.url();
  expect(url).toContain('#');
  const other = await context.newPage();
  await other.goto(url);
  await expectLoaded(other);
  for (const name of ['context', 'processes', 'workflow'] as const) expect(await editorText(other, name)).toBe(await editorText(page, name));
  await expectState(other, 'domain_ctx.counter', 41);
  expect(await execute(other, 'increment', { by: '1' })).toBe('ok');
  await expectState(other, 'domain_ctx.counter', 42);
});

test('a damaged link is reported, and the first example opens instead', async ({ context }) => {
  const page = await context.newPage();
  await open(page, '#not-a-playground-link');
  await expect(byTest(page, 'status')).toHaveAttribute('data-kind', 'error');
  await expect(byTest(page, 'status')).toContainText('the first example is open instead');
  await expect(byTest(page, 'errors')).toContainText('ShareLinkError');
  await expect(byTest(page, 'process-select').locator('option')).not.toHaveCount(0);
});
