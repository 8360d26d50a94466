// The visible legend of the review page's keyboard shortcuts.
const SHORTCUTS: Array<[string[], string]> = [
  [['j'], 'proposta successiva'],
  [['k'], 'proposta precedente'],
  [['a'], 'accetta la proposta selezionata'],
  [['c'], 'correggi la proposta selezionata'],
  [['←', '→'], 'pagina precedente / successiva del documento'],
];

export function ShortcutLegend() {
  return (
    <aside class="revisione-legend" aria-labelledby="revisione-legend-title">
      <h2 id="revisione-legend-title">Scorciatoie da tastiera</h2>
      <dl>
        {SHORTCUTS.map(([keys, what]) => (
          <div key={what}>
            <dt>
              {keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && ' / '}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <p>Le scorciatoie non agiscono mentre si scrive in un campo.</p>
    </aside>
  );
}
