import { describe, expect, it } from 'vitest';
import { loadReferenceData } from '../../src/classify/reference-data.ts';
import { classifyDocument, compilePhrase, findPhrase, foldForMatching } from '../../src/classify/rules.classifier.ts';

const ref = loadReferenceData();
const classify = (...pages: string[]) => classifyDocument(pages, ref);

describe('phrase matching', () => {
  const find = (text: string, phrase: string) => findPhrase([foldForMatching(text)], compilePhrase(phrase));

  it('ignores case, accents and punctuation', () => {
    expect(find('CERTIFICATO DI AGIBILITA\' n. 5', 'certificato di agibilità')).toHaveLength(1);
    expect(find('Spett.le Comune', 'spett.le')).toHaveLength(1);
  });

  it('tolerates OCR-broken spacing and look-alike letters', () => {
    expect(find('RELAZIONETECNICA', 'relazione tecnica')).toHaveLength(1);
    expect(find('R E L A Z I O N E   T E C N I C A', 'relazione tecnica')).toHaveLength(1);
    expect(find('re1azione tecn1ca', 'relazione tecnica')).toHaveLength(1);
  });

  it('reports page, offset and raw text of a hit', () => {
    const [hit] = findPhrase([foldForMatching('x'), foldForMatching('Oggetto: Relazione  Tecnica.')], compilePhrase('relazione tecnica'));
    expect(hit).toEqual({ page: 2, offset: 9, end: 27, raw: 'Relazione  Tecnica' });
  });

  it('keeps short keywords to whole words', () => {
    expect(find('contributi sanitari e tributari', 'tari')).toHaveLength(0);
    expect(find('saldo TARI 2019', 'tari')).toHaveLength(1);
    expect(find('la distanza dai confini', 'istanza')).toHaveLength(0);
  });

  it('lets a trailing * match any ending', () => {
    expect(find('ufficio tributi', 'tribut*')).toHaveLength(1);
    expect(find('ufficio tributi', 'tributo')).toHaveLength(0);
  });
});

describe('document type', () => {
  it.each([
    [
      'domanda',
      'Al Sindaco del Comune di Borgo San Vito\nIl sottoscritto Mario Rossi, proprietario dell\'immobile, CHIEDE il rilascio del permesso di costruire per la sopraelevazione.',
    ],
    [
      'relazione_tecnica',
      'RELAZIONE TECNICA ILLUSTRATIVA\nDescrizione dell\'intervento: ampliamento del fabbricato. Stato di fatto e stato di progetto.',
    ],
    [
      'titolo_rilasciato',
      'IL DIRIGENTE DEL SETTORE TECNICO\nVista la domanda presentata il 12/03/2005; visto il parere favorevole della commissione edilizia;\nRILASCIA\nil permesso di costruire n. 12/2005, fatti salvi i diritti dei terzi.',
    ],
    [
      'comunicazione_inizio_lavori',
      'COMUNICAZIONE DI INIZIO LAVORI\nIl sottoscritto comunica che i lavori avranno inizio in data 02/05/2006. Direttore dei lavori: geom. Bianchi.',
    ],
    [
      'comunicazione_fine_lavori',
      'COMUNICAZIONE DI FINE LAVORI\nSi comunica che i lavori di cui alla concessione edilizia n. 88/1979 sono stati ultimati in data 30/06/1981.',
    ],
    [
      'certificato_agibilita',
      'CERTIFICATO DI AGIBILITÀ\nSi certifica che l\'immobile sito in Via Roma n. 12 è agibile a decorrere dal 01/10/1990.',
    ],
    [
      'parere',
      'COMMISSIONE EDILIZIA COMUNALE - seduta del 14/02/1980\nLa Commissione esprime parere favorevole con le seguenti prescrizioni.',
    ],
    [
      'integrazione',
      'Oggetto: Pratica edilizia n. 123/1987 - integrazione documentale.\nSi trasmette ad integrazione la documentazione richiesta.',
    ],
    ['corrispondenza', 'Gentile signora, in riscontro alla Sua nota del 3 marzo 2019 si comunica quanto segue. Distinti saluti.'],
  ])('recognises %s', (expected, text) => {
    const c = classify(text);
    expect(c.documentType.value).toBe(expected);
    expect(c.documentType.confidence).toBeGreaterThan(0.3);
    expect(c.documentType.reasons.length).toBeGreaterThan(0);
  });

  it('explains the decision with the matched phrase', () => {
    const c = classify('RELAZIONE TECNICA\nDescrizione dell\'intervento');
    expect(c.documentType.reasons[0]).toMatch(/^keyword "relazione tecnica" → relazione_tecnica \(\+4, p\.1\)$/);
    expect(c.explanation).toContain(c.documentType.reasons[0]);
  });

  it('recognises a type in OCR-damaged text', () => {
    expect(classify('RELAZI0NE TECNlCA\nDescrizionedell\'intervento').documentType.value).toBe('relazione_tecnica');
  });

  it('falls back to corrispondenza with low confidence when nothing matches', () => {
    const c = classify('Lorem ipsum dolor sit amet.');
    expect(c.documentType).toMatchObject({ value: 'corrispondenza', confidence: 0.2 });
    expect(c.documentType.reasons[0]).toMatch(/^fallback/);
  });
});

describe('procedure type', () => {
  it('comes from a practice reference that names its procedure', () => {
    const c = classify('Vista la SCIA n. 45/2019 presentata dal sig. Rossi');
    expect(c.procedureType?.value).toBe('scia');
    expect(c.procedureType?.reasons[0]).toMatch(/^practiceRef "SCIA n\. 45\/2019" → scia/);
  });

  it('comes from keywords', () => {
    expect(classify('domanda di condono edilizio ai sensi della legge 47/85').procedureType?.value).toBe('condono');
  });

  it('is absent when nothing points to a procedure', () => {
    expect(classify('richiesta di certificato di residenza').procedureType).toBeUndefined();
  });
});

describe('routing: titolario class and office', () => {
  it.each([
    ['IV.3', 'tributi', 'Oggetto: richiesta di rimborso TARI anno 2019.\nIl sottoscritto chiede il rimborso della tassa sui rifiuti versata due volte.'],
    ['IV.3', 'tributi', 'Oggetto: IMU 2021 - avviso di accertamento. Si chiede la rettifica del tributo.'],
    ['XI.2', 'servizi-demografici', 'Oggetto: dichiarazione di cambio di residenza.\nLa sottoscritta chiede l\'iscrizione anagrafica nel Comune.'],
    ['XI.1', 'servizi-demografici', 'Oggetto: richiesta di pubblicazioni di matrimonio presso l\'ufficio di stato civile.'],
    ['IX.4', 'polizia-locale', 'Oggetto: esposto per rumori molesti.\nSi segnalano schiamazzi notturni provenienti dal locale al piano terra.'],
    ['IX.2', 'polizia-locale', 'Oggetto: ricorso avverso verbale di contravvenzione al codice della strada n. 3344.'],
    ['VI.7', 'lavori-pubblici', 'Oggetto: segnalazione buca pericolosa in Via Garibaldi.\nSi chiede la manutenzione stradale urgente.'],
    ['VI.8', 'lavori-pubblici', 'Oggetto: guasto illuminazione pubblica in Piazza Dante, lampioni spenti da una settimana.'],
    ['VII.12', 'servizi-sociali', 'Oggetto: richiesta contributo economico.\nIl nucleo familiare versa in grave situazione di disagio.'],
    ['III.1', 'personale', 'Oggetto: domanda di partecipazione al concorso pubblico per istruttore amministrativo.'],
    ['IV.4', 'ragioneria', 'Oggetto: trasmissione fattura n. 12/E e sollecito di pagamento per la fornitura di cancelleria.'],
    ['VIII.4', 'suap', 'Oggetto: SCIA commerciale per apertura attività di esercizio di vicinato in Corso Italia 5.'],
    ['VI.9', 'ambiente', 'Oggetto: autorizzazione agli scarichi e alle emissioni in atmosfera dello stabilimento.'],
    ['VI.8', 'ambiente', 'Oggetto: abbandono di rifiuti ingombranti presso i cassonetti di Via Verdi.'],
    [
      'VI.3',
      'edilizia-privata',
      'Spett.le Comune - Ufficio tecnico\nOggetto: richiesta di accesso agli atti edilizi relativi alla pratica edilizia n. 123/1987.\nDistinti saluti.',
    ],
    ['VI.3', 'edilizia-privata', 'Oggetto: trasmissione SCIA edilizia per ristrutturazione del fabbricato di Via Roma n. 12.'],
  ])('routes to %s / %s', (titolarioClass, office, text) => {
    const c = classify(text);
    expect(c.titolarioClass.value).toBe(titolarioClass);
    expect(c.office.value).toBe(office);
    expect(c.titolarioClass.label).toBe(ref.lookupClass(titolarioClass)!.label);
    expect(c.office.name).toBe(ref.lookupOffice(office)!.name);
    expect(c.office.confidence).toBeGreaterThan(0.3);
  });

  it('routes every document of a building practice to VI.3 Edilizia privata', () => {
    const c = classify('RELAZIONE TECNICA\nPratica edilizia n. 123/1987 - immobile al foglio 12 mappale 345');
    expect(c.titolarioClass).toMatchObject({ value: 'VI.3', label: 'Edilizia privata', titolo: 'VI' });
    expect(c.titolarioClass.titoloLabel).toBe('Pianificazione e gestione del territorio');
    expect(c.office.value).toBe('edilizia-privata');
    expect(c.titolarioClass.reasons).toContain('entity practiceRef "PE 123/1987" → route edilizia-privata (+4)');
  });

  it('falls back to segreteria / XIV with low confidence when no rule matches', () => {
    const c = classify('Lorem ipsum dolor sit amet.');
    expect(c.titolarioClass).toMatchObject({ value: 'XIV', label: 'Oggetti diversi', confidence: 0.2 });
    expect(c.office.value).toBe('segreteria');
  });

  it('lists competing candidates, best first', () => {
    const c = classify('Oggetto: rimborso TARI e sollecito di pagamento');
    expect(c.office.candidates[0]!.value).toBe(c.office.value);
    expect(c.office.candidates.map((x) => x.value)).toContain('ragioneria');
    expect(c.office.confidence).toBeLessThan(classify('Oggetto: rimborso TARI 2019, tassa sui rifiuti').office.confidence);
  });
});

describe('incoming protocol letter', () => {
  it('recognises a letter to the Comune', () => {
    const c = classify(
      'PROTOCOLLO GENERALE N. 4567 DATA 05-06-2020\nSpett.le Comune di Borgo San Vito\nOggetto: esposto per rumori molesti\nCon la presente si segnala... Distinti saluti.',
    );
    expect(c.protocolLetter.value).toBe(true);
    expect(c.entities.best.protocol?.value).toEqual({ number: 4567, date: '2020-06-05', year: 2020 });
  });

  it('does not take a technical report for a letter', () => {
    const c = classify('RELAZIONE TECNICA\nPratica edilizia n. 123/1987\nDescrizione dell\'intervento: stato di fatto.');
    expect(c.protocolLetter.value).toBe(false);
  });
});

describe('result shape', () => {
  it('names the classifier and the rules version, and carries the entities', () => {
    const c = classify('Il sottoscritto ROSSI MARIO, C.F. RSSMRA85M01H501Q, chiede il rilascio');
    expect(c.classifier).toEqual({ name: 'rules', version: ref.rules.version });
    expect(c.entities.best.taxCode).toMatchObject({ value: 'RSSMRA85M01H501Q', personal: true });
    expect(c.explanation.some((l) => l.startsWith('titolario '))).toBe(true);
  });
});
