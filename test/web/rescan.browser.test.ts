// Issue 12 in the browser: an archivist replaces page 2 of an archived document from the viewer with a new scan and
// sees the new version become the one in use (real pipeline, tesseract.js); a professional sees no versions panel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallTextPage, tiffOf } from '../helpers/rescan-scans.ts';
import { startApp, USERS, type AppFixture } from './app.fixture.ts';
import { loginUi, shot, useBrowser, waitForCount } from './browser.ts';

let fx: AppFixture;
const browser = useBrowser(() => fx.url);
let docId: string;
let rescan: Buffer;

beforeAll(async () => {
  fx = await startApp();
  const tiff = await tiffOf([
    await smallTextPage('Comune di Lugo pratica edilizia\nRELAZIONE pagina uno'),
    await smallTextPage('Seconda pagina della relazione\nTESTO VECCHIO sbiadito'),
  ]);
  const [doc] = await fx.ingest([{ name: 'relazione.tif', data: tiff }]);
  docId = doc!.id;
  rescan = await smallTextPage('Seconda pagina della relazione\nTESTO NUOVO leggibile');
}, 240_000);
afterAll(async () => {
  await fx?.close();
});

describe('replacing a page from the viewer', () => {
  it('sends a new scan of page 2 and shows it in use, with who and why, beside the original', async () => {
    const { page } = browser;
    await loginUi(page, USERS.archivist.username, USERS.archivist.password);
    await page.goto(`/#/documento/${docId}?pagina=2`);
    const panel = page.getByRole('region', { name: 'Versioni della pagina 2' });
    await panel.getByText('v1 — originale').waitFor();
    const viewerHas = (word: string) =>
      page.waitForFunction((w) => document.querySelector('.pdfv-page')?.textContent?.includes(w), word, {
        timeout: 60_000,
      });
    await viewerHas('VECCHIO');
    await panel.getByLabel('Nuova scansione della pagina 2').setInputFiles({
      name: 'pagina-2.png',
      mimeType: 'image/png',
      buffer: rescan,
    });
    await panel.getByLabel('Motivo (facoltativo)').fill('pagina sbiadita');
    await panel.getByRole('button', { name: 'Sostituisci pagina (nuova scansione)' }).click();
    await expect(panel.getByRole('status').innerText()).resolves.toMatch(/versione 2/);
    const inUse = panel.getByRole('listitem').filter({ hasText: 'v2 — nuova scansione' }).filter({ hasText: 'In uso' });
    await waitForCount(inUse, 1, 120_000);
    expect(await inUse.innerText()).toContain('pagina sbiadita');
    expect(await inUse.innerText()).toContain(USERS.archivist.username);
    expect(await panel.getByRole('listitem').filter({ hasText: 'v1 — originale' }).innerText()).not.toContain('In uso');
    // The viewer reloads the searchable PDF once the new page is in it.
    await viewerHas('NUOVO');
    expect(await page.locator('.pdfv-page').innerText()).not.toContain('VECCHIO');
    await shot(page, 'documento-versioni-pagina');
    expect(await fx.services.db.getPageVersion(docId, 2, 2)).toMatchObject({
      status: 'applied',
      reason: 'pagina sbiadita',
    });
  }, 180_000);

  it('shows no versions panel to a professional', async () => {
    const { page } = browser;
    await loginUi(page, USERS.professional.username, USERS.professional.password);
    await page.goto(`/#/documento/${docId}?pagina=2`);
    await page.getByRole('heading', { name: 'Dati del documento' }).waitFor();
    expect(await page.getByRole('region', { name: /Versioni della pagina/ }).count()).toBe(0);
  });
});
