export function CalibrationPanel() { return <p>soon</p>; }
