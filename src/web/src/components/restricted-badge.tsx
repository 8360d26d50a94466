// "Riservato": a record restricted to the staff of its Comune (not shared with the rest of the union).
export function RestrictedBadge() {
  return (
    <span class="badge badge-restricted" title="Visibile solo al personale del Comune, non condiviso con l'Unione">
      Riservato
    </span>
  );
}
