// Issue 11 in the browser, uploads of a union of two Comuni: the archivist of Lugo can upload only to Lugo and keeps a
// batch from the union ("Riservato"); the archivist of Bagnacavallo uploads a practice shared with the union, whose
// Comune requires access requests; a professional refused that document asks for access with the form prefilled
// from the refusal, and the e-mails' link #/richieste?id=… opens the list holding the request with its row marked,
// for the requester and for the Comune's archivist.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { waitForBatch } from '../../src/ingest/batch-progress.ts';
import { FIXTURE_DIR, fixture } from '../helpers/fixtures.ts';
import { smallPng } from '../helpers/small-scans.ts';
import { startApp, USERS, type AppFixture, type TestUser } from './app.fixture.ts';
import { loginUi, shot, useBrowser } from './browser.ts';

const LUGO = 'E730';
const BAGNACAVALLO = 'A547';
const practiceScan = fixture('png'); // pe-0003.png: one page of a building practice
const ARCHIVIST_B: TestUser = {
  username: 'archivista-bagnacavallo',
  displayName: 'Bruno Bagnacavallo',
  role: 'archivist',
  password: 'bagnacavallo-prova-2024',
};

let fx: AppFixture;
const browser = useBrowser(() => fx.url);
/** Set by the tests in order: the Bagnacavallo practice document, its practice key, the professional's request. */
let practiceDoc = '';
let practiceKey = '';
let requestId = '';

beforeAll(async () => {
  expect(practiceScan.kind).toBe('practice');
  // The fixture's users have no Comune: staff belong to the default one, the first (Lugo).
  fx = await startApp({
    union: {
      name: 'Unione della Bassa Romagna',
      comuni: [
        { code: LUGO, name: 'Lugo' },
        { code: BAGNACAVALLO, name: 'Bagnacavallo' },
      ],
      accessRequired: [BAGNACAVALLO],
    },
  });
  const admin = await fx.apiAs('admin');
  const created = await admin.call('POST', '/users', { ...ARCHIVIST_B, comune: BAGNACAVALLO });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
}, 120_000);
afterAll(async () => {
  await fx?.close();
});

const nav = (page: Page) => page.getByRole('navigation', { name: 'Navigazione principale' });

async function openCaricamento(page: Page, user: TestUser) {
  await loginUi(page, user.username, user.password);
  await nav(page).getByRole('link', { name: 'Caricamento' }).click();
  await page.waitForURL(/#\/caricamento/);
  const select = page.getByLabel('Comune del lotto');
  await select.waitFor();
  return select;
}

/** Upload the chosen files with "Carica" and return the new batch's id from the URL of its dashboard. */
async function upload(page: Page, files: Array<{ name: string; mimeType: string; buffer: Buffer }>) {
  await page.getByLabel('Scegli file').setInputFiles(files);
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/batches' && r.status() === 201);
  await page.getByRole('button', { name: 'Carica', exact: true }).click();
  const sent = new URL((await answered).url()).searchParams;
  await page.waitForURL(/#\/caricamento\/[0-9a-f-]{36}/);
  return { batchId: new URL(page.url()).hash.split('/')[2]!, sent };
}

describe('uploads in a union of two Comuni', () => {
  it('the archivist of Lugo uploads only to Lugo, and a batch kept from the union shows Comune and "Riservato"', async () => {
    const { page } = browser;
    const select = await openCaricamento(page, USERS.archivist);
    // Only the Comune they act on, preselected.
    expect(await select.locator('option:not([disabled])').allInnerTexts()).toEqual(['Lugo']);
    expect(await select.inputValue()).toBe(LUGO);
    const restricted = page.getByLabel("Riservato al personale del Comune (non condiviso con l'Unione)");
    expect(await restricted.isChecked()).toBe(false);
    await restricted.check();

    const { batchId, sent } = await upload(page, [
      { name: 'protocollo-riservato.png', mimeType: 'image/png', buffer: await smallPng('riservato-lugo') },
    ]);
    expect(sent.get('comune')).toBe(LUGO);
    expect(sent.get('restricted')).toBe('1');

    const dashboard = page.getByRole('region', { name: 'Avanzamento del lotto' });
    await dashboard.getByText('Comune: Lugo').waitFor();
    await dashboard.locator('.badge-restricted', { hasText: 'Riservato' }).waitFor();
    const recent = page.getByRole('region', { name: 'Lotti recenti' });
    const row = recent.getByRole('row').filter({ has: page.locator(`a[href="#/caricamento/${batchId}"]`) });
    await row.waitFor();
    expect(await row.getByRole('cell').allInnerTexts()).toEqual(expect.arrayContaining(['Lugo']));
    expect(await row.innerText()).toContain('Riservato');
    await shot(page, 'caricamento-unione-riservato');

    // What the page says is what the server stored.
    expect(await fx.services.db.getBatch(batchId)).toMatchObject({ comune: LUGO, restricted: true });
    await waitForBatch(fx.services.db, batchId, { timeoutMs: 120_000 });
    const [doc] = await fx.services.db.listDocuments({ batchId });
    expect(doc).toMatchObject({ comune: LUGO, restricted: true, status: 'archived' });

    // The viewer names the Comune and marks the document restricted.
    await page.goto(`/#/documento/${doc!.id}`);
    await page.locator('.documento-comune').getByText('Comune di Lugo').waitFor();
    await page.locator('.documento-comune .badge-restricted').waitFor();
    const meta = page.getByRole('complementary', { name: 'Dati del documento' });
    await meta.getByText('Riservato al personale del Comune').waitFor();
    // Nobody outside Lugo's staff sees it: the professional gets "not found".
    const professional = await fx.apiAs('professional');
    expect((await professional.call('GET', `/documents/${doc!.id}`)).status).toBe(404);
  }, 180_000);

  it('the archivist of Bagnacavallo uploads a shared practice to Bagnacavallo and sees only their batches', async () => {
    const { page } = browser;
    const select = await openCaricamento(page, ARCHIVIST_B);
    expect(await select.locator('option:not([disabled])').allInnerTexts()).toEqual(['Bagnacavallo']);
    expect(await select.inputValue()).toBe(BAGNACAVALLO);

    const { batchId, sent } = await upload(page, [
      {
        name: practiceScan.file,
        mimeType: 'image/png',
        buffer: await readFile(path.join(FIXTURE_DIR, practiceScan.file)),
      },
    ]);
    expect(sent.get('comune')).toBe(BAGNACAVALLO);
    expect(sent.get('restricted')).toBeNull();
    const dashboard = page.getByRole('region', { name: 'Avanzamento del lotto' });
    await dashboard.getByText('Comune: Bagnacavallo').waitFor();
    expect(await dashboard.locator('.badge-restricted').count()).toBe(0);

    // Lugo's restricted batch is not among Bagnacavallo's.
    const recent = page.getByRole('region', { name: 'Lotti recenti' });
    await recent.getByRole('row').filter({ hasText: 'Bagnacavallo' }).first().waitFor();
    const comuni = await recent
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLTableRowElement).cells[1]?.textContent?.trim()));
    expect(comuni).toEqual(['Bagnacavallo']);

    expect(await fx.services.db.getBatch(batchId)).toMatchObject({ comune: BAGNACAVALLO, restricted: false });
    await waitForBatch(fx.services.db, batchId, { timeoutMs: 180_000 });
    const [doc] = await fx.services.db.listDocuments({ batchId });
    expect(doc).toMatchObject({ comune: BAGNACAVALLO, restricted: false, status: 'archived' });
    const member = await fx.services.db.practiceMember(doc!.id);
    const practice = member ? await fx.services.db.getPractice(member.practiceId) : null;
    expect(practice?.key).toMatch(/348\/1974/);
    practiceDoc = doc!.id;
    practiceKey = practice?.key ?? '';
  }, 240_000);

  it('a professional refused the practice asks for access from the document, prefilled with Comune and practice', async () => {
    expect(practiceDoc, 'needs the previous test').not.toBe('');
    const { page } = browser;
    await loginUi(page, USERS.professional.username, USERS.professional.password);
    await page.goto(`/#/documento/${practiceDoc}`);
    const refusal = page.locator('.access-required');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('Serve una richiesta di accesso approvata');
    expect(await refusal.innerText()).toContain(`Pratica ${practiceKey} — Bagnacavallo`);
    await refusal.getByRole('button', { name: 'Richiedi accesso' }).click();

    await page.waitForURL(/#\/richieste\/nuova\?/);
    expect(await page.getByLabel('Comune della pratica').inputValue()).toBe(BAGNACAVALLO);
    expect(await page.getByLabel('Pratica', { exact: true }).inputValue()).toBe(practiceKey);
    await page.getByLabel('Motivo della richiesta').fill('Verifica della conformità urbanistica');
    await page.getByRole('button', { name: 'Invia richiesta' }).click();
    await page.waitForURL(/#\/richieste\/mie/);

    const { requests } = await fx.services.paper.listAccessRequests({ practiceKey });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ comune: BAGNACAVALLO, state: 'pending' });
    requestId = requests[0]!.id;

    // The link of the e-mails: "Le mie richieste", the request's row marked and focused.
    await page.goto(`/#/richieste?id=${requestId}`);
    const marked = page.locator('tr.row-focus');
    await marked.waitFor();
    expect(await page.getByRole('tab', { name: 'Le mie richieste', exact: true }).getAttribute('aria-selected')).toBe(
      'true',
    );
    expect(await marked.getAttribute('aria-current')).toBe('true');
    expect(await marked.innerText()).toContain(practiceKey);
    expect(await marked.evaluate((tr) => tr === document.activeElement)).toBe(true);
    expect(await page.locator('tr[aria-current="true"]').count()).toBe(1);
    await shot(page, 'richieste-collegamento');

    // An id the user cannot see is said so, and the list opens as usual.
    await page.goto('/#/richieste?id=00000000-0000-4000-8000-000000000000');
    await page.getByText('La richiesta indicata dal collegamento non è tra quelle che puoi consultare').waitFor();
    expect(await page.locator('tr.row-focus').count()).toBe(0);
  }, 120_000);

  it("the link opens the Comune's requests for its archivist, and nothing for Lugo's", async () => {
    expect(requestId, 'needs the previous test').not.toBe('');
    const { page } = browser;
    await loginUi(page, ARCHIVIST_B.username, ARCHIVIST_B.password);
    await page.goto(`/#/richieste?id=${requestId}`);
    const marked = page.locator('tr.row-focus');
    await marked.waitFor();
    expect(
      await page.getByRole('tab', { name: 'Richieste dei Comuni', exact: true }).getAttribute('aria-selected'),
    ).toBe('true');
    expect(await marked.innerText()).toContain(practiceKey);
    expect(await marked.getByRole('button', { name: 'Approva' }).count()).toBe(1);

    const lugo = await browser.newSession();
    await loginUi(lugo.page, USERS.archivist.username, USERS.archivist.password);
    await lugo.page.goto(`/#/richieste?id=${requestId}`);
    await lugo.page.getByText('La richiesta indicata dal collegamento non è tra quelle che puoi consultare').waitFor();
    expect(await lugo.page.locator('tr.row-focus').count()).toBe(0);
  }, 120_000);
});
