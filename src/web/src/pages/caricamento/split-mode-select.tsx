// "Scansione di scatola": the files of the batch are whole boxes, split into documents at their separator sheets
// (and, if chosen, at blank pages) instead of being archived as one document each.
export type SplitChoice = '' | 'separators' | 'separators+blank';

const CHOICES: Array<{ value: SplitChoice; label: string }> = [
  { value: '', label: 'No: ogni file è un documento' },
  { value: 'separators', label: 'Sì, dividi ai fogli separatori' },
  { value: 'separators+blank', label: 'Sì, dividi ai fogli separatori e alle pagine bianche' },
];

export interface SplitModeSelectProps {
  value: SplitChoice;
  onChange: (v: SplitChoice) => void;
  disabled?: boolean;
}

export function SplitModeSelect({ value, onChange, disabled }: SplitModeSelectProps) {
  return (
    <div class="field inline">
      <label for="upload-split">Scansione di scatola</label>
      <select
        id="upload-split"
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.currentTarget.value as SplitChoice)}
      >
        {CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </div>
  );
}
