// "Stampa separatori della lista": a practice sheet (with its box location) for every practice of the scan work list,
// in the list's order, optionally followed by document-type sheets, so that the scanning station prints one pile per
// box.
import { useState } from 'preact/hooks';
import { plural } from '../../format.ts';
import { SeparatorDialog } from '../../separators/separator-dialog.tsx';
import { downloadWorklistSeparators } from '../../separators/separator-download.ts';

export function WorklistSeparatorsButton({
  comune,
  practices,
  onNotice,
}: {
  /** The Comune the list is filtered on ('' = every Comune of the user). */
  comune: string;
  practices: number;
  onNotice: (message: string) => void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" disabled={practices === 0} onClick={() => setOpen(true)}>
        Stampa separatori della lista
      </button>
      {open && (
        <SeparatorDialog
          summary={`${plural(practices, 'pratica', 'pratiche')} in lista: un foglio di pratica ciascuna, con la collocazione, nell\u2019ordine della lista.`}
          allowGeneric={false}
          onPrint={async (opts) => {
            const res = await downloadWorklistSeparators({
              comune,
              documentTypes: opts.documentTypes,
              copies: opts.copies,
            });
            const skipped = res.skipped ? ` (${plural(res.skipped, 'pratica esclusa', 'pratiche escluse')})` : '';
            return `Scaricato ${res.filename}: ${plural(res.sheets, 'foglio separatore', 'fogli separatori')}${skipped}`;
          }}
          onClose={(message) => {
            setOpen(false);
            if (message) onNotice(message);
          }}
        />
      )}
    </>
  );
}
