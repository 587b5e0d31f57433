// A modal confirmation (the native <dialog>: focus moves into it, Escape cancels) with an
// optional checkbox, for actions that cannot be undone.

import { useEffect, useRef, useState } from 'preact/hooks';

export interface ConfirmRequest {
  readonly title: string;
  readonly text: string;
  readonly action: string;
  readonly option?: string;
  readonly onConfirm: (optionChecked: boolean) => void;
}

export function ConfirmDialog(props: { request: ConfirmRequest | undefined; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [checked, setChecked] = useState(false);
  const { request } = props;
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (request !== undefined && !element.open) {
      setChecked(false);
      element.showModal();
    }
    if (request === undefined && element.open) element.close();
  }, [request]);
  return (
    <dialog
      ref={dialog}
      aria-labelledby="confirm-title"
      onClose={() => {
        props.onClose();
      }}
    >
      {request !== undefined && (
        <form
          method="dialog"
          onSubmit={() => {
            request.onConfirm(checked);
          }}
        >
          <h2 id="confirm-title">{request.title}</h2>
          <p>{request.text}</p>
          {request.option !== undefined && (
            <label class="inline">
              <input
                type="checkbox"
                checked={checked}
                onChange={(e) => {
                  setChecked(e.currentTarget.checked);
                }}
              />
              {request.option}
            </label>
          )}
          <div class="row">
            <button
              type="button"
              onClick={() => {
                dialog.current?.close();
              }}
            >
              Cancel
            </button>
            <button type="submit" class="danger">
              {request.action}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
