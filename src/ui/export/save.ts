/**
 * Saving an exported zip: the File System Access API's save dialog where the browser has it
 * (Chrome, Edge), else a download link. Returns how it was saved, or null when the user
 * cancelled the dialog.
 */

interface SaveFilePickerWindow {
  showSaveFilePicker?: (opts: { suggestedName: string; types: { description: string; accept: Record<string, string[]> }[] }) => Promise<FileSystemFileHandle>;
}

export async function saveZip(name: string, zip: ArrayBuffer): Promise<string | null> {
  const w = window as unknown as SaveFilePickerWindow;
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
  const url = URL.createObjectURL(new Blob([zip], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return 'downloaded';
}
