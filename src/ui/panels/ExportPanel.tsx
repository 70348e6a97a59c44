export function ExportPanel() { return <p>soon</p>; }
