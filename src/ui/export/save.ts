/**
 * Where an export goes, on the UI side: the folder picker (File System Access API; the handle
 * is passed to the engine worker, which streams the files into it), and saving a finished ZIP
 * (a Blob, disk-backed where the browser can): the save dialog where the browser has it (Chrome,
 * Edge), else a download link. `saveZip` returns how it was saved, or null when the user
 * cancelled the dialog.
 */

interface PickerWindow {
  showSaveFilePicker?: (opts: { suggestedName: string; types: { description: string; accept: Record<string, string[]> }[] }) => Promise<FileSystemFileHandle>;
  showDirectoryPicker?: (opts?: { mode?: 'read' | 'readwrite'; id?: string }) => Promise<FileSystemDirectoryHandle>;
}

/** Whether the user can pick a folder to export into. */
export function canPickFolder(): boolean {
  return typeof (window as unknown as PickerWindow).showDirectoryPicker === 'function';
}

/** The folder the user picks (read-write), or null when the dialog was cancelled. */
export async function pickExportFolder(): Promise<FileSystemDirectoryHandle | null> {
  const pick = (window as unknown as PickerWindow).showDirectoryPicker;
  if (!pick) return null;
  try {
    return await pick({ mode: 'readwrite', id: 'symphony-export' });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return null;
    throw e;
  }
}

export async function saveZip(name: string, zip: Blob): Promise<string | null> {
  const w = window as unknown as PickerWindow;
  if (typeof w.showSaveFilePicker === 'function') {
    try {
      const handle = await w.showSaveFilePicker({ suggestedName: name, types: [{ description: 'Zip archive', accept: { 'application/zip': ['.zip'] } }] });
      const out = await handle.createWritable();
      await out.write(zip);
      await out.close();
      return `saved as ${handle.name}`;
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') return null;
      // Any other failure (e.g. a sandboxed frame): fall back to a download.
    }
  }
  const url = URL.createObjectURL(zip);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return 'downloaded';
}
