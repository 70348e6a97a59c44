export function AlignmentPanel() { return <p>soon</p>; }
