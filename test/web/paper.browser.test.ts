// Issue 11 acceptance in the browser, in a union of two Comuni: the archivist of Lugo imports a small paper inventory
// through the wizard (mapping suggested, one row rejected in the report); a professional finds a paper-only practice
// under "Su carta" in Ricerca (the Comune filter narrows it) and requests access; the archivist approves it on
// Richieste di accesso, and the practice is on the scan work list with its box; Avanzamento counts it.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApp, USERS, type AppFixture } from './app.fixture.ts';
import { BASSA_ROMAGNA } from '../helpers/bassa-romagna.ts';
import { loginUi, navLinks, shot, useBrowser, waitForCount } from './browser.ts';

const LUGO = 'E730';
const PRACTICE = 'PE 45/1978';
const CSV = [
  'N. pratica;Richiedente;Indirizzo;Foglio;Mappale;Edificio;Stanza;Scaffale;Faldone',
  `${PRACTICE};Mario Rossi;Via Garibaldi 7;12;345;Municipio;Archivio storico;S3;F12`,
  'PE 46/1978;Lucia Bianchi;Via Mazzini 3;12;346;Municipio;Archivio storico;S3;F13',
  ';Giorgio Verdi;Via Roma 1;;;Municipio;Archivio storico;S4;F1', // no practice: rejected
].join('\r\n');

let fx: AppFixture;
const browser = useBrowser(() => fx.url);

beforeAll(async () => {
  // The test users are created without a Comune: staff belong to the default one, the first (Lugo).
  fx = await startApp(BASSA_ROMAGNA);
});
afterAll(async () => {
  await fx?.close();
});

const nav = (page: Page) => page.getByRole('navigation', { name: 'Navigazione principale' });
const tab = (page: Page, name: string) => page.getByRole('tab', { name, exact: true });

describe('the paper archive of a union of Comuni', () => {
  it('the archivist imports an inventory through the wizard and sees the report with the rejected row', async () => {
    const { page } = browser;
    await loginUi(page, USERS.archivist.username, USERS.archivist.password);
    expect(await navLinks(page)).toEqual(
      expect.arrayContaining(['Archivio cartaceo', 'Richieste di accesso', 'Lista di scansione', 'Avanzamento']),
    );
    await nav(page).getByRole('link', { name: 'Archivio cartaceo' }).click();
    await page.waitForURL(/#\/cartaceo/);
    await tab(page, 'Importa').click();

    // The archivist of Lugo imports into Lugo only: the one Comune they act on is preselected.
    const comune = page.getByLabel("Comune dell'inventario");
    expect(await comune.inputValue()).toBe(LUGO);
    expect(await comune.locator('option').allInnerTexts()).toEqual(['Lugo']);
    await page.getByLabel("File dell'inventario (.csv o .xlsx)").setInputFiles({
      name: 'inventario-lugo.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV, 'utf8'),
    });
    await page.getByRole('button', { name: 'Anteprima', exact: true }).click();

    await page.getByRole('heading', { name: /Anteprima di inventario-lugo\.csv: 3 righe/ }).waitFor();
    const sample = page.getByRole('table', { name: /Prime 3 righe del file/ });
    expect(await sample.getByRole('row').count()).toBe(4); // header + 3 rows
    expect(await sample.getByRole('columnheader').allInnerTexts()).toContain('Faldone');
    // The server's suggestion is preselected in the mapping.
    expect(await page.locator('#map-practice').inputValue()).toBe('N. pratica');
    expect(await page.locator('#map-box').inputValue()).toBe('Faldone');
    expect(await page.locator('#map-applicant').inputValue()).toBe('Richiedente');
    await shot(page, 'cartaceo-anteprima');

    await page.getByRole('button', { name: 'Importa', exact: true }).click();
    await page.getByRole('heading', { name: 'Rapporto di importazione: inventario-lugo.csv' }).waitFor();
    const counts = Object.fromEntries(
      await page
        .locator('.import-counts dt')
        .evaluateAll((dts) => dts.map((dt) => [dt.textContent?.trim(), dt.nextElementSibling?.textContent?.trim()])),
    );
    expect(counts).toEqual({ 'Righe lette': '3', Inserite: '2', Aggiornate: '0', Scartate: '1' });
    const problems = page.getByRole('table', { name: /^Problemi/ });
    const errors = problems.getByRole('row').filter({ has: page.getByRole('cell', { name: 'errore', exact: true }) });
    await errors.first().waitFor();
    // Every error is on the third data row, the one without a practice.
    const errorRows = await errors.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')?.textContent?.trim()));
    expect(new Set(errorRows)).toEqual(new Set(['3']));
    await shot(page, 'cartaceo-rapporto');

    // The CSV report is the same problem list.
    const csvHref = await page.getByRole('link', { name: 'Scarica il rapporto (CSV)' }).getAttribute('href');
    expect(csvHref).toMatch(/^\/api\/inventory\/imports\/[^/]+\/report\.csv$/);
    const csv = await page.request.get(csvHref!);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]!.toLowerCase()).toMatch(/^riga;campo;gravit/);
    expect(lines.some((l) => l.startsWith('3;'))).toBe(true);

    // What the report says is what the store holds.
    const stored = await fx.services.paper.searchInventory({ comuni: [LUGO] });
    expect(stored.records.map((r) => r.practiceKey).sort()).toEqual([PRACTICE, 'PE 46/1978']);
    expect(stored.records.every((r) => r.state === 'paper')).toBe(true);

    await tab(page, 'Importazioni precedenti').click();
    const history = page.getByRole('row').filter({ hasText: 'inventario-lugo.csv' });
    await history.waitFor();
    expect(await history.innerText()).toContain('Lugo');

    await tab(page, 'Inventario').click();
    const row = page.getByRole('row').filter({ hasText: PRACTICE });
    await row.waitFor();
    expect(await row.innerText()).toContain('Solo cartaceo');
    expect(await row.innerText()).toContain('Edificio Municipio, stanza Archivio storico, scaffale S3, faldone F12');
  }, 120_000);

  it('a professional finds the paper practice in Ricerca, filtered by Comune, and requests access', async () => {
    const { page } = browser;
    await loginUi(page, USERS.professional.username, USERS.professional.password);
    expect(await navLinks(page)).toEqual(['Ricerca', 'Richieste di accesso']);
    await nav(page).getByRole('link', { name: 'Ricerca' }).click();
    await page.waitForURL(/#\/ricerca/);

    const search = async (comune: string) => {
      await page.getByRole('searchbox', { name: 'Cerca' }).fill('Rossi');
      await page.getByLabel('Comune', { exact: true }).selectOption({ label: comune });
      const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/search');
      await page.getByRole('button', { name: 'Cerca', exact: true }).click();
      return new URL((await answered).url()).searchParams;
    };
    const paper = page.getByRole('heading', { name: 'Su carta' });

    // Bagnacavallo holds nothing of Mario Rossi: the filter is the server's.
    expect((await search('Bagnacavallo')).get('comune')).toBe('A547');
    await page.getByText('Nessun risultato').waitFor();
    expect(await paper.count()).toBe(0);

    expect((await search("Tutta l'unione")).get('comune')).toBeNull();
    await paper.waitFor();
    const row = page.getByRole('row').filter({ hasText: PRACTICE });
    await row.waitFor();
    for (const text of ['Lugo', 'Mario Rossi', 'Via Garibaldi 7', 'Solo cartaceo']) {
      expect(await row.innerText()).toContain(text);
    }
    await shot(page, 'ricerca-su-carta');

    await row.getByRole('button', { name: 'Richiedi accesso' }).click();
    await page.waitForURL(/#\/richieste\/nuova\?/);
    expect(await page.getByLabel('Comune della pratica').inputValue()).toBe(LUGO);
    expect(await page.getByLabel('Pratica', { exact: true }).inputValue()).toBe(PRACTICE);
    await page.getByLabel('In qualità di').selectOption({ label: 'Notaio' });
    await page.getByLabel('Motivo della richiesta').fill('breve'); // too short: refused before sending
    await page.getByRole('button', { name: 'Invia richiesta' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/almeno 10 caratteri/);
    await page.getByLabel('Motivo della richiesta').fill("Rogito di compravendita dell'immobile");
    await page.getByLabel('E-mail per le comunicazioni (facoltativa)').fill('piera@example.it');
    await page.getByRole('button', { name: 'Invia richiesta' }).click();

    await page.getByText(`Richiesta inviata per la pratica ${PRACTICE}`).waitFor();
    await page.waitForURL(/#\/richieste\/mie/);
    const mine = page.getByRole('row').filter({ hasText: PRACTICE });
    await mine.waitFor();
    expect(await mine.innerText()).toContain('In attesa');
    expect(await mine.innerText()).toContain('in attesa di digitalizzazione');
    await shot(page, 'richieste-professionista');

    const { requests } = await fx.services.paper.listAccessRequests({ practiceKey: PRACTICE });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      comune: LUGO,
      requesterRole: 'notary',
      state: 'pending',
      awaitingScan: true,
      requesterEmail: 'piera@example.it',
    });
    // A pending request for a paper-only practice puts it on the scan work list.
    expect((await fx.services.paper.getInventoryByKey(LUGO, PRACTICE))?.state).toBe('requested');
  }, 120_000);

  it('the archivist approves the request; the practice waits on the scan list with its box', async () => {
    const { page } = browser;
    await loginUi(page, USERS.archivist.username, USERS.archivist.password);
    await nav(page).getByRole('link', { name: 'Richieste di accesso' }).click();
    await page.waitForURL(/#\/richieste/);
    expect(await tab(page, 'Richieste dei Comuni').getAttribute('aria-selected')).toBe('true');

    const pending = page.getByRole('table', { name: 'Richieste in attesa di decisione' });
    const row = pending.getByRole('row').filter({ hasText: PRACTICE });
    await row.waitFor();
    expect(await row.innerText()).toContain(USERS.professional.displayName);
    expect(await row.innerText()).toContain('Notaio');
    await row.getByRole('button', { name: 'Approva' }).click();
    await page.getByRole('heading', { name: `Approva la richiesta per la pratica ${PRACTICE}` }).waitFor();
    await page.getByLabel('Nota per il richiedente (facoltativa)').fill('Consultazione in sala o in digitale');
    await page.getByLabel('Giorni di validità').fill('30');
    await page.getByRole('button', { name: 'Conferma approvazione' }).click();
    await page.getByText(`Richiesta per la pratica ${PRACTICE} approvata`).waitFor();
    await waitForCount(row, 0);

    await page.getByLabel('Stato', { exact: true }).selectOption({ label: 'Approvata' });
    const approved = page.getByRole('row').filter({ hasText: PRACTICE });
    await approved.waitFor();
    expect(await approved.innerText()).toContain('Approvata');
    expect(await approved.innerText()).toContain('in attesa di digitalizzazione');
    await shot(page, 'richieste-approvata');

    const [request] = (await fx.services.paper.listAccessRequests({ practiceKey: PRACTICE })).requests;
    expect(request).toMatchObject({ state: 'approved', decisionNote: 'Consultazione in sala o in digitale' });
    const days = (Date.parse(request!.expiresAt!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThanOrEqual(30);

    // The requester is told by e-mail (file outbox by default).
    const outbox = fx.services.config.notify.outboxDir;
    const approvalMail = async () => {
      const files = (await readdir(outbox).catch(() => [])).filter((f) => f.endsWith('.eml'));
      const mails = await Promise.all(files.map((f) => readFile(path.join(outbox, f), 'utf8')));
      return mails.some((m) => m.includes('piera@example.it') && /approvat/i.test(m));
    };
    await expect.poll(approvalMail, { timeout: 10_000, interval: 250 }).toBe(true);

    // The approved practice is still on paper: first on the scan list, with where its box is.
    await nav(page).getByRole('link', { name: 'Lista di scansione' }).click();
    const item = page
      .getByRole('table', { name: /Pratiche da scansionare/ })
      .getByRole('row')
      .filter({ hasText: PRACTICE });
    await item.waitFor();
    const cells = await item.getByRole('cell').allInnerTexts();
    expect(cells.join(' | ')).toMatch(/richiest[ae] in attesa/);
    expect(cells).toEqual(expect.arrayContaining(['Municipio', 'Archivio storico', 'S3', 'F12']));
    await shot(page, 'lista-scansione');

    await nav(page).getByRole('link', { name: 'Avanzamento' }).click();
    const progress = page.getByRole('table', { name: 'Avanzamento per Comune' });
    const lugo = progress.getByRole('row').filter({ hasText: 'Lugo' });
    await lugo.waitFor();
    expect((await lugo.getByRole('cell').allInnerTexts()).slice(0, 3)).toEqual(['Lugo', '2', '0']);
    await progress.getByRole('row').filter({ hasText: 'Totale' }).waitFor();
    expect(await page.getByRole('img', { name: /digitalizzate e arretrato per Comune/i }).count()).toBe(1);
    await shot(page, 'avanzamento');
  }, 120_000);

  it('the admin grants the archivist a second Comune from Amministrazione, and the import offers both', async () => {
    const { page } = browser;
    await loginUi(page, fx.admin.username, fx.admin.password);
    await page.goto('/#/amministrazione/utenti');
    const home = page.getByLabel(`Appartenenza di ${USERS.archivist.username}`);
    expect(await home.inputValue()).toBe(LUGO);
    const row = page.getByRole('row').filter({ has: home });
    await row.getByRole('button', { name: 'Modifica Comuni' }).click();
    await page.getByRole('heading', { name: `Altri Comuni di ${USERS.archivist.username}` }).waitFor();
    await page.getByRole('checkbox', { name: 'Bagnacavallo' }).check();
    await page.getByRole('button', { name: 'Salva', exact: true }).click();
    await page.getByText(`${USERS.archivist.username}: Comuni aggiuntivi salvati`).waitFor();
    await row.getByText('Anche: Bagnacavallo').waitFor();
    const stored = await fx.services.auth.getUserByUsername(USERS.archivist.username);
    expect(stored).toMatchObject({ comune: LUGO, grantedComuni: ['A547'] });
    await shot(page, 'amministrazione-comuni');

    const archivist = await browser.newSession();
    await loginUi(archivist.page, USERS.archivist.username, USERS.archivist.password);
    await archivist.page.goto('/#/cartaceo/importa');
    const comune = archivist.page.getByLabel("Comune dell'inventario");
    await comune.locator('option', { hasText: 'Bagnacavallo' }).waitFor({ state: 'attached' });
    expect(await comune.locator('option:not([disabled])').allInnerTexts()).toEqual(['Lugo', 'Bagnacavallo']);
  }, 120_000);
});
