// Issue 12 in the browser: an archivist uploads a small generated box scan (a practice separator, two pages, a
// document-type separator, one page; 150 DPI bilevel TIFF) with "Scansione di scatola" chosen, sees the batch view
// list its parts (part, practice, type, pages) once the real pipeline has split it, and opens a part whose page says
// which box scan and pages it came from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A, GRAFICI } from '../scan/acceptance-box.ts';
import { boxTiff, contentPage, separatorPages } from '../scan/box-scan.ts';
import { startApp, USERS, type AppFixture } from './app.fixture.ts';
import { loginUi, openUpload, shot, useBrowser, waitForCount } from './browser.ts';

const DPI = 150;
let fx: AppFixture;
const browser = useBrowser(() => fx.url);
let box: Buffer;

beforeAll(async () => {
  fx = await startApp();
  const [practice, type] = await separatorPages([A, GRAFICI], DPI, { bilevel: true, skewDeg: 1, seed: 3 });
  box = await boxTiff(
    [
      practice!,
      await contentPage(21, DPI, { bilevel: true }),
      await contentPage(22, DPI, { bilevel: true }),
      type!,
      await contentPage(23, DPI, { bilevel: true }),
    ],
    true,
  );
}, 120_000);
afterAll(async () => {
  await fx?.close();
});

describe('a box scan uploaded from the browser', () => {
  it('shows the parts of the box scan in the batch view, and the provenance on a part’s page', async () => {
    const { page } = browser;
    await loginUi(page, USERS.archivist.username, USERS.archivist.password);
    await openUpload(page);
    await page
      .getByLabel('Scegli file')
      .setInputFiles([{ name: 'scatola-3.tif', mimeType: 'image/tiff', buffer: box }]);
    await page.getByLabel('Scansione di scatola').selectOption('separators');
    await page.getByRole('button', { name: 'Carica', exact: true }).click();

    const table = page.getByRole('table', { name: /^Lotto/ });
    await table.waitFor({ timeout: 30_000 });
    const region = page.getByRole('region', { name: 'Scansione di scatola scatola-3.tif' });
    await region.waitFor({ timeout: 120_000 });
    await expect(region.getByRole('heading').innerText()).resolves.toMatch(/5 pagine suddivise in 2 documenti/);
    const parts = region.getByRole('table', { name: 'Parti di scatola-3.tif' });
    const headers = await parts.getByRole('columnheader').allInnerTexts();
    const col = (name: string) => headers.indexOf(name);
    expect(col('Parte')).toBeGreaterThanOrEqual(0);
    const rows = parts.getByRole('row').filter({ has: page.getByRole('cell') });
    await waitForCount(rows, 2);
    const cells = await Promise.all([0, 1].map((i) => rows.nth(i).getByRole('cell').allInnerTexts()));
    const view = cells.map((c) => [c[col('Parte')], c[col('Pratica')], c[col('Tipo')], c[col('Pagine')]]);
    expect(view[0]).toEqual(['1', 'PE 123/1987 (Siena)', 'da classificare', '2–3']);
    expect(view[1]!.slice(0, 2)).toEqual(['2', 'PE 123/1987 (Siena)']);
    expect(view[1]![2]).toMatch(/elaborat/i);
    expect(view[1]![3]).toBe('5');
    // The box scan itself ends 'suddivisa' in the batch table, each part reaches 'archiviato'.
    await table.getByRole('row').filter({ hasText: 'scatola-3.tif' }).filter({ hasText: 'suddivisa' }).waitFor();
    const archived = table
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'archiviato', exact: true }) });
    await waitForCount(archived, 2, 180_000);
    await shot(page, 'caricamento-scansione-di-scatola');

    await rows.nth(0).getByRole('link', { name: '1', exact: true }).click();
    await page.waitForURL(/#\/documento\//);
    const note = page.getByText(/^Da scansione di scatola/);
    await note.waitFor({ timeout: 30_000 });
    expect(await note.innerText()).toMatch(
      /^Da scansione di scatola scatola-3\.tif, pagine 2–3 \(parte 1\) — separatori: 1/,
    );
    await shot(page, 'documento-da-scansione-di-scatola');

    const docs = await fx.services.db.listDocuments({});
    expect(docs.map((d) => [d.filename, d.status]).sort()).toEqual([
      ['scatola-3.parte-01.pdf', 'archived'],
      ['scatola-3.parte-02.pdf', 'archived'],
      ['scatola-3.tif', 'split'],
    ]);
  }, 300_000);
});
