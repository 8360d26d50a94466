// What a role sees on a page it may not use (the API would answer 403 anyway).
export function Forbidden() {
  return (
    <section class="panel">
      <h1 tabIndex={-1}>Accesso non consentito</h1>
      <p>Il tuo ruolo non permette di usare questa pagina. Se ti serve, chiedi all'amministratore.</p>
      <p>
        <a href="#/">Torna alla pagina iniziale</a>
      </p>
    </section>
  );
}
