// Ground-truth sidecars for OCR evaluation: plain text, ALTO and PAGE XML give the same lines.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GroundTruthError,
  altoText,
  pageXmlText,
  readGroundTruth,
  xmlGroundTruth,
} from '../../src/ocr/ground-truth-text.ts';

const ALTO = `<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page ID="p1"><PrintSpace>
  <TextBlock ID="b1">
    <TextLine ID="l1"><String CONTENT="Comune" HPOS="1"/><SP/><String CONTENT="di"/><SP/><String CONTENT="Modena"/></TextLine>
    <TextLine ID="l2"><String CONTENT="Prot."/><SP/><String CONTENT="n."/><SP/><String CONTENT="1234"/></TextLine>
  </TextBlock>
  <ComposedBlock><TextBlock><TextLine><String CONTENT="l&apos;immobile"/></TextLine></TextBlock></ComposedBlock>
</PrintSpace></Page></Layout></alto>`;

const PAGE = `<?xml version="1.0" encoding="UTF-8"?>
<pc:PcGts xmlns:pc="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"><pc:Page imageFilename="p.png">
  <pc:TextRegion id="r1">
    <pc:TextLine id="l1"><pc:Word id="w1"><pc:TextEquiv><pc:Unicode>Comune</pc:Unicode></pc:TextEquiv></pc:Word>
      <pc:TextEquiv><pc:Unicode>Comune di Modena</pc:Unicode></pc:TextEquiv></pc:TextLine>
    <pc:TextLine id="l2">
      <pc:Word id="w2"><pc:TextEquiv><pc:Unicode>Prot.</pc:Unicode></pc:TextEquiv></pc:Word>
      <pc:Word id="w3"><pc:TextEquiv><pc:Unicode>n.</pc:Unicode></pc:TextEquiv></pc:Word>
      <pc:Word id="w4"><pc:TextEquiv index="2"><pc:Unicode>l234</pc:Unicode></pc:TextEquiv><pc:TextEquiv index="1"><pc:Unicode>1234</pc:Unicode></pc:TextEquiv></pc:Word>
    </pc:TextLine>
    <pc:TextLine id="l3"><pc:TextEquiv><pc:Unicode>l'immobile</pc:Unicode></pc:TextEquiv></pc:TextLine>
  </pc:TextRegion>
</pc:Page></pc:PcGts>`;

const LINES = "Comune di Modena\nProt. n. 1234\nl'immobile";

describe('ground truth formats', () => {
  it('reads ALTO lines from String@CONTENT, nested blocks included', () => {
    expect(altoText(ALTO)).toBe(LINES);
  });

  it("reads PAGE XML lines from the line's TextEquiv, else from its words (index 1 preferred)", () => {
    expect(pageXmlText(PAGE)).toBe(LINES);
  });

  it('tells ALTO from PAGE by the root element and refuses other XML', () => {
    expect(xmlGroundTruth(ALTO).format).toBe('alto');
    expect(xmlGroundTruth(PAGE).format).toBe('page');
    expect(() => xmlGroundTruth('<html><body>x</body></html>')).toThrow(GroundTruthError);
  });

  it('finds the sidecar beside an image: .gt.txt first, then .txt, then .xml; none → null', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'faldone-gt-'));
    try {
      await writeFile(path.join(dir, 'a.gt.txt'), 'uno');
      await writeFile(path.join(dir, 'a.txt'), 'due');
      await writeFile(path.join(dir, 'b.txt'), 'tre');
      await writeFile(path.join(dir, 'c.xml'), ALTO);
      expect(await readGroundTruth(path.join(dir, 'a.png'))).toMatchObject({ format: 'text', text: 'uno' });
      expect(await readGroundTruth(path.join(dir, 'b.tif'))).toMatchObject({ format: 'text', text: 'tre' });
      expect(await readGroundTruth(path.join(dir, 'c.jpg'))).toMatchObject({ format: 'alto', text: LINES });
      expect(await readGroundTruth(path.join(dir, 'd.png'))).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
