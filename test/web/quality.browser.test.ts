// Page quality control in the browser: an archivist uploads a page scanned at 150 DPI; when the batch is done the
// dashboard's "Controllo qualità" counts the warning, lists the page with its Italian message and offers the rescan
// list; the page link opens the viewer, which shows the warning badge on that page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTextPage } from '../helpers/render-text-page.ts';
import { startApp, USERS, type AppFixture } from './app.fixture.ts';
import { loginUi, openUpload, shot, useBrowser } from './browser.ts';

let fx: AppFixture;
const browser = useBrowser(() => fx.url);
let scan: { name: string; mimeType: string; buffer: Buffer };

beforeAll(async () => {
  fx = await startApp();
  const r = await renderTextPage({
    text: 'Verbale di sopralluogo\npratica edilizia relazione tecnica variante progetto',
    widthMm: 110,
    heightMm: 35,
    marginMm: 8,
    dpi: 150,
  });
  scan = { name: 'verbale-150dpi.png', mimeType: 'image/png', buffer: r.image };
});
afterAll(async () => {
  await fx?.close();
});

describe('page quality control in the batch dashboard and the viewer', () => {
  it('shows the 150-DPI page flagged, the rescan list link and the badge in the viewer', async () => {
    const { page } = browser;
    await loginUi(page, USERS.archivist.username, USERS.archivist.password);
    await openUpload(page);
    await page.getByLabel('Scegli file').setInputFiles([scan]);
    await page.getByRole('button', { name: 'Carica', exact: true }).click();

    const section = page.getByRole('region', { name: 'Controllo qualità' });
    const flagged = section.getByRole('table', { name: 'Pagine con avvisi' });
    await flagged.waitFor({ timeout: 180_000 });
    await page.locator('.live-done').waitFor({ timeout: 180_000 });
    const counts = await section.getByRole('list', { name: 'Avvisi per tipo' }).innerText();
    expect(counts).toMatch(/1\s+Risoluzione insufficiente/);
    const row = flagged.getByRole('row').filter({ hasText: scan.name });
    expect(await row.innerText()).toMatch(/Risoluzione di 150 DPI, sotto il minimo di 200 DPI/);
    const link = section.getByRole('link', { name: /elenco delle pagine da riscansionare/ });
    expect(await link.getAttribute('href')).toMatch(/\/api\/batches\/[0-9a-f-]+\/rescan-list\?format=csv$/);
    await shot(page, 'caricamento-controllo-qualita');

    await row.getByRole('link', { name: '1', exact: true }).click();
    await page.waitForURL(/#\/documento\/[0-9a-f]{64}\?pagina=1/);
    const note = page.getByRole('note', { name: 'Controllo qualità della scansione' });
    await note.waitFor({ timeout: 30_000 });
    expect(await note.innerText()).toMatch(/Pagina 1: un avviso[\s\S]*Risoluzione di 150 DPI/);
    await shot(page, 'documento-avviso-qualita');
  }, 240_000);
});
