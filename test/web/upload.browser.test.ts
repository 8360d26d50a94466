// Issue 8 acceptance, archivist: log in, upload three real scans from the Caricamento page and watch the batch
// dashboard follow them through the real pipeline (tesseract.js OCR) to "archiviato" without reloading the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallPng } from '../helpers/small-scans.ts';
import { startApp, USERS, type AppFixture } from './app.fixture.ts';
import { loginUi, openUpload, navLinks, shot, useBrowser, waitForCount } from './browser.ts';

let fx: AppFixture;
const browser = useBrowser(() => fx.url);
let scans: Array<{ name: string; mimeType: string; buffer: Buffer }>;

beforeAll(async () => {
  fx = await startApp();
  const names = ['verbale-sopralluogo.png', 'relazione-tecnica.png', 'permesso-costruire.png'];
  scans = await Promise.all(
    names.map(async (name, i) => ({ name, mimeType: 'image/png', buffer: await smallPng(`caricamento-${i + 1}`) })),
  );
});
afterAll(async () => {
  await fx?.close();
});

describe('the archivist uploads a batch from the browser', () => {
  it('shows the login page and refuses a wrong password with an alert', async () => {
    const { page } = browser;
    await page.goto('/');
    await page.getByLabel('Nome utente').waitFor();
    await shot(page, 'login');
    await page.getByLabel('Nome utente').fill(USERS.archivist.username);
    await page.getByLabel('Password', { exact: true }).fill('non-è-la-password');
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/credenziali non valide/i);
    expect(await page.getByRole('navigation', { name: 'Navigazione principale' }).count()).toBe(0);
  });

  it('uploads three scans and sees every row reach "archiviato" on the live dashboard', async () => {
    const { page } = browser;
    await loginUi(page, USERS.archivist.username, USERS.archivist.password);
    const links = await navLinks(page);
    expect(links).toContain('Caricamento');
    expect(links).not.toContain('Revisione');
    expect(links).not.toContain('Amministrazione');

    await openUpload(page);
    await page.getByLabel('Scegli file').setInputFiles(scans);
    await shot(page, 'caricamento-file-scelti');
    // The dashboard follows the batch through its server-sent events, not by reloading.
    const events = page.waitForResponse((r) => /\/api\/batches\/[^/?]+\/events(\?|$)/.test(r.url()), {
      timeout: 30_000,
    });
    await page.getByRole('button', { name: 'Carica', exact: true }).click();

    const table = page.getByRole('table', { name: /^Lotto/ });
    await table.waitFor({ timeout: 30_000 });
    const stream = await events;
    expect(stream.status(), `GET ${stream.url()}`).toBe(200);
    expect(stream.headers()['content-type']).toMatch(/^text\/event-stream/);
    const bars = await page
      .locator('progress')
      .evaluateAll((ps) => ps.map((p) => [(p as HTMLProgressElement).value, (p as HTMLProgressElement).max]));
    expect(bars).toHaveLength(3);
    for (const [value, max] of bars) expect(value).toBe(max); // every file sent whole
    for (const scan of scans) await table.getByRole('row').filter({ hasText: scan.name }).waitFor();
    const archived = table
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'archiviato', exact: true }) });
    await waitForCount(archived, 3, 180_000);
    await shot(page, 'caricamento-dashboard');

    for (const scan of scans) {
      const row = table.getByRole('row').filter({ hasText: scan.name });
      expect(await row.getByRole('cell', { name: 'archiviato', exact: true }).count()).toBe(1);
    }
    // The dashboard is a view of the server's state, not of the upload: the server archived the same three files.
    const batches = await fx.services.db.listBatches({ limit: 10, offset: 0 });
    expect(batches).toHaveLength(1);
    const docs = await fx.services.db.listDocuments({ batchId: batches[0]!.id });
    expect(docs.map((d) => [d.filename, d.status]).sort()).toEqual(scans.map((s) => [s.name, 'archived']).sort());
  }, 240_000);
});
