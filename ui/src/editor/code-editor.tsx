// A CodeMirror 6 editor for one file of the pipeline folder at a time: YAML highlighting,
// completion from the editor JSON Schemas, and the file's problems as inline diagnostics (from
// the loader as the user types, and from the API after validate or deploy). Each file keeps its
// own editor state, so undo history survives switching files. Tab is left to move the focus:
// indentation uses the editor's own keys, so the keyboard never gets trapped.

import { autocompletion, closeBrackets, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
import { lintGutter, lintKeymap, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorSelection, EditorState, type Text } from '@codemirror/state';
import {
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  ViewPlugin,
} from '@codemirror/view';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { FileProblem } from './local-validation.ts';
import { CONFIG_SCHEMA, JOB_SCHEMA, schemaCompletion } from './schema-completion.ts';
import { kindOf } from '../workspace.ts';

export interface CodeEditorProps {
  readonly path: string;
  readonly text: string;
  readonly problems: readonly FileProblem[];
  readonly secretNames: () => readonly string[];
  readonly onChange: (path: string, text: string) => void;
  /** Line to move the cursor to (with a changing `jump.seq` to repeat the same line). */
  readonly jump?: { readonly line: number; readonly column: number; readonly seq: number };
}

/** The nonce the API put in the page for the editor's <style> element (see api/ui). */
const STYLE_NONCE =
  document.querySelector('meta[name="sluice-style-nonce"]')?.getAttribute('content') ?? undefined;
const NONCE = STYLE_NONCE === undefined ? [] : [EditorView.cspNonce.of(STYLE_NONCE)];

function extensionsFor(path: string, props: { current: CodeEditorProps }) {
  const kind = kindOf(path);
  const schema = kind === 'config' ? CONFIG_SCHEMA : kind === 'job' ? JOB_SCHEMA : undefined;
  return [
    NONCE,
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightActiveLine(),
    history(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    yaml(),
    lintGutter(),
    autocompletion({
      override:
        schema === undefined ? [] : [schemaCompletion(schema, () => props.current.secretNames())],
      activateOnTyping: true,
    }),
    keymap.of([...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap]),
    EditorView.contentAttributes.of({ 'aria-label': `Contents of ${path}` }),
    scrollerReachable(path),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) props.current.onChange(path, update.state.doc.toString());
    }),
  ];
}

/**
 * The scroller of a long file must be reachable by keyboard on its own (axe's
 * scrollable-region-focusable): a tab stop with a label, so arrow keys and Page Up/Down scroll it.
 */
function scrollerReachable(path: string) {
  return ViewPlugin.define((view) => {
    view.scrollDOM.tabIndex = 0;
    view.scrollDOM.setAttribute('aria-label', `Scroll ${path}`);
    return {};
  });
}

export function offsetOf(doc: Text, line: number, column: number): number {
  const at = doc.line(Math.min(Math.max(line, 1), doc.lines));
  return Math.min(at.from + Math.max(column - 1, 0), at.to);
}

function diagnosticsOf(doc: Text, problems: readonly FileProblem[]): Diagnostic[] {
  return problems.map((problem) => {
    const from = offsetOf(doc, problem.line, problem.column);
    const lineEnd = doc.lineAt(from).to;
    const word = /^\S+/.exec(doc.sliceString(from, lineEnd))?.[0].length ?? 0;
    return {
      from,
      to: Math.min(from + Math.max(word, 1), doc.length),
      severity: problem.severity ?? 'error',
      source: problem.source === 'api' ? 'API' : 'Sluice loader',
      message: problem.message,
    };
  });
}

export function CodeEditor(props: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | undefined>(undefined);
  const states = useRef(new Map<string, EditorState>());
  const latest = useRef(props);
  latest.current = props;
  const shownPath = useRef<string | undefined>(undefined);

  useEffect(() => {
    if (host.current === null) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({ extensions: NONCE }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = undefined;
    };
  }, []);

  // Show the file: its kept state, or a new one when the text changed outside the editor. A
  // layout effect runs in the same task as the render that read the text, so no keystroke can
  // come between them and make the text look changed from outside.
  useLayoutEffect(() => {
    const editor = view.current;
    if (editor === undefined) return;
    // The editor's own typing comes back as a new text: nothing to show.
    if (shownPath.current === props.path && editor.state.doc.toString() === props.text) return;
    if (shownPath.current !== undefined) states.current.set(shownPath.current, editor.state);
    let state = states.current.get(props.path);
    if (state === undefined || state.doc.toString() !== props.text) {
      state = EditorState.create({
        doc: props.text,
        extensions: extensionsFor(props.path, latest),
      });
    }
    editor.setState(state);
    shownPath.current = props.path;
    editor.dispatch(setDiagnostics(editor.state, diagnosticsOf(editor.state.doc, props.problems)));
  }, [props.path, props.text]);

  useEffect(() => {
    const editor = view.current;
    if (editor === undefined) return;
    editor.dispatch(setDiagnostics(editor.state, diagnosticsOf(editor.state.doc, props.problems)));
  }, [props.problems]);

  useEffect(() => {
    const editor = view.current;
    if (editor === undefined || props.jump === undefined) return;
    const at = offsetOf(editor.state.doc, props.jump.line, props.jump.column);
    editor.dispatch({
      selection: EditorSelection.cursor(at),
      effects: EditorView.scrollIntoView(at, { y: 'center' }),
    });
    editor.focus();
  }, [props.jump?.seq]);

  return <div class="code-editor" ref={host} />;
}
