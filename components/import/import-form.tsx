'use client';

import { useMutation } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { plural } from '@/components/ui/format';
import { ErrorWithPath } from '@/components/records/error-with-path';
import { useRefreshData } from '@/components/records/use-refresh-data';
import { DELIMITERS, FORMATS, formatFromFileName, sniffFormat, type ImportFormat } from './import-format';

export type ImportResult = RouterOutputs['records']['importJson'];
type Source = 'paste' | 'file';
type LoadedFile = { name: string; size: number; text: string };

/** The counts of a finished import; takes focus, since the form it replaces held it. */
function ImportResultPanel({ result, children }: { result: ImportResult; children: React.ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="card card-success import-result" role="status">
      <h3 ref={heading} tabIndex={-1}>
        Import complete
      </h3>
      <p>
        <strong>{plural(result.created, 'record')} created</strong>, {plural(result.updated, 'record')} updated,{' '}
        {plural(result.relationships, 'relationship')}.
      </p>
      {children}
    </div>
  );
}

export type ImportDone = { result: ImportResult; label: string | null };

/**
 * Paste or upload JSON, JSONL or CSV and import it into the project in one atomic write. JSON is parsed
 * here first, so a syntax error is caught before anything is sent; the server checks everything else and
 * its errors come back with the JSON path of the offending value. `renderDone` shows what follows a
 * success (the dialog offers Close, the page a link to the records).
 */
export function ImportForm({ renderDone }: { renderDone: (done: ImportDone, reset: () => void) => React.ReactNode }) {
  const id = useId();
  const trpc = useTRPC();
  const refresh = useRefreshData();
  const [source, setSource] = useState<Source>('paste');
  const [text, setText] = useState('');
  const [file, setFile] = useState<LoadedFile | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [format, setFormat] = useState<ImportFormat>('json');
  const [formatChosen, setFormatChosen] = useState(false);
  const [label, setLabel] = useState('');
  const [delimiter, setDelimiter] = useState(',');
  const [header, setHeader] = useState(true);
  const [mergeBy, setMergeBy] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<ImportDone | null>(null);

  const onSuccess = async (result: ImportResult) => {
    setDone({ result, label: label.trim() || null });
    await refresh();
  };
  const importJson = useMutation(trpc.records.importJson.mutationOptions({ onSuccess }));
  const importCsv = useMutation(trpc.records.importCsv.mutationOptions({ onSuccess }));
  const busy = importJson.isPending || importCsv.isPending;
  const failed = importJson.isError ? importJson.error : importCsv.isError ? importCsv.error : null;

  const content = source === 'paste' ? text : (file?.text ?? '');
  const choose = (f: ImportFormat) => {
    setFormat(f);
    setFormatChosen(true);
  };

  function reset() {
    setText('');
    setFile(null);
    setDone(null);
    setProblem(null);
    importJson.reset();
    importCsv.reset();
  }

  async function loadFile(f: File | undefined) {
    setFileProblem(null);
    if (!f) {
      setFile(null);
      return;
    }
    try {
      setFile({ name: f.name, size: f.size, text: await f.text() });
      const guessed = formatFromFileName(f.name);
      if (guessed) {
        setFormat(guessed.format);
        if (guessed.delimiter) setDelimiter(guessed.delimiter);
      }
    } catch (e) {
      setFile(null);
      setFileProblem(`The file could not be read: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  function submit() {
    setProblem(null);
    importJson.reset();
    importCsv.reset();
    if (content.trim() === '') {
      setProblem(source === 'paste' ? 'Paste some data to import.' : 'Choose a file to import.');
      return;
    }
    const merge = mergeBy
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const options = merge.length > 0 ? { mergeBy: merge } : undefined;
    const theLabel = label.trim() || undefined;
    if (format === 'csv') {
      if (!theLabel) {
        setProblem('CSV rows need a label.');
        return;
      }
      importCsv.mutate({ label: theLabel, csv: content, options: { ...options, delimiter, header } });
      return;
    }
    let data: unknown = content;
    if (format === 'json') {
      try {
        data = JSON.parse(content);
      } catch (e) {
        setProblem(`Not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      if (typeof data !== 'object' || data === null) {
        setProblem('The JSON must be an object or an array of objects.');
        return;
      }
    }
    importJson.mutate({ label: theLabel, data: data as Record<string, unknown> | unknown[] | string, options });
  }

  if (done) {
    return <ImportResultPanel result={done.result}>{renderDone(done, reset)}</ImportResultPanel>;
  }

  return (
    <form
      className="import-form"
      aria-label="Import data"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <fieldset className="radio-group radio-inline">
        <legend>Source</legend>
        <label>
          <input type="radio" name={`${id}-source`} checked={source === 'paste'} onChange={() => setSource('paste')} />
          Paste text
        </label>
        <label>
          <input type="radio" name={`${id}-source`} checked={source === 'file'} onChange={() => setSource('file')} />
          Upload a file
        </label>
      </fieldset>

      {source === 'paste' ? (
        <div className="field">
          <label htmlFor={`${id}-text`}>Data</label>
          <textarea
            id={`${id}-text`}
            className="json-input mono"
            rows={9}
            value={text}
            spellCheck={false}
            placeholder={'[{ "name": "Ada", "age": 36, "address": { "city": "London" } }]'}
            onChange={(e) => {
              setText(e.target.value);
              const sniffed = formatChosen ? null : sniffFormat(e.target.value);
              if (sniffed) setFormat(sniffed);
            }}
          />
        </div>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-file`}>File</label>
          <input
            id={`${id}-file`}
            type="file"
            accept=".json,.jsonl,.ndjson,.csv,.tsv,application/json,text/csv,text/plain"
            onChange={(e) => void loadFile(e.target.files?.[0])}
            aria-describedby={`${id}-file-hint`}
          />
          <p id={`${id}-file-hint`} className="hint">
            {file
              ? `${file.name}, ${plural(file.size, 'byte')}. The format was chosen from its extension; change it below if needed.`
              : '.json, .jsonl, .ndjson, .csv or .tsv'}
          </p>
          {fileProblem ? (
            <div role="alert" className="alert alert-error">
              {fileProblem}
            </div>
          ) : null}
        </div>
      )}

      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-format`}>Format</label>
          <select
            id={`${id}-format`}
            value={format}
            onChange={(e) => choose(e.target.value as ImportFormat)}
            aria-describedby={`${id}-format-hint`}
          >
            {FORMATS.map((f) => (
              <option key={f.id} value={f.id}>
                {f.label}
              </option>
            ))}
          </select>
          <p id={`${id}-format-hint`} className="hint">
            {FORMATS.find((f) => f.id === format)?.hint}
          </p>
        </div>
        <div className="field field-grow">
          <label htmlFor={`${id}-label`}>Label{format === 'csv' ? '' : ' (optional)'}</label>
          <input
            id={`${id}-label`}
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            maxLength={128}
            required={format === 'csv'}
            placeholder="e.g. Person"
            aria-describedby={`${id}-label-hint`}
          />
          <p id={`${id}-label-hint`} className="hint">
            {format === 'csv'
              ? 'Every row becomes a record with this label.'
              : 'Label of the top-level records. Leave it empty for one object whose keys are labels.'}
          </p>
        </div>
      </div>

      {format === 'csv' ? (
        <div className="form-row">
          <div className="field">
            <label htmlFor={`${id}-delimiter`}>Delimiter</label>
            <select id={`${id}-delimiter`} value={delimiter} onChange={(e) => setDelimiter(e.target.value)}>
              {DELIMITERS.map((d) => (
                <option key={d.label} value={d.value}>
                  {d.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field field-action">
            <label className="checkbox">
              <input type="checkbox" checked={header} onChange={(e) => setHeader(e.target.checked)} />
              First row is the header
            </label>
          </div>
        </div>
      ) : null}

      <div className="field">
        <label htmlFor={`${id}-merge`}>Merge by (optional)</label>
        <input
          id={`${id}-merge`}
          value={mergeBy}
          onChange={(e) => setMergeBy(e.target.value)}
          placeholder="e.g. email"
          aria-describedby={`${id}-merge-hint`}
        />
        <p id={`${id}-merge-hint`} className="hint">
          Comma-separated properties: a record of the label with the same values is updated instead of created.
        </p>
      </div>

      {problem ? (
        <div role="alert" className="alert alert-error">
          {problem}
        </div>
      ) : null}
      {failed ? <ErrorWithPath error={failed} title="Nothing was imported." /> : null}

      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? 'Importing…' : 'Import'}
      </button>
    </form>
  );
}
