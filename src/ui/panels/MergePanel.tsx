export function MergePanel() { return <p>soon</p>; }
