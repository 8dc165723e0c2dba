export interface ProgressBarProps {
  label: string;
  /** 0–100; null for an indeterminate bar (work whose length is unknown). */
  percent: number | null;
  /** Text after the label, e.g. "3 of 8 steps". */
  valueText?: string;
  size?: 'small' | 'large';
}

export function ProgressBar({ label, percent, valueText, size = 'small' }: ProgressBarProps) {
  const rounded = percent === null ? null : Math.round(Math.min(100, Math.max(0, percent)));
  return (
    <div className={`progress progress-${size}`}>
      <div
        className={rounded === null ? 'progress-track progress-indeterminate' : 'progress-track'}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={rounded ?? undefined}
        aria-valuetext={valueText ?? (rounded === null ? undefined : `${rounded}%`)}
      >
        <div className="progress-fill" style={rounded === null ? undefined : { width: `${rounded}%` }} />
      </div>
    </div>
  );
}
