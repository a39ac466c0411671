/** The deterministic simulator: the same replicas as live, in seeded virtual time. */
export { Simulation, SimClient, type SimulationOptions } from './simulation';
export { SimNetwork, type PartitionMode } from './network';
export { driveWorkload, type SimWorkloadOptions } from './workload';
export { sampleDelay, linkDelay, type Delay } from './delay';
