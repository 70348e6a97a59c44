/** Header: product name, the guided tour, and the capability report of the adapter the engine acquired. */
import { KEY_LIMITS, describeAdapter } from '../gpu/capabilities';
import { formatBytesOrCount } from './format';
import { useStudio } from '../state/store';
import { TOUR_BUTTON_ID } from './tour/Tour';

export function Header() {
  const status = useStudio((s) => s.gpuStatus);
  const caps = useStudio((s) => s.caps);
  return (
    <header className="header">
      <div className="brand">
        <span className="logo" aria-hidden>
          ♫
        </span>
        <h1>Symphony Studio</h1>
        <span className="tagline">dense models → Mixture-of-Experts, on your GPU</span>
        {status !== 'unavailable' && (
        <button type="button" id={TOUR_BUTTON_ID} className="tour-btn" data-testid="tour-button" onClick={() => useStudio.getState().setTour(true, 0)}>
          Tour
        </button>
        )}
      </div>
      <section className="gpu-report" aria-label="GPU" data-testid="gpu-report" data-status={status}>
        {status === 'acquiring' && <span>Acquiring GPU…</span>}
        {status === 'unavailable' && <span className="badge badge-error">WebGPU unavailable</span>}
        {status === 'lost' && <span className="badge badge-error">GPU lost: rerun the stage</span>}
        {status === 'ready' && caps && (
          <>
            <span className="adapter" data-testid="adapter-name" title={caps.description}>
              {describeAdapter(caps)}
            </span>
            {caps.isFallbackAdapter && (
              <span className="badge badge-warn" data-testid="software-warning" title="A software adapter emulates the GPU on the CPU: everything works, but only tiny models are practical.">
                software adapter: slow
              </span>
            )}
            <details className="limits">
              <summary>limits</summary>
              <dl data-testid="limits">
                {KEY_LIMITS.map((k) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd>{formatBytesOrCount(k, caps.limits[k])}</dd>
                  </div>
                ))}
                <div>
                  <dt>features</dt>
                  <dd>{caps.features.filter((f) => ['shader-f16', 'subgroups', 'timestamp-query'].includes(f)).join(', ') || 'none'}</dd>
                </div>
              </dl>
            </details>
          </>
        )}
      </section>
    </header>
  );
}
