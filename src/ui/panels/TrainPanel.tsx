export function TrainPanel() { return <p>soon</p>; }
