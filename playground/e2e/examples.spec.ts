// Each bundled example: loaded from the picker, run as its comments say, and
// its state, commit log and audit timeline checked; then screenshots at a
// laptop's and a phone's size (test-results/playground/), with nothing
// overflowing sideways.
import { expect, type Page, test } from '@playwright/test';
import { auditMarks, byTest, commits, execute, expectState, open, pickExample, screenshot, SIZES, settled } from './playground.ts';

async function executeMany(page: Page, name: string, args: Record<string, string>, count: number): Promise<void> {
  await byTest(page, 'process-select').selectOption(name);
  for (const [arg, value] of Object.entries(args)) await byTest(page, `arg-${arg}`).fill(value);
  await byTest(page, 'concurrent-count').fill(String(count));
  await byTest(page, 'execute-concurrent').click();
  expect(await settled(page)).toBe('ok');
  await expect(byTest(page, 'concurrent-result')).toContainText(`${count} committed, 0 failed`);
  const result = byTest(page, 'concurrent-result');
  const attempts = Number(await result.getAttribute('data-attempts'));
  const conflicts = Number(await result.getAttribute('data-conflicts'));
  expect(conflicts, 'concurrent runs that await conflict').toBeGreaterThan(0);
  expect(attempts).toBe(count + conflicts);
}

const SCENARIOS: { title: string; slug: string; run: (page: Page) => Promise<void> }[] = [
  {
    title: 'Tutorial: the warehouse (chapter 4)',
    slug: 'warehouse',
    run: async (page) => {
      expect(await execute(page, 'add_product', { product_name: 'Iphone', price: '1000' })).toBe('ok');
      await expect(byTest(page, 'status')).toContainText('"Added"');
      expect(await execute(page, 'add_product', { product_name: 'Galaxy', price: '900' })).toBe('ok');
      await expectState(page, 'domain_ctx.total_value', 1900);
      await expectState(page, 'domain_ctx.items.1.name', 'Galaxy');
      await expect(byTest(page, 'state-tree').locator('[data-path="domain_ctx.items.1"]')).toHaveClass(/changed/);
      expect(await execute(page, 'calculate_stats')).toBe('ok');
      await expect(byTest(page, 'status')).toContainText('{"count":2,"average":950}');
      expect(await execute(page, 'check_restock', { reserve: '499' })).toBe('ok');
      await expect(byTest(page, 'signals')).toContainText('domain_ctx.sig_restock_needed');
      await expect(commits(page).locator('.process')).toHaveText(['check_restock', 'calculate_stats', 'add_product', 'add_product']);
      await expect(auditMarks(page)).toHaveCount(4);
      await expect(auditMarks(page).and(page.locator('[data-outcome="success"]'))).toHaveCount(4);
    },
  },
  {
    title: 'Agent loop (workflow)',
    slug: 'agent-loop',
    run: async (page) => {
      const diagram = byTest(page, 'workflow-diagram');
      await byTest(page, 'workflow-step').click();
      expect(await settled(page)).toBe('ok');
      await expectState(page, 'domain_ctx.step', 1);
      await expect(diagram.locator('[data-node="s0"] > .flow-head .flow-value')).toHaveText('→ true');
      await expect(diagram.locator('.flow-node.current .flow-label')).toHaveText('think');
      await byTest(page, 'workflow-run').click();
      expect(await settled(page)).toBe('ok');
      await expect(diagram.locator('.flow-state')).toHaveAttribute('data-state', 'Complete');
      await expect(diagram.locator('[data-node="s0"] > .flow-head .flow-value')).toHaveText('→ false');
      await expectState(page, 'domain_ctx.goal_reached', true);
      await expectState(page, 'domain_ctx.position', 5);
      await expectState(page, 'domain_ctx.step', 7);
      await expect(commits(page)).toHaveCount(21);
      await expect(commits(page).first().locator('.process')).toHaveText('act');
      await expect(auditMarks(page)).toHaveCount(21);
    },
  },
  {
    title: 'Audit recipe: block and stop',
    slug: 'audit',
    run: async (page) => {
      for (let i = 0; i < 2; i++) expect(await execute(page, 'withdraw', { amount: '600' })).toBe('ok');
      await expectState(page, 'domain_ctx.balance', 3800);
      expect(await execute(page, 'withdraw', { amount: '600' })).toBe('error');
      await expect(byTest(page, 'status')).toContainText('AuditBlockError');
      await expectState(page, 'domain_ctx.balance', 3800);
      expect(await execute(page, 'withdraw', { amount: '9000' })).toBe('error');
      await expect(byTest(page, 'status')).toContainText('AuditStopError');
      expect(await execute(page, 'deposit', { amount: '10' })).toBe('error');
      await expectState(page, 'domain_ctx.balance', 3800);
      await expect(commits(page)).toHaveCount(2);
      const marks = auditMarks(page);
      await expect(marks.and(page.locator('[data-outcome="failure"]'))).not.toHaveCount(0);
      await expect(marks.and(page.locator('[data-level="B"]'))).not.toHaveCount(0);
      await expect(marks.and(page.locator('[data-level="S"]'))).toHaveCount(1);
      await marks.and(page.locator('[data-level="S"]')).locator('circle').click();
      await expect(byTest(page, 'audit-details')).toContainText('withdraw: failure, level S');
    },
  },
  {
    title: 'Conflicts and retries',
    slug: 'conflicts',
    run: async (page) => {
      await executeMany(page, 'increment', {}, 10);
      await expectState(page, 'domain_ctx.counter', 10);
      await executeMany(page, 'buy_ticket', { buyer: 'ann' }, 10);
      await expectState(page, 'domain_ctx.stock', 90);
      await expectState(page, 'domain_ctx.tickets.9.seat', 10);
      await expect(commits(page)).toHaveCount(20);
      await expect(auditMarks(page)).toHaveCount(20);
    },
  },
];

test('the picker offers every example', async ({ page }) => {
  await open(page);
  await expect(byTest(page, 'example-select').locator('option')).toHaveText(SCENARIOS.map((scenario) => scenario.title));
});

for (const scenario of SCENARIOS) {
  test(`example: ${scenario.title}`, async ({ page }) => {
    await open(page);
    await pickExample(page, scenario.title);
    await expect(byTest(page, 'errors')).toBeHidden();
    await scenario.run(page);
    for (const size of [SIZES.wide, SIZES.phone]) {
      await page.setViewportSize(size);
      console.log(`screenshot: ${await screenshot(page, scenario.slug)}`);
    }
  });
}

test('the built page works from a sub-folder of a static host (relative URLs)', async ({ page, context }) => {
  // Every request under /some/folder/ is answered with the file at the root.
  await context.route('**/some/folder/**', async (route) => {
    const url = new URL(route.request().url());
    url.pathname = url.pathname.replace('/some/folder', '');
    await route.fulfill({ response: await route.fetch({ url: url.href }) });
  });
  // A page built with absolute URLs would ask for /assets/...: refused here.
  await context.route(/^https?:\/\/[^/]+\/assets\//, (route) => route.abort());
  await page.goto('/some/folder/');
  await expect(byTest(page, 'status')).toContainText(`Loaded "${SCENARIOS[0].title}"`);
  expect(await execute(page, 'add_product', { product_name: 'Iphone', price: '1000' })).toBe('ok');
  await expectState(page, 'domain_ctx.total_value', 1000);
});
