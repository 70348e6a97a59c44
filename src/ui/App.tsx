/** The studio shell: header with the GPU report, stage navigation, and the open stage's panel. */
import { useEffect } from 'react';
import { useStudio } from '../state/store';
import { Header } from './Header';
import { NoWebGpu } from './NoWebGpu';
import { StageNav } from './StageNav';
import { StagePanel } from './panels/StagePanel';
import { initEngine } from './engine';
import { Tour } from './tour/Tour';

export function App() {
  const status = useStudio((s) => s.gpuStatus);
  useEffect(() => {
    if (useStudio.getState().gpuStatus === 'idle') void initEngine();
  }, []);
  return (
    <div className="app">
      <Header />
      {status === 'unavailable' ? (
        <NoWebGpu />
      ) : (
        <div className="workspace">
          <StageNav />
          <main className="panel-area">
            <StagePanel />
          </main>
        </div>
      )}
      <Tour />
    </div>
  );
}
