// Collects the files of a drop (files and whole folders, recursively) or of a file/folder input, with the path
// relative to what was chosen, skipping system clutter (hidden files, Thumbs.db, desktop.ini).
export interface PickedFile {
  file: File;
  /** "folder/sub/scan01.tif" for folder picks, the file name otherwise. */
  path: string;
}

const CLUTTER = new Set(['thumbs.db', 'desktop.ini', '.ds_store']);

function isClutter(name: string): boolean {
  return name.startsWith('.') || CLUTTER.has(name.toLowerCase());
}

export function filesFromInput(list: FileList | null): PickedFile[] {
  if (!list) return [];
  const out: PickedFile[] = [];
  for (const file of Array.from(list)) {
    if (isClutter(file.name)) continue;
    out.push({ file, path: file.webkitRelativePath || file.name });
  }
  return out;
}

/**
 * Files of a drop. The entries must be taken synchronously inside the drop handler (the DataTransfer is emptied
 * when the event returns), so call this from the handler and await the promise afterwards.
 */
export function filesFromDrop(dt: DataTransfer): Promise<PickedFile[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) loose.push(f);
    }
  }
  if (entries.length === 0 && loose.length === 0) return Promise.resolve(filesFromInput(dt.files));
  return (async () => {
    const out: PickedFile[] = loose.filter((f) => !isClutter(f.name)).map((file) => ({ file, path: file.name }));
    for (const entry of entries) await walk(entry, '', out);
    return out.sort((a, b) => a.path.localeCompare(b.path, 'it', { numeric: true }));
  })();
}

async function walk(entry: FileSystemEntry, prefix: string, out: PickedFile[]): Promise<void> {
  if (isClutter(entry.name)) return;
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, path });
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries answers in chunks (100 in Chrome) until it returns an empty list.
    for (;;) {
      const chunk = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (chunk.length === 0) break;
      for (const child of chunk) await walk(child, path, out);
    }
  }
}

/** A stable identity to avoid adding the same file twice. */
export function pickKey(p: PickedFile): string {
  return `${p.path}|${p.file.size}|${p.file.lastModified}`;
}
