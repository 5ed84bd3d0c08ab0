// What the e2e tests do on the page, in the words of the page: open it, pick
// an example, edit a text, run a process, read the views.
import { expect, type Locator, type Page } from '@playwright/test';

export const SIZES = { wide: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

export const byTest = (page: Page, id: string): Locator => page.getByTestId(id);

/** Opens the page (optionally with a hash) and waits for its first project to load or fail. */
export async function open(page: Page, hash = ''): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`./${hash}`);
  await settled(page);
  expect(errors, 'errors thrown on the page').toEqual([]);
}

/** Waits for a successful load (the status line says so). */
export async function expectLoaded(page: Page): Promise<void> {
  await expect(byTest(page, 'status')).toHaveAttribute('data-kind', 'ok');
  await expect(byTest(page, 'status')).toContainText('Loaded');
}

/** Waits for the last action to end (the status line leaves its "…" state) and returns its kind. */
export async function settled(page: Page): Promise<'ok' | 'error'> {
  await expect(byTest(page, 'status')).not.toHaveAttribute('data-kind', 'info');
  return (await byTest(page, 'status').getAttribute('data-kind')) as 'ok' | 'error';
}

export async function pickExample(page: Page, title: string): Promise<void> {
  await byTest(page, 'example-select').selectOption({ label: title });
  await expect(byTest(page, 'status')).toContainText(`Loaded "${title}"`);
}

/** The titles in the examples picker. */
export async function exampleTitles(page: Page): Promise<string[]> {
  return byTest(page, 'example-select').locator('option').allTextContents();
}

const EDITOR_TABS = { context: 'tab-context', processes: 'tab-processes', workflow: 'tab-workflow', recipe: 'tab-recipe' } as const;
export type EditorName = keyof typeof EDITOR_TABS;

/** An editor's text, line by line as CodeMirror shows it (the tests' texts are short enough to be drawn whole). */
export async function editorText(page: Page, name: EditorName): Promise<string> {
  await byTest(page, EDITOR_TABS[name]).click();
  const lines = await byTest(page, `editor-${name}`).locator('.cm-line').allTextContents();
  return lines.join('\n');
}

/** Replaces an editor's text as a user would (select all, type). */
export async function setEditor(page: Page, name: EditorName, text: string): Promise<void> {
  await byTest(page, EDITOR_TABS[name]).click();
  const content = byTest(page, `editor-${name}`).locator('.cm-content');
  await content.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Edits one text in place: the first occurrence of `from` becomes `to`. */
export async function replaceInEditor(page: Page, name: EditorName, from: string, to: string): Promise<void> {
  const text = await editorText(page, name);
  expect(text, `the ${name} editor holds ${JSON.stringify(from)}`).toContain(from);
  await setEditor(page, name, text.replace(from, to));
}

/** Loads the project as edited; resolves with the status line's kind. */
export async function load(page: Page): Promise<'ok' | 'error'> {
  await byTest(page, 'load').click();
  return settled(page);
}

/** Runs a process with arguments (each typed as the user would: JSON or text). */
export async function execute(page: Page, name: string, args: Record<string, string> = {}): Promise<'ok' | 'error'> {
  await byTest(page, 'process-select').selectOption(name);
  for (const [arg, value] of Object.entries(args)) await byTest(page, `arg-${arg}`).fill(value);
  await byTest(page, 'execute').click();
  return settled(page);
}

/** The text a leaf of the state tree shows for a dotted path (its value as JSON). */
export async function stateValue(page: Page, path: string): Promise<string> {
  const leaf = byTest(page, 'state-tree').locator(`.leaf[data-path="${path}"] .value`);
  return (await leaf.textContent()) ?? '';
}

export async function expectState(page: Page, path: string, value: unknown): Promise<void> {
  await expect(byTest(page, 'state-tree').locator(`.leaf[data-path="${path}"] .value`)).toHaveText(JSON.stringify(value));
}

export const commits = (page: Page): Locator => byTest(page, 'commit-log').locator('li.commit');
export const auditMarks = (page: Page): Locator => byTest(page, 'audit-timeline').locator('g.mark');

/** The 1-based lines of an editor that carry an inline error mark, read from the line-number gutter beside each mark. */
export async function markedLines(page: Page, name: EditorName): Promise<number[]> {
  await byTest(page, EDITOR_TABS[name]).click();
  return byTest(page, `editor-${name}`).evaluate((panel) => {
    const numbers = [...panel.querySelectorAll('.cm-lineNumbers .cm-gutterElement')].map((element) => ({ rect: element.getBoundingClientRect(), line: Number(element.textContent) }));
    const marks = [...panel.querySelectorAll('.cm-lintRange-error, .cm-lintPoint-error')].map((mark) => mark.getBoundingClientRect());
    const lines = marks.map((mark) => numbers.find(({ rect, line }) => line > 0 && rect.height > 0 && mark.top + 1 >= rect.top && mark.top + 1 < rect.bottom)?.line ?? 0);
    return [...new Set(lines)].sort((a, b) => a - b);
  });
}

/** Saves a full-page screenshot under test-results/playground/ and checks nothing overflows sideways. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'the page scrolls sideways').toBeLessThanOrEqual(0);
  const size = page.viewportSize()!;
  const path = `test-results/playground/${name}-${size.width}x${size.height}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
