// What the router gives every page: `#/documento/<id>?pagina=2` → path ['<id>'], params pagina=2.
export interface PageProps {
  params: URLSearchParams;
  path: string[];
}
