import { SeriesChart, type SeriesSpec } from './SeriesChart';

const specs: SeriesSpec[] = [
  { name: 'loss/train', label: 'train' },
  { name: 'loss/val', label: 'val' },
];

/** Training and validation loss. */
export default function LossChart() {
  return <SeriesChart title="Loss" specs={specs} testId="loss-chart" exportName="loss" />;
}
