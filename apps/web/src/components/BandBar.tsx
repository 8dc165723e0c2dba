import { formatNumber } from '../format.js';
import { rangeBands, tierLabels, type RangeBounds } from '../health.js';

export interface BandBarProps {
  range: RangeBounds;
  /** A reading to mark on the bar, in the range's unit. */
  value?: number | null;
}

/** A KPI range as a bar of its critical, at-risk and healthy bands, with an optional reading marked. */
export function BandBar({ range, value }: BandBarProps) {
  const span = range.scaleMax - range.scaleMin;
  const bands = rangeBands(range);
  const share = (from: number, to: number) => (span > 0 ? Math.max(0, ((to - from) / span) * 100) : 0);
  const marker = value === null || value === undefined || span <= 0 ? null : Math.min(100, Math.max(0, ((value - range.scaleMin) / span) * 100));
  const description = bands.map((band) => `${tierLabels[band.tier]} ${formatNumber(band.from)}–${formatNumber(band.to)}`).join(', ');
  return (
    <span className="band-bar" role="img" aria-label={description} title={description}>
      {bands.map((band) => (
        <span key={band.tier} className={`band band-${band.tier}`} style={{ width: `${share(band.from, band.to)}%` }} />
      ))}
      {marker !== null && <span className="band-marker" style={{ left: `${marker}%` }} />}
    </span>
  );
}
