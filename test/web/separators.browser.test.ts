// Separator sheets from the browser (issue 12): the archivist ticks two practices in the inventory search, prints their
// separators and downloads a 2-page PDF whose codes carry the two practices with their boxes; on the scan work list,
// "Stampa separatori della lista" with a document type gives a practice sheet and a type sheet per listed practice.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPdfPages } from '../../src/ocr/pdf-render.ts';
import type { SeparatorPayload } from '../../src/scan/separator.payload.ts';
import { readSeparator } from '../../src/scan/separator.reader.ts';
import { startApp, USERS, type AppFixture } from './app.fixture.ts';
import { BASSA_ROMAGNA } from '../helpers/bassa-romagna.ts';
import { loginUi, shot, useBrowser } from './browser.ts';

const LUGO = 'E730';
let fx: AppFixture;
const browser = useBrowser(() => fx.url);

beforeAll(async () => {
  // Staff test users belong to the default Comune, the first (Lugo).
  fx = await startApp(BASSA_ROMAGNA);
  const row = (n: number, box: string) => ({
    comune: LUGO,
    practiceKey: `PE ${n}/1978`,
    procedureType: 'PE',
    number: n,
    year: 1978,
    location: { building: 'Municipio', shelf: 'S3', box },
  });
  await fx.services.paper.upsertInventory([row(45, 'F12'), row(46, 'F13'), row(47, 'F14')]);
});
afterAll(async () => {
  await fx?.close();
});

async function downloaded(page: Page, click: () => Promise<void>, name: string): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  expect(download.suggestedFilename()).toMatch(/^separatori-.*\.pdf$/);
  const file = path.join(fx.services.config.dataDir, name);
  await download.saveAs(file);
  return readFileSync(file);
}

async function readPages(pdf: Buffer): Promise<Array<SeparatorPayload | null>> {
  const out: Array<SeparatorPayload | null> = [];
  for (const p of await renderPdfPages(pdf, { dpi: 200 }))
    out.push((await readSeparator(p.png, { dpi: p.dpi })).payload);
  return out;
}

const practice = (n: number, box: string): SeparatorPayload => ({
  kind: 'practice',
  comune: 'Lugo',
  pratica: `PE ${n}/1978`,
  box: `Edificio Municipio, scaffale S3, faldone ${box}`,
});

describe('separator sheets from the app', () => {
  it('the archivist selects two inventory rows and downloads a 2-page PDF of their separators', async () => {
    const { page } = browser;
    await loginUi(page, USERS.archivist.username, USERS.archivist.password);
    await page.goto('/#/cartaceo/inventario');
    const print = page.getByRole('button', { name: /^Stampa separatori/ });
    await page.getByRole('row').filter({ hasText: 'PE 47/1978' }).waitFor();
    expect(await print.isDisabled()).toBe(true);
    await page.getByLabel('Seleziona la pratica PE 47/1978 per i separatori').check();
    await page.getByLabel('Seleziona la pratica PE 45/1978 per i separatori').check();
    expect(await print.innerText()).toBe('Stampa separatori (2)');
    await print.click();

    const dialog = page.getByRole('dialog', { name: 'Stampa separatori' });
    await dialog.getByText('2 pratiche selezionate: PE 47/1978, PE 45/1978').waitFor();
    await shot(page, 'separatori-dialogo');
    const pdf = await downloaded(
      page,
      () => dialog.getByRole('button', { name: 'Scarica il PDF' }).click(),
      'separatori-selezione.pdf',
    );
    await page
      .getByRole('status')
      .filter({ hasText: /2 fogli separatori/ })
      .waitFor();
    expect(await dialog.isVisible()).toBe(false);
    // In the order the practices were picked.
    expect(await readPages(pdf)).toEqual([practice(47, 'F14'), practice(45, 'F12')]);
  }, 120_000);

  it('prints the separators of the scan work list with a document-type sheet after each practice', async () => {
    const { page } = browser;
    for (const key of ['PE 45/1978', 'PE 46/1978']) {
      expect(await fx.services.paper.setInventoryState(LUGO, key, 'requested')).not.toBeNull();
    }
    await loginUi(page, USERS.archivist.username, USERS.archivist.password);
    await page.goto('/#/scansioni');
    await page.getByRole('row').filter({ hasText: 'PE 46/1978' }).waitFor();
    const listed = await page
      .getByRole('table', { name: /Pratiche da scansionare/ })
      .locator('tbody tr strong')
      .allInnerTexts();
    await page.getByRole('button', { name: 'Stampa separatori della lista' }).click();
    const dialog = page.getByRole('dialog', { name: 'Stampa separatori' });
    await dialog.getByLabel('Elaborato grafico').check();
    expect(await dialog.getByLabel('Fogli generici in fondo').count()).toBe(0);
    const pdf = await downloaded(
      page,
      () => dialog.getByRole('button', { name: 'Scarica il PDF' }).click(),
      'separatori-lista.pdf',
    );
    const pages = await readPages(pdf);
    expect(pages.map((p) => (p && 'pratica' in p ? `${p.kind} ${p.pratica}` : null))).toEqual(
      listed.flatMap((k) => [`practice ${k}`, `document-type ${k}`]),
    );
    await page
      .getByRole('status')
      .filter({ hasText: /4 fogli separatori/ })
      .waitFor();
  }, 120_000);
});
