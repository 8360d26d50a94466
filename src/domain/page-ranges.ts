// Page lists written for people ("1–3, 5"): pure, shared by the box split and the web app.
/** "1–3, 5" for a sorted page list. */
export function formatPageRanges(pages: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < pages.length;) {
    let j = i;
    while (j + 1 < pages.length && pages[j + 1] === pages[j]! + 1) j++;
    out.push(j > i ? `${pages[i]}–${pages[j]}` : String(pages[i]));
    i = j + 1;
  }
  return out.join(', ');
}
