// What the page panels share: the worker client and the latest results they draw from.
import type { DataSummary, InspectResult, MapData, Sweep, SweepPoint } from '../protocol.js';
import type { WorkerClient } from './client.js';

export interface App {
  client: WorkerClient;
  data?: DataSummary;
  inspected?: InspectResult;
  map?: MapData;
  sweep?: Sweep;
  /** Sweep points measured at slider positions. */
  live: SweepPoint[];
  /** Redraw hooks other panels call (set by the panels that own them). */
  redrawMap(): void;
  refreshAfterTraining(): void;
}
