// The Conformità panel of the batch dashboard in the browser: the archivist draws a sample, marks each page after
// comparing it with the paper (one with a problem, then rescanned), closes the verification, issues and downloads the
// attestation, and uploads the .p7m signed (here with openssl) by the official; the panel then shows it recorded.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/store/hash.ts';
import { archiveDocument } from '../conformity/archived-batch.ts';
import { startApp, USERS, type AppFixture } from './app.fixture.ts';
import { loginUi, shot, useBrowser, waitForCount } from './browser.ts';

let fx: AppFixture;
let batchId: string;
const browser = useBrowser(() => fx.url);

beforeAll(async () => {
  fx = await startApp();
  const { db, store } = fx.services;
  const batch = await db.createBatch({ label: 'Scatola 3 — condoni', source: 'upload' });
  batchId = batch.id;
  await archiveDocument({ db, store }, batchId, 'condono-12-1986', 4);
  await archiveDocument({ db, store }, batchId, 'condono-13-1986', 2);
}, 120_000);
afterAll(async () => {
  await fx?.close();
});

describe('conformity of a batch in the dashboard', () => {
  it('goes from the sample to the signed attestation', async () => {
    const { page } = browser;
    await loginUi(page, USERS.archivist.username, USERS.archivist.password);
    await page.goto(`/#/caricamento/${batchId}`);
    const panel = page.locator('section.conformity');
    await panel.getByRole('heading', { name: 'Conformità delle copie per immagine' }).waitFor();
    await panel.getByText('Nessuna verifica').waitFor();

    await panel.getByLabel('Dimensione del campione').fill('3');
    await panel.getByLabel('Unità', { exact: true }).selectOption('size');
    await panel.getByLabel('Seme (facoltativo)').fill('prova-browser');
    await panel.getByRole('button', { name: 'Estrai il campione' }).click();
    const rows = panel.locator('table.conformity-sample tbody tr');
    await waitForCount(rows, 3);
    expect(await panel.getByRole('button', { name: 'Chiudi la verifica' }).isDisabled()).toBe(true);

    const first = rows.nth(0);
    await first.getByPlaceholder('Problema (se non conforme)').fill('pagina storta');
    await first.getByRole('button', { name: 'Non conforme' }).click();
    await panel.getByText('Verifica a campione in corso: 3 pagine da controllare').waitFor({ state: 'detached' });
    for (let i = 0; i < 3; i++) {
      await rows.nth(i).getByRole('button', { name: 'Conforme', exact: true }).click();
      await page.waitForTimeout(150);
    }
    await panel.getByText(/0 pagine da controllare/).waitFor();
    await shot(page, 'conformita-campione');
    await panel.getByRole('button', { name: 'Chiudi la verifica' }).click();
    await panel.getByText(/Verifica chiusa il .* esito conforme/).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: /Emetti e scarica l’attestazione/ }).click(),
    ]);
    const pdfPath = path.join(fx.services.config.dataDir, 'attestazione.pdf');
    await download.saveAs(pdfPath);
    const pdf = readFileSync(pdfPath);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const attestations = await fx.services.conformity.listAttestations(batchId);
    expect(attestations.map((a) => a.sha256)).toEqual([sha256(pdf)]);

    const dir = fx.services.config.dataDir;
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    run(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'k.pem',
      '-out',
      'c.pem',
      '-days',
      '2',
      '-subj',
      '/CN=Giulia Neri',
    );
    run(
      'cms',
      '-sign',
      '-binary',
      '-nodetach',
      '-in',
      'attestazione.pdf',
      '-signer',
      'c.pem',
      '-inkey',
      'k.pem',
      '-outform',
      'DER',
      '-out',
      'firmato.p7m',
    );
    await panel.getByRole('button', { name: /Emetti e scarica l’attestazione/ }).waitFor();
    await panel.getByLabel(/Attestazione firmata/).setInputFiles({
      name: 'attestazione.pdf.p7m',
      mimeType: 'application/pkcs7-mime',
      buffer: readFileSync(path.join(dir, 'firmato.p7m')),
    });
    await panel.getByRole('button', { name: 'Carica il file firmato' }).click();
    await panel.getByText('File firmato registrato nei pacchetti di archivio').waitFor();
    await panel.getByText(/Conformità attestata/).waitFor();
    await panel.getByText(/Firmato \(CAdES \.p7m\) da .*Giulia Neri/).waitFor();
    await shot(page, 'conformita-firmata');
    writeFileSync(path.join(dir, 'done'), '');
  });
});
