import { LOSS_SPECS } from '../../lib/chartSeries';
import { SeriesChart } from './SeriesChart';

/** Training and validation loss. */
export default function LossChart() {
  return <SeriesChart title="Loss" specs={LOSS_SPECS} testId="loss-chart" exportName="loss" />;
}
