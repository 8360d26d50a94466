// Issue 8 acceptance on one archived corpus: the professional finds a misspelt word of page 2 and opens the viewer
// there but can reach nothing else; the records manager corrects a routing suggestion; the admin sees that in the
// access register; and a screenshot of every main page. The routing threshold is 1: every suggestion waits for review.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FIXTURE_DIR, fixture } from '../helpers/fixtures.ts';
import { startApp, USERS, type AppFixture, type ArchivedDocument } from './app.fixture.ts';
import { loginUi, navLinks, shot, useBrowser } from './browser.ts';

const practice = fixture('tiff', { multiPage: true }); // pe-0001.tif: 2 pages, practice PE 46/2000
const protocolLetter = { file: 'pr-0003.tif' }; // correspondence for lavori-pubblici, protocol 1763/2021
const PAGE2_WORD = 'fognatura'; // only on page 2 of pe-0001
const MISSPELT = 'fognatora';

let fx: AppFixture;
const browser = useBrowser(() => fx.url);
let docs: ArchivedDocument[];
const idOf = (file: string) => docs.find((d) => d.filename === file)!.id;

beforeAll(async () => {
  expect(practice.file).toBe('pe-0001.tif');
  expect(practice.pages[1]!.text).toContain(PAGE2_WORD);
  expect(practice.pages[0]!.text).not.toContain(PAGE2_WORD);
  fx = await startApp({ routing: { threshold: 1 } });
  docs = await fx.ingest(
    await Promise.all(
      [practice.file, protocolLetter.file].map(async (name) => ({
        name,
        data: await readFile(path.join(FIXTURE_DIR, name)),
      })),
    ),
  );
}, 240_000);
afterAll(async () => {
  await fx?.close();
});

const nav = (page: Page) => page.getByRole('navigation', { name: 'Navigazione principale' });

/** A tab, button or link of a page section (the contract names the sections, not the widget). */
const section = (page: Page, name: string) =>
  page
    .getByRole('tab', { name, exact: true })
    .or(page.getByRole('button', { name, exact: true }))
    .or(page.getByRole('link', { name, exact: true }))
    .first();

describe('the professional', () => {
  it('finds a misspelt word by year, opens page 2 with the match highlighted, and can reach nothing else', async () => {
    const { page } = browser;
    await loginUi(page, USERS.professional.username, USERS.professional.password);
    expect(await navLinks(page)).toEqual(['Ricerca', 'Richieste di accesso']);
    await nav(page).getByRole('link', { name: 'Ricerca' }).click();
    await page.waitForURL(/#\/ricerca/);

    const box = page.getByRole('searchbox', { name: 'Cerca' });
    await box.fill(MISSPELT);
    await page.getByLabel('Anno da').fill('2000');
    await page.getByLabel('Anno a').fill('2000');
    const searched = page.waitForResponse((r) => {
      const u = new URL(r.url());
      return u.pathname === '/api/search' && u.searchParams.get('q') === MISSPELT && u.searchParams.has('yearTo');
    });
    await page.getByRole('button', { name: 'Cerca', exact: true }).click();
    const params = new URL((await searched).url()).searchParams; // the year filter is the server's, not a page filter
    expect([params.get('q'), params.get('yearFrom'), params.get('yearTo')]).toEqual([MISSPELT, '2000', '2000']);
    const open = page.getByRole('link', { name: 'Apri' });
    await open.first().waitFor();
    expect(await open.count()).toBe(1); // one hit: page 2 of the practice, not page 1
    expect((await page.locator('mark').allInnerTexts()).join(' ').toLowerCase()).toContain(PAGE2_WORD);
    await shot(page, 'ricerca-risultati');

    // A year range without the practice finds nothing: the filter, not the word alone, decided the result above.
    await page.getByLabel('Anno da').fill('2001');
    await page.getByLabel('Anno a').fill('2030');
    const outOfRange = page.waitForResponse(
      (r) => r.url().includes('/api/search') && r.url().includes('yearFrom=2001'),
    );
    await page.getByRole('button', { name: 'Cerca', exact: true }).click();
    expect((await outOfRange).status()).toBe(200);
    await page.waitForFunction(
      () => !Array.from(document.querySelectorAll('a')).some((a) => a.textContent?.trim() === 'Apri'),
    );
    await page.getByLabel('Anno da').fill('2000');
    await page.getByLabel('Anno a').fill('2000');
    await page.getByRole('button', { name: 'Cerca', exact: true }).click();
    await open.first().waitFor();

    await open.first().click();
    await page.waitForURL(new RegExp(`#/documento/${idOf(practice.file)}`));
    await page.getByText('Pagina 2 di 2').waitFor({ timeout: 30_000 });
    const highlighted = page.locator('.textLayer').locator('mark, .highlight');
    await highlighted.first().waitFor({ timeout: 30_000 });
    expect((await highlighted.allInnerTexts()).join(' ').toLowerCase()).toContain('fognatur');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('canvas')).some((c) => c.width > 0));
    await shot(page, 'documento');

    await page.goto('/#/caricamento');
    await page.getByText('Accesso non consentito').waitFor();
    for (const path of ['/#/revisione', '/#/amministrazione']) {
      await page.goto(path);
      await page.getByText('Accesso non consentito').waitFor();
    }

    // The API itself refuses, with the professional's own session and a valid CSRF token.
    const me = await page.request.get('/api/auth/me');
    expect(me.status()).toBe(200);
    const csrf = ((await me.json()) as { csrfToken: string }).csrfToken;
    expect((await page.request.get(`/api/search?q=${PAGE2_WORD}`)).status()).toBe(200);
    const upload = await page.request.post('/api/batches', {
      headers: { 'x-csrf-token': csrf },
      multipart: { file: { name: 'intruso.png', mimeType: 'image/png', buffer: await readFile(practice.path) } },
    });
    expect(upload.status()).toBe(403);
    expect(((await upload.json()) as { error: { code: string } }).error.code).not.toBe('CSRF');
    for (const path of ['/api/review', '/api/users', '/api/audit']) {
      expect((await page.request.get(path)).status(), path).toBe(403);
    }
    expect(await fx.services.db.listBatches({ limit: 10 })).toHaveLength(1);
  }, 120_000);
});

describe('the records manager and the admin', () => {
  it('corrects the office of a pending suggestion, and the admin sees the correction in the access register', async () => {
    const { page } = browser;
    const id = idOf(protocolLetter.file);
    const rm = await fx.apiAs('records_manager');
    const before = await rm.call('GET', `/review/${id}`);
    expect(before.status).toBe(200);
    expect(before.body.review.state).toBe('pending');
    const offices = (await rm.call('GET', '/reference')).body.offices as Array<{ code: string; name: string }>;
    const target = offices.find((o) => o.code !== before.body.review.current.office)!;

    await loginUi(page, USERS.records_manager.username, USERS.records_manager.password);
    expect(await navLinks(page)).toEqual(expect.arrayContaining(['Ricerca', 'Revisione']));
    expect(await navLinks(page)).not.toContain('Caricamento');
    expect(await navLinks(page)).not.toContain('Amministrazione');
    await nav(page).getByRole('link', { name: 'Revisione' }).click();
    await page.waitForURL(/#\/revisione/);

    const name = before.body.document.title ?? before.body.document.filename;
    const row = page.getByRole('row').filter({ hasText: name });
    await row.first().waitFor();
    await row.first().click();
    await shot(page, 'revisione');
    await page.getByRole('button', { name: 'Correggi', exact: true }).click();
    await page.getByLabel('Ufficio', { exact: true }).selectOption(target.code);
    await page.getByLabel('Motivazione').fill('Lettera sui lavori stradali, non di competenza di questo ufficio');
    await shot(page, 'revisione-correzione');
    await page.getByRole('button', { name: 'Conferma correzione' }).click();

    await expect
      .poll(async () => (await rm.call('GET', `/review/${id}`)).body.review, { timeout: 15_000 })
      .toMatchObject({
        state: 'corrected',
        current: { office: target.code },
      });

    const admin = await browser.newSession();
    await loginUi(admin.page, fx.admin.username, fx.admin.password);
    await nav(admin.page).getByRole('link', { name: 'Amministrazione' }).click();
    await admin.page.waitForURL(/#\/amministrazione/);
    await section(admin.page, 'Registro accessi').click();
    const entry = admin.page.getByRole('row').filter({ hasText: 'routing.correct' });
    await entry.first().waitFor();
    const text = (await entry.allInnerTexts()).join('\n');
    expect(text).toMatch(new RegExp(`${USERS.records_manager.username}|${USERS.records_manager.displayName}`));
    await shot(admin.page, 'amministrazione-registro-accessi');
  }, 120_000);
});

describe('every main page', () => {
  it('is reachable by the admin from the navigation and renders without errors', async () => {
    const { page } = browser;
    await loginUi(page, fx.admin.username, fx.admin.password);
    expect(await navLinks(page)).toEqual(
      expect.arrayContaining(['Caricamento', 'Ricerca', 'Revisione', 'Amministrazione']),
    );
    const pages: Array<[string, string, RegExp, (p: Page) => ReturnType<Page['getByText']>]> = [
      ['Caricamento', 'pagina-caricamento', /#\/caricamento/, (p) => p.getByLabel('Scegli file')],
      ['Ricerca', 'pagina-ricerca', /#\/ricerca/, (p) => p.getByRole('searchbox', { name: 'Cerca' })],
      ['Revisione', 'pagina-revisione', /#\/revisione/, (p) => p.getByRole('button', { name: 'Accetta selezionati' })],
      ['Amministrazione', 'pagina-amministrazione', /#\/amministrazione/, (p) => section(p, 'Utenti')],
    ];
    for (const [link, name, url, landmark] of pages) {
      await nav(page).getByRole('link', { name: link }).click();
      await page.waitForURL(url);
      await landmark(page).waitFor();
      expect(await page.getByText('Accesso non consentito').count()).toBe(0);
      await shot(page, name);
    }
    await page.goto(`/#/documento/${idOf(practice.file)}?pagina=1`);
    await page.getByText('Pagina 1 di 2').waitFor({ timeout: 30_000 });
    await shot(page, 'pagina-documento');
    await page.getByRole('button', { name: 'Esci' }).click();
    await page.getByLabel('Nome utente').waitFor();
    expect((await page.request.get('/api/auth/me')).status()).toBe(401);
  }, 120_000);
});
