export function CkaPanel() { return <p>soon</p>; }
