/**
 * Optional Hugging Face access token (gated or private models). Kept in memory for this tab
 * unless "remember" is ticked; never shown again once set, never logged.
 */
import { useState } from 'react';
import { useStudio } from '../../state/store';

export function TokenField() {
  const has = useStudio((s) => s.hubToken !== null);
  const remembered = useStudio((s) => s.rememberToken);
  const [draft, setDraft] = useState('');
  const [remember, setRemember] = useState(false);
  if (has) {
    return (
      <p className="small" data-testid="token-set">
        Access token set ({remembered ? 'remembered in this browser' : 'this tab only'}).{' '}
        <button type="button" className="link-btn" onClick={() => useStudio.getState().setToken(null, false)}>Forget it</button>
      </p>
    );
  }
  const save = () => {
    if (!draft.trim()) return;
    useStudio.getState().setToken(draft.trim(), remember);
    setDraft('');
  };
  return (
    <div className="row token-row">
      <label className="field grow">
        <span className="field-label">Access token (optional: gated or private models)</span>
        <input
          type="password" autoComplete="off" spellCheck={false} value={draft} placeholder="hf_…" data-testid="token-input"
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && save()}
        />
      </label>
      <label className="small">
        <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> remember in this browser
      </label>
      <button type="button" className="btn" onClick={save} disabled={!draft.trim()}>Use token</button>
    </div>
  );
}
