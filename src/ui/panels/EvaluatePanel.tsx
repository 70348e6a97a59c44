export function EvaluatePanel() { return <p>soon</p>; }
